"""The store fixtures of tests/store: the compact graph's suite runs on each backend."""

from tests.store.conftest import any_store, neo4j_store, neo4j_uri  # noqa: F401
