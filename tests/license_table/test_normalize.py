"""Normalisation: every license value in the bundled real samples (graphsc/data/samples) resolves to a known id or a deliberate unknown."""

from __future__ import annotations

import pytest

from graphsc.license_table.normalize import join_licenses, normalize_license
from graphsc.license_table.table import default_table
from tests.licenses.realdata import all_license_values

HF_LICENSE_IDS = [
    "apache-2.0",
    "mit",
    "openrail",
    "bigscience-openrail-m",
    "creativeml-openrail-m",
    "bigscience-bloom-rail-1.0",
    "bigcode-openrail-m",
    "afl-3.0",
    "artistic-2.0",
    "bsl-1.0",
    "bsd",
    "bsd-2-clause",
    "bsd-3-clause",
    "bsd-3-clause-clear",
    "c-uda",
    "cc",
    "cc0-1.0",
    "cc-by-2.0",
    "cc-by-2.5",
    "cc-by-3.0",
    "cc-by-4.0",
    "cc-by-sa-3.0",
    "cc-by-sa-4.0",
    "cc-by-nc-2.0",
    "cc-by-nc-3.0",
    "cc-by-nc-4.0",
    "cc-by-nd-4.0",
    "cc-by-nc-nd-3.0",
    "cc-by-nc-nd-4.0",
    "cc-by-nc-sa-2.0",
    "cc-by-nc-sa-3.0",
    "cc-by-nc-sa-4.0",
    "cdla-sharing-1.0",
    "cdla-permissive-1.0",
    "cdla-permissive-2.0",
    "wtfpl",
    "ecl-2.0",
    "epl-1.0",
    "epl-2.0",
    "etalab-2.0",
    "eupl-1.1",
    "eupl-1.2",
    "agpl-3.0",
    "gfdl",
    "gpl",
    "gpl-2.0",
    "gpl-3.0",
    "lgpl",
    "lgpl-2.1",
    "lgpl-3.0",
    "isc",
    "h-research",
    "intel-research",
    "lppl-1.3c",
    "ms-pl",
    "apple-ascl",
    "apple-amlr",
    "mpl-2.0",
    "odc-by",
    "odbl",
    "openmdw-1.0",
    "openrail++",
    "osl-3.0",
    "postgresql",
    "ofl-1.1",
    "ncsa",
    "unlicense",
    "zlib",
    "pddl",
    "lgpl-lr",
    "deepfloyd-if-license",
    "fair-noncommercial-research-license",
    "llama2",
    "llama3",
    "llama3.1",
    "llama3.2",
    "llama3.3",
    "llama4",
    "gemma",
    "unknown",
    "other",
]

# Values in the bundled samples that are deliberately not identified: pinned so the list cannot grow silently.
EXPECTED_UNKNOWN = {
    ("hf card", "other", "arsonai", "LICENSE"),
    ("hf card", "other", "darjyo", "LICENSE"),
    ("hf card", "other", "idksmuttyigbro", "LICENSE"),
    ("hf card", "other", "plumbing", "LICENSE"),
    ("hf card", "other", None, None),
    ("hf card", "unknown", None, None),
    ("peatmoss mapping", "cc", None, None),
    ("peatmoss mapping", "other", None, None),
    ("peatmoss mapping", "unknown", None, None),
    ("scancode", "free-unknown", None, None),
    ("scancode", "generic-cla", None, None),
    ("scancode", "google-corporate-cla", None, None),
    ("scancode", "square-cla", None, None),
    ("scancode", "unknown", None, None),
    ("scancode", "unknown-license-reference", None, None),
    ("scancode", "warranty-disclaimer", None, None),
    ("scancode", "llvm-exception", None, None),
    ("scancode", "gcc-exception-3.1", None, None),
}


def test_every_hf_license_id_is_in_the_table() -> None:
    table = default_table()
    missing = [i for i in HF_LICENSE_IDS if table.lookup(i) is None or table.lookup(i).id != i]
    assert missing == []


def test_every_shared_data_license_value_is_known_or_a_deliberate_unknown() -> None:
    values = all_license_values()
    assert len({v[1] for v in values if v[0] == "scancode"}) == 200
    unresolved, unknown = [], set()
    for where, raw, name, link in values:
        n = normalize_license(raw, name, link)
        if n.unresolved or (n.status == "unknown" and n.id is None):
            unresolved.append((where, raw))
        elif n.status in ("unknown", "other"):
            unknown.add((where, raw, name, link) if where != "hf tag" else ("hf card", raw, name, link))
    assert unresolved == []
    assert unknown == EXPECTED_UNKNOWN
    assert len(unknown) == 18


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("bsd-new", "bsd-3-clause"),
        ("gpl-3.0-plus", "gpl-3.0-or-later"),
        ("bsd-simplified", "bsd-2-clause"),
        ("boost-1.0", "bsl-1.0"),
        ("Apache 2.0", "apache-2.0"),
        ("MIT", "mit"),
        ("stable-diffusion-2022-08-22", "creativeml-openrail-m"),
        ("llama-license-2023", "llama1"),
        ("llama-2-license-2023", "llama2"),
        ("wtfpl-2.0", "wtfpl"),
        ("CC-BY-NC-4.0", "cc-by-nc-4.0"),
        ("GPL-2.0-only", "gpl-2.0"),
    ],
)
def test_aliases_resolve_to_canonical_ids(raw: str, canonical: str) -> None:
    assert normalize_license(raw).id == canonical
    assert normalize_license(raw).status == "known"


def test_spdx_or_expression_is_parsed_by_license_expression() -> None:
    n = normalize_license("MIT OR Apache-2.0")
    assert n.status == "expression" and n.expression is not None
    assert n.ids == ("mit", "apache-2.0") and n.canonical_text() == "MIT OR Apache-2.0"


def test_with_exception_keeps_the_license_id() -> None:
    n = normalize_license("GPL-2.0-or-later WITH Classpath-exception-2.0")
    assert (n.status, n.id, n.unresolved) == ("expression", "gpl-2.0-or-later", ())


def test_scancode_with_commons_clause_adds_the_clause_as_a_license() -> None:
    assert normalize_license("apache-2.0 WITH commons-clause").ids == ("apache-2.0", "commons-clause")


def test_other_resolves_by_license_name_or_link() -> None:
    assert normalize_license("other", "mrl", "https://mistral.ai/licenses/MRL-0.1.md").id == "mrl-0.1"
    by_link = normalize_license("other", "m", "https://mistral.ai/licenses/MRL-0.1.md")
    assert (by_link.id, by_link.resolved_by) == ("mrl-0.1", "license_link")
    assert normalize_license("other", "llama3").id == "llama3"
    assert normalize_license("other", "darjyo", "LICENSE").status == "other"


def test_missing_and_unrecognised_licenses() -> None:
    assert normalize_license(None).status == "none"
    assert normalize_license("  ").status == "none"
    n = normalize_license("my-own-license")
    assert (n.status, n.id, n.unresolved) == ("unknown", None, ("my-own-license",))
    assert normalize_license("mit AND foo").unresolved == ("foo",)


def test_join_licenses_makes_an_and_expression() -> None:
    assert join_licenses(["mit", "apache-2.0 WITH llvm-exception"]) == "mit AND (apache-2.0 WITH llvm-exception)"
    assert normalize_license(join_licenses(["mit", "bsd-new"])).ids == ("mit", "bsd-3-clause")


def test_normalisation_is_cached() -> None:
    assert normalize_license("cc-by-nc-4.0") is normalize_license("cc-by-nc-4.0")


def test_any_declared_text_normalises_without_raising() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from graphsc.license_table.normalize import normalize_license as normalise

    for bad in ("()", "(", ")(", "MIT AND", "AND", "WITH", "(MIT", "MIT OR OR Apache-2.0", "((()))"):
        assert normalise(bad).status in ("unknown", "none", "other", "known")

    alphabet = st.sampled_from([*list("()"), " AND ", " OR ", " WITH ", "MIT", "apache-2.0", "+", " ", "x"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(alphabet, max_size=12).map("".join) | st.text(max_size=40))
    def check(text: str) -> None:
        normalise(text)

    check()


def test_license_links_match_at_a_path_boundary() -> None:
    from graphsc.license_table.table import default_table

    table = default_table()
    assert table.lookup_link("https://opensource.org/licenses/MIT").id == "mit"
    assert table.lookup_link("https://opensource.org/licenses/MIT/").id == "mit"
    assert table.lookup_link("https://opensource.org/licenses/MIT-0") is None
    assert table.lookup_link("https://mistral.ai/licenses/MRL-0.1.md").id == "mrl-0.1"
