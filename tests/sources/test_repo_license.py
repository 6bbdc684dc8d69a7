"""Repository licenses get their canonical ids from the license table (one mapping, in graphsc.licenses)."""

from __future__ import annotations

import gzip
import json

from graphsc import samples
from graphsc.license_table.normalize import normalize_license
from graphsc.sources.repo_license import normalize_repo_license


def test_every_bundled_scancode_key_gets_the_tables_canonical_id_and_stays_raw() -> None:
    found = json.loads(gzip.decompress(samples.peatmoss_licenses_file().read_bytes()))
    keys = sorted({k for ks in found.values() for k in ks or ()})
    assert keys
    for key in keys:
        license_id, raw = normalize_repo_license([key])
        assert raw == key
        assert license_id == (normalize_license(key).id or key.lower())


def test_several_values_join_with_and_after_dropping_duplicates() -> None:
    assert normalize_repo_license(["bsd-new", "BSD-3-Clause", "mit"]) == (
        "bsd-3-clause AND mit",
        "bsd-new AND BSD-3-Clause AND mit",
    )
