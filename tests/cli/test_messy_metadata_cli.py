"""Issue 10's examples end to end, as a user runs them: ``ingest snapshot`` of messy real-shaped records, then
``lineage``, ``impact``, ``licenses`` and ``quality`` give the true graph. Expected values come from the records."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from graphsc.cli import app

runner = CliRunner()


def ingest(tmp_path: Path, records: list[dict | str]) -> Path:
    db = tmp_path / "g.db"
    data = tmp_path / "records.jsonl"
    data.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n")
    result = runner.invoke(app, ["ingest", "snapshot", str(data), "--db", str(db)])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    return db


def run(db: Path, *args: str) -> Result:
    return runner.invoke(app, [*args, "--db", str(db)], env={"COLUMNS": "160"})


def doc(db: Path, *args: str) -> dict:
    result = run(db, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_b_any_casing_one_node_impact_counts_the_child(tmp_path: Path) -> None:
    db = ingest(
        tmp_path,
        [{"id": "Qwen/Qwen2.5-0.5B-Instruct"}, {"id": "a/x", "cardData": {"base_model": "Qwen/qwen2.5-0.5b-Instruct"}}],
    )
    impact = doc(db, "impact", "qwen/QWEN2.5-0.5B-instruct")
    assert impact["model"] == "Qwen/Qwen2.5-0.5B-Instruct" and impact["descendants"]["count"] == 1
    lineage = doc(db, "lineage", "A/X")
    assert lineage["ancestors"]["edges"] == [
        {"child": "a/x", "base": "Qwen/Qwen2.5-0.5B-Instruct", "relation": "finetune", "source": "inferred:default"}
    ]
    assert sorted(lineage["models"]) == ["Qwen/Qwen2.5-0.5B-Instruct", "a/x"]


def test_a_local_paths_are_no_parent_and_show_as_not_lineage(tmp_path: Path) -> None:
    db = ingest(
        tmp_path,
        [
            {"id": "a/x", "cardData": {"base_model": "/data/m/Qwen2.5-0.5B-Instruct"}},
            {"id": "a/y", "cardData": {"base_model": "D:\\Model\\bloom-560m"}},
        ],
    )
    for model, value in (("a/x", "/data/m/Qwen2.5-0.5B-Instruct"), ("a/y", "D:\\Model\\bloom-560m")):
        lineage = doc(db, "lineage", model)
        assert lineage["ancestors"]["edges"] == [] and sorted(lineage["models"]) == [model]
        assert lineage["unconfirmed_bases"] == [
            {"value": value, "field": "base_model", "kind": "local-path", "resolved": None}
        ]
        assert value in run(db, "lineage", model).stdout
    assert doc(db, "stats")["nodes"]["Model"] == 2


def test_c_renamed_base_no_phantom_merge(tmp_path: Path) -> None:
    db = ingest(tmp_path, [{"id": "a/x", "tags": ["base_model:finetune:o/new"], "cardData": {"base_model": "o/old"}}])
    lineage = doc(db, "lineage", "a/x")
    assert [(e["base"], e["relation"]) for e in lineage["ancestors"]["edges"]] == [("o/new", "finetune")]
    assert lineage["unconfirmed_bases"] == [
        {"value": "o/old", "field": "base_model", "kind": "unconfirmed", "resolved": "o/old"}
    ]
    out = " ".join(run(db, "lineage", "a/x").stdout.split())
    assert "o/old declared in the card, no Hub base_model tag confirms it" in out


def test_c_phantom_merge_no_longer_fails_the_license_gate(tmp_path: Path) -> None:
    # A Llama 2 fine-tune tagged finetune by the Hub whose card also lists a non-commercial model: read as a merge,
    # it produced two false errors (merge incompatible, non-commercial dropped).
    db = ingest(
        tmp_path,
        [
            {"id": "meta-llama/Llama-2-7b-hf", "cardData": {"license": "llama2"}},
            {"id": "o/nc-model", "cardData": {"license": "cc-by-nc-4.0"}},
            {
                "id": "x/llama2-ft",
                "tags": ["base_model:finetune:meta-llama/Llama-2-7b-hf"],
                "cardData": {"license": "llama2", "base_model": ["meta-llama/Llama-2-7b-hf", "o/nc-model"]},
            },
        ],
    )
    report = doc(db, "licenses", "--severity", "info")
    assert report["summary"]["by_severity"].get("error", 0) == 0 and report["summary"]["by_kind"] == {}
    assert run(db, "licenses", "--fail-on", "error").exit_code == 0


def test_d_legacy_base_hangs_under_the_canonical_model(tmp_path: Path) -> None:
    db = ingest(
        tmp_path,
        [
            {"id": "google-bert/bert-base-uncased", "cardData": {"license": "apache-2.0"}},
            {"id": "a/x", "cardData": {"base_model": "bert-base-uncased", "license": "mit"}},
        ],
    )
    assert doc(db, "impact", "google-bert/bert-base-uncased")["descendants"]["count"] == 1
    assert doc(db, "impact", "bert-base-uncased")["model"] == "google-bert/bert-base-uncased"
    assert doc(db, "stats")["nodes"]["Model"] == 2
    assert doc(db, "licenses", "--severity", "info")["summary"]["conflicts"] == 0  # no "not fetched" stub


def test_e_gguf_of_llama3_is_quantized_and_gets_no_naming_warning(tmp_path: Path) -> None:
    base = "meta-llama/Meta-Llama-3-8B-Instruct"
    db = ingest(
        tmp_path,
        [
            {"id": base, "cardData": {"license": "llama3"}},
            {
                "id": "q/Meta-Llama-3-8B-Instruct-GGUF",
                "library_name": "gguf",
                "tags": ["gguf", f"base_model:{base}"],
                "cardData": {"license": "llama3", "base_model": base},
            },
        ],
    )
    edges = doc(db, "lineage", base)["descendants"]["edges"]
    assert [(e["child"], e["relation"], e["source"]) for e in edges] == [
        ("q/Meta-Llama-3-8B-Instruct-GGUF", "quantized", "inferred:gguf")
    ]
    assert "naming_requirement" not in doc(db, "licenses", "--severity", "info")["summary"]["by_kind"]


def test_i_values_of_unexpected_types_do_not_stop_the_file(tmp_path: Path) -> None:
    db = ingest(
        tmp_path,
        [
            {"id": "a/first"},
            {"id": "a/x", "cardData": {"base_model": ["a/b", "a/c"], "base_model_relation": ["merge"]}},
            {
                "id": "a/y",
                "cardData": {"base_model": {"id": "a/b"}, "license": ["mit", 3], "datasets": 7},
                "tags": "gguf",
            },
            "[1, 2]",
            {"id": 12},
            {"id": "a/last", "downloads": "many", "likes": None, "gated": [True]},
        ],
    )
    models = doc(db, "stats")["nodes"]["Model"]
    assert models == 6  # a/first, a/x, a/b, a/c, a/y, a/last
    edges = doc(db, "lineage", "a/x")["ancestors"]["edges"]
    assert {(e["base"], e["relation"]) for e in edges} == {("a/b", "merge"), ("a/c", "merge")}
    quality = doc(db, "quality")
    assert quality["skipped_records"]["expected a JSON object"]["count"] == 1
    assert quality["skipped_records"]["no model id"]["count"] == 1
    assert quality["rejected_bases"]["wrong-type"]["examples"] == [
        {"model": "a/y", "field": "base_model", "value": '{"id": "a/b"}', "resolved": None}
    ]


def test_quality_counts_every_kind_and_ingest_prints_the_summary(tmp_path: Path) -> None:
    records: list[dict | str] = [
        {"id": "Qwen/Qwen2.5-0.5B-Instruct", "cardData": {"license": "apache-2.0"}},
        {"id": "a/case", "cardData": {"base_model": "qwen/qwen2.5-0.5b-instruct", "license": "mit"}},
        {"id": "a/path", "cardData": {"base_model": "/home/me/out", "license": "mit"}},
        {"id": "a/legacy", "cardData": {"base_model": "gpt2"}},
        {
            "id": "a/renamed",
            "tags": ["base_model:finetune:o/new"],
            "cardData": {"base_model": "o/old", "license": "mit"},
        },
        {"id": "a/nocard"},
        "{truncated",
    ]
    data = tmp_path / "records.jsonl"
    data.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n")
    db = tmp_path / "g.db"
    result = runner.invoke(app, ["ingest", "snapshot", str(data), "--db", str(db)])
    assert result.exit_code == 0
    summary = " ".join(result.output.split())
    assert (
        "Data quality: 1 unconfirmed card base, 1 local path rejected, 1 legacy id resolved, "
        "2 relations inferred, 1 record skipped (graphsc quality for details)."
    ) in summary
    q = doc(db, "quality")
    assert (q["models"], q["fetched_models"]) == (8, 6)  # + stubs openai-community/gpt2 and o/new
    assert q["rejected_bases"] == {
        "local-path": {
            "count": 1,
            "examples": [{"model": "a/path", "field": "base_model", "value": "/home/me/out", "resolved": None}],
        }
    }
    assert q["unconfirmed_bases"]["examples"] == [
        {"model": "a/renamed", "field": "base_model", "value": "o/old", "resolved": "o/old"}
    ]
    assert q["legacy_ids"]["examples"] == [
        {"model": "a/legacy", "field": "base_model", "value": "gpt2", "resolved": "openai-community/gpt2"}
    ]
    assert q["case_merged_ids"]["examples"] == [
        {"alias": "qwen/qwen2.5-0.5b-instruct", "id": "Qwen/Qwen2.5-0.5B-Instruct"}
    ]
    assert q["relations_by_source"] == {"hub-tag": 1, "inferred:default": 2}
    assert q["missing"]["license"]["count"] == 2  # a/legacy, a/nocard
    assert q["missing"]["card"]["examples"] == [{"model": "a/nocard"}]
    assert q["missing"]["relation_tag"]["count"] == 2  # a/case, a/legacy: lineage from the card only
    assert q["skipped_records"] == {"invalid JSON": {"count": 1, "examples": [{"file": str(data), "line": 7}]}}
    table = run(db, "quality").stdout
    assert "unconfirmed card bases" in table and "a/renamed: o/old" in table and "inferred:default" in table


def test_root_lineage_hides_nothing_and_a_local_path_id_gets_a_hint(tmp_path: Path) -> None:
    db = ingest(tmp_path, [{"id": "o/root"}, {"id": "o/child", "tags": ["base_model:finetune:o/root"]}])
    assert "not shown" not in run(db, "lineage", "o/root").stdout
    missing = run(db, "lineage", "/data/m/x")
    assert missing.exit_code == 1 and "is a local path" in missing.output and "ingest hf" not in missing.output


def _one_line(result: Result) -> str:
    return " ".join(result.stderr.split())


def test_a_local_path_is_said_to_be_one_before_any_suggestion(tmp_path: Path) -> None:
    """Not a Hub id: no ingest can add it, so that comes first, not "Did you mean", and the headline reads once."""
    db = ingest(tmp_path, [{"id": "Qwen/Qwen2.5-0.5B"}, {"id": "Qwen/Qwen2.5-7B"}])
    for args in (["lineage", "/data/m/Qwen"], ["licenses", "--model", "/data/m/Qwen"], ["impact", "/data/m/Qwen"]):
        result = run(db, *args)
        text = _one_line(result)
        assert result.exit_code == 1, (args, text)
        assert text.startswith("Unknown model: '/data/m/Qwen' is a local path, not a Hugging Face model id."), text
        assert "Did you mean" not in text and "ingest hf" not in text, text
        assert "Give a Hub id such as owner/name" in text
        assert "Stored models with a similar name: Qwen/Qwen2.5-" in text, text  # closest first


def test_a_malformed_id_is_not_an_id_and_an_unknown_id_reads_once(tmp_path: Path) -> None:
    db = ingest(tmp_path, [{"id": "o/root"}])
    malformed = _one_line(run(db, "lineage", "a b/c"))
    assert malformed.startswith("Unknown model: 'a b/c' is not a Hugging Face model id."), malformed
    empty = _one_line(run(db, "lineage", ""))
    assert empty.startswith("Unknown model: '' is not a Hugging Face model id."), empty
    unknown = _one_line(run(db, "lineage", "o/roots"))
    assert unknown.startswith("Unknown model: 'o/roots' is not in the graph. hint: Did you mean: o/root?"), unknown
    assert "model: Model" not in unknown
    absent = _one_line(run(db, "lineage", "zz/nothing-like-it"))
    assert absent.startswith("Unknown model: 'zz/nothing-like-it' is not in the graph."), absent
    assert "graphsc ingest hf zz/nothing-like-it" in absent


def test_card_values_with_terminal_sequences_are_printed_inert(tmp_path: Path) -> None:
    value = "\u001b[31mRED\u001b[0m/x\u001b]0;TITLE\u0007"
    db = ingest(tmp_path, [{"id": "esc/m", "cardData": {"base_model": value}}])
    for out in (run(db, "lineage", "esc/m").stdout, run(db, "quality").stdout):
        assert "\x1b" not in out and "\x07" not in out
        assert "\\x1b[31mRED" in out
