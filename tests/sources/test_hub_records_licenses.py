"""A card's license as the Hub gives it: one id, or a YAML list of licenses that all apply."""

from __future__ import annotations

from graphsc.license_table.normalize import normalize_license
from graphsc.sources.hub_records import model_record_from_hub


def declared(card_license: object) -> str | None:
    return model_record_from_hub({"id": "org/m", "cardData": {"license": card_license}}).model.license


def test_a_card_license_list_means_all_of_them_apply() -> None:
    # Hugging Face: a list in `license:` says these licenses apply (the base's plus the derivative's own).
    assert declared(["llama3.1", "mit"]) == "llama3.1 AND mit"
    norm = normalize_license(declared(["llama3.1", "mit"]))
    assert norm.tree[0] == "and" and set(norm.ids) == {"llama3.1", "mit"}


def test_a_list_keeps_expressions_grouped_and_drops_non_strings_and_repeats() -> None:
    assert declared(["MIT OR Apache-2.0", "cc-by-4.0"]) == "(MIT OR Apache-2.0) AND cc-by-4.0"
    assert declared(["mit", 3, None, "", "mit"]) == "mit"
    assert declared([]) is None and declared([None, {}]) is None


def test_a_single_license_is_kept_as_written() -> None:
    assert declared("apache-2.0") == "apache-2.0"
    assert declared("MIT OR Apache-2.0") == "MIT OR Apache-2.0"
