"""The three views of a diff: the terminal table, the ``graphsc.diff/1`` JSON document, the Markdown comment."""

from __future__ import annotations

import json
import re

import pytest
from rich.console import Console

from graphsc.render import json_text
from graphsc.render.diff_json import SCHEMA, diff_document
from graphsc.render.diff_markdown import cell, diff_markdown
from graphsc.render.diff_table import render_diff
from graphsc.snapshot.diff import CHANGE_KINDS, GraphDiff, diff_states
from graphsc.snapshot.state import EdgeFacts, GraphState, ModelFacts
from tests.snapshot.families import NC_DATASET, NEW_USER, RELICENSED, REMOVED_LEAF, RENAMED_NEW, RENAMED_OLD

HOSTILE = "evil|org/<img src=x>_*[x](y)`~\\"  # no Hub id looks like this; a snapshot file could hold anything


@pytest.fixture(scope="module")
def diff(old_state: GraphState, new_state: GraphState) -> GraphDiff:
    return diff_states(old_state, new_state)


def hostile_diff() -> GraphDiff:
    model = ModelFacts(HOSTILE, "[bold]MIT[/bold]", ("mit",), "evil", None, True, 1)
    edge = EdgeFacts(HOSTILE, "org/base", "finetune", "card")
    return diff_states(
        GraphState("old"), GraphState("new|2", models={HOSTILE.lower(): model}, lineage={("x", "y"): edge})
    )


def terminal(d: GraphDiff, limit: int = 20) -> str:
    console = Console(record=True, width=200, highlight=False, emoji=False)
    render_diff(d, console, limit=limit)
    return console.export_text()


def test_table_shows_every_change(diff: GraphDiff) -> None:
    text = terminal(diff, limit=5)
    words = " ".join(text.split())
    assert "36 new findings" in words and "1 model renamed" in words and "0 findings unchanged" in words
    for expected in (RELICENSED, "CC-BY-NC-4.0", REMOVED_LEAF, RENAMED_OLD, RENAMED_NEW, NC_DATASET, NEW_USER):
        assert expected in text
    assert "Models renamed (1)" in text and "New findings (36)" in text
    assert "… and 45 more" in text  # 50 usages removed, 5 shown
    assert "Models added" not in text  # no section for a kind without changes
    assert "Findings unchanged" not in text


def test_table_prints_data_literally() -> None:
    text = terminal(hostile_diff())
    assert HOSTILE in text and "[bold]MIT[/bold]" in text


def test_table_of_no_changes(old_state: GraphState) -> None:
    assert "No changes." in terminal(diff_states(old_state, old_state))


def test_json_document_round_trips(diff: GraphDiff) -> None:
    doc = diff_document(diff)
    assert doc["schema"] == SCHEMA
    assert json.loads(json.dumps(doc)) == doc
    assert json.loads(json_text(doc)) == doc
    assert doc["counts"] == diff.counts()
    for kind in (*CHANGE_KINDS, "findings_unchanged"):
        assert len(doc["changes"][kind]) == len(getattr(diff, kind))
    assert [(r["old"]["id"], r["new"]["id"]) for r in doc["changes"]["models_renamed"]] == [(RENAMED_OLD, RENAMED_NEW)]
    assert [f["key"] for f in doc["changes"]["findings_new"]] == [f.key for f in diff.findings_new]
    assert doc["changes"]["licenses_changed"][0]["new_ids"] == list(diff.licenses_changed[0].new_ids)
    assert doc["old"]["label"] == "old" and doc["scope"] is None and doc["empty"] is False
    assert doc["changes"]["findings_unchanged"] == [f.key for f in diff.findings_unchanged]  # keys only


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_markdown_comment(diff: GraphDiff) -> None:
    text = diff_markdown(diff, limit=3)
    assert text.startswith("## graphsc diff: old")
    assert "| change | count |" in text and "| New findings | 36 |" in text
    # New findings come first and open; every other non-empty kind has its own closed section.
    first = text.index("<details")
    assert text[first:].startswith("<details open><summary>New findings (36)</summary>")
    assert text.count("<details") == sum(1 for k in CHANGE_KINDS if getattr(diff, k))
    assert text.count("<details") == text.count("</details>")
    assert "… and 47 more" in text
    # Every table row has as many cells as its header.
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("|---"):
            width = _unescaped_pipes(lines[i - 1])
            j = i + 1
            while j < len(lines) and lines[j].startswith("|"):
                assert _unescaped_pipes(lines[j]) == width
                j += 1


def test_markdown_escapes_data() -> None:
    text = diff_markdown(hostile_diff())
    assert "<img" not in text and "&lt;img src=x&gt;" in text
    assert "evil\\|org/&lt;img src=x&gt;\\_\\*\\[x\\](y)\\`\\~\\\\" in text
    assert "new\\|2" in text
    for line in text.splitlines():
        if line.startswith("| evil"):
            assert _unescaped_pipes(line) == 4  # model | license | author: the id's pipe is escaped


def test_markdown_cell() -> None:
    assert cell("a|b") == "a\\|b"
    assert cell("line\nbreak\x1b[2J") == "line break [2J".replace("[", "\\[")
    assert cell(None) == ""
    assert cell("<script>&") == "&lt;script&gt;&amp;"


def test_markdown_of_no_changes(old_state: GraphState) -> None:
    text = diff_markdown(diff_states(old_state, old_state))
    assert "No changes." in text and "<details" not in text
