"""License propagation: the license table, normalisation, rules and the engine.

Public API::

    normalize_license(raw, license_name=None, license_link=None) -> NormalizedLicense
    check_store(store) -> LicenseReport
    check_licenses(models, derived_from, trained_on, uses, datasets, repos, spaces, dataset_derived_from)
        -> LicenseReport
    build_graph(...) -> LicenseGraph;  analyze(graph) -> LicenseReport
    default_table() -> LicenseTable
"""

from graphsc.license_table.normalize import NormalizedLicense, join_licenses, normalize_license
from graphsc.license_table.table import LicenseTable, default_table
from graphsc.licenses.engine import analyze, check_licenses, check_store
from graphsc.licenses.findings import Conflict, LicenseReport, UsesSummary
from graphsc.licenses.graph import LicenseGraph, build_graph, graph_from_store

__all__ = [
    "Conflict",
    "LicenseGraph",
    "LicenseReport",
    "LicenseTable",
    "NormalizedLicense",
    "UsesSummary",
    "analyze",
    "build_graph",
    "check_licenses",
    "check_store",
    "default_table",
    "graph_from_store",
    "join_licenses",
    "normalize_license",
]
