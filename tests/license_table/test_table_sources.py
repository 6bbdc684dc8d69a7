"""Every license fact is checkable: each entry names the text it was checked against, the Hub's license list is
covered, and SPDX ids are real SPDX ids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from license_expression import get_spdx_licensing

from graphsc.errors import UnknownLicenseError
from graphsc.license_table.normalize import normalize_license
from graphsc.license_table.table import default_table, parse_table
from graphsc.licenses.explain import explain

TABLE = default_table()
HUB_LIST = Path(__file__).parent / "data" / "hub_licenses.tsv"
# SPDX ids added to the SPDX list after the index shipped in license-expression (SPDX 3.28.0, 2026-02-20).
NEWER_THAN_LIBRARY = {"OpenMDW-1.0"}


def hub_ids() -> list[str]:
    return [line.split("\t")[0] for line in HUB_LIST.read_text().splitlines() if line and not line.startswith("#")]


def test_hub_license_list_file_names_its_source_and_date() -> None:
    header = [line for line in HUB_LIST.read_text().splitlines() if line.startswith("#")]
    assert any(re.search(r"commit [0-9a-f]{40} \(2026-06-06", line) for line in header)
    assert len(hub_ids()) == 83 and {"grok2-community", "openmdw-1.1", "llama4", "apple-amlr"} <= set(hub_ids())


@pytest.mark.parametrize("hub_id", hub_ids())
def test_every_hub_license_id_is_a_canonical_id_of_the_table(hub_id: str) -> None:
    assert hub_id in TABLE.licenses


@pytest.mark.parametrize("old_id", ["tii-falcon-llm", "open-mdw"])
def test_ids_the_hub_list_used_to_carry_are_recognised(old_id: str) -> None:
    assert TABLE.lookup(old_id) is not None


def test_every_entry_records_the_text_it_was_checked_against() -> None:
    for lic in TABLE.licenses.values():
        assert lic.text is not None, lic.id
        if lic.text.verified:
            assert lic.text.link and lic.text.link.startswith("https://"), lic.id
            assert lic.text.commit is None or re.fullmatch(r"[0-9a-f]{40}", lic.text.commit), lic.id
        else:
            assert lic.text.note, lic.id


def test_licenses_whose_text_could_not_be_read_say_so() -> None:
    unverified = {lid for lid, lic in TABLE.licenses.items() if not lic.text.verified}
    assert {"grok2-community", "qwen", "mnpl-0.1", "intel-research", "h-research", "llama1"} <= unverified
    assert {"llama3.1", "gemma", "creativeml-openrail-m", "qwen-research", "mrl-0.1", "cc-by-sa-4.0"}.isdisjoint(
        unverified
    )


def test_spdx_values_are_spdx_ids() -> None:
    licensing = get_spdx_licensing()
    for lic in TABLE.licenses.values():
        if lic.spdx and lic.spdx not in NEWER_THAN_LIBRARY:
            result = licensing.validate(lic.spdx)
            assert not result.errors and not result.invalid_symbols, (lic.id, lic.spdx, result.errors)


def test_every_clause_the_table_carries_is_read_by_a_rule() -> None:
    # data nothing reads misleads: each clause name in the table leads to an obligation, or is read by a rule
    read_elsewhere = {"attribution", "results_unrestricted", "distillation_is_derivative", "outputs_non_commercial"}
    for lic in TABLE.licenses.values():
        if lic.status != "known":
            continue
        doc = explain(lic.id)
        imposed = {o["kind"] for o in doc["obligations"]}
        for clause in lic.clauses:
            if clause in read_elsewhere:
                continue
            assert imposed, (lic.id, clause)


@pytest.mark.parametrize("license_id", sorted(TABLE.licenses))
def test_explain_works_for_every_id(license_id: str) -> None:
    doc = explain(license_id)
    assert doc["id"] == license_id and doc["schema"] == "graphsc.license/1"
    assert [c["name"] for c in doc["clauses"]] == sorted(TABLE[license_id].clauses)
    for c in doc["clauses"]:
        assert c["source"] == TABLE[license_id].clauses[c["name"]].source


def test_a_table_entry_without_its_text_reason_is_rejected() -> None:
    base = {"name": "X", "family": "x", "category": "permissive"}
    with pytest.raises(ValueError, match="says why"):
        parse_table({"licenses": {"x": base | {"text": {"verified": False}}}})
    with pytest.raises(ValueError, match="names its text"):
        parse_table({"licenses": {"x": base | {"text": {"verified": True}}}})
    with pytest.raises(ValueError, match="unknown policy"):
        parse_table(
            {"licenses": {"x": base | {"use_restrictions_must_pass": {"value": True, "policy": "nope", "source": "s"}}}}
        )
    with pytest.raises(ValueError, match="compatible names unknown licenses"):
        parse_table({"licenses": {"x": base | {"copyleft": {"value": "strong", "compatible": ["y"], "source": "s"}}}})


def test_a_family_entry_has_no_spdx_id() -> None:
    """gfdl, gpl, lgpl name no version: no SPDX id, so a BOM never states a guessed version as the license."""
    base = {"name": "X", "family": "x", "category": "copyleft", "names_a_family": True, "spdx": "GFDL-1.3-or-later"}
    with pytest.raises(ValueError, match="names a family has no `spdx`"):
        parse_table({"licenses": {"x": base}})
    for alias in ("gfdl", "gfdl-1.1", "gfdl-1.2"):
        assert normalize_license(alias).spdx_expression() is None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_explain_any_text_is_a_license_or_an_unknown_license_error(text: str) -> None:
    try:
        doc = explain(text)
    except UnknownLicenseError as error:
        assert error.text == text and all(s in TABLE.licenses for s in error.suggestions)
    else:
        assert doc["id"] in TABLE.licenses
