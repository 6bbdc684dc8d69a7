"""The check views: the terminal report prints ids literally; the JSON document is plain data."""

from __future__ import annotations

import io
import json
from datetime import date

from graphsc.policy import CheckResult, Scope, check_policy, parse_policy
from graphsc.records import DerivedFrom, Model, Repo, Uses
from graphsc.render.check_json import SCHEMA, check_document
from graphsc.render.check_table import render_check
from graphsc.render.text import console as make_console
from tests.policy.graphs import Records, small

POLICY = """version = 1
[[rules]]
id = "no-nc"
action = "deny"
message = "No NC [bold]here[/bold]."
category = "non-commercial"
[[rules]]
id = "gated"
action = "warn"
gated = true
[[rules]]
id = "nc-finding"
action = "deny"
on = "finding"
finding = "D-NC"
[[waivers]]
rule = "gated"
reason = "deal"
owner = "legal@x"
expires = 2030-01-01
[[waivers]]
finding = "nothing"
reason = "old"
owner = "o"
expires = 2020-01-01
"""


def _result() -> CheckResult:
    recs = small()
    report = recs.report()
    return check_policy(
        parse_policy(POLICY), recs.state(report), report, today=date(2026, 6, 1), datasets=recs.policy_datasets()
    )


def _text(result: CheckResult) -> str:
    out = io.StringIO()
    render_check(result, make_console(file=out, width=140, color_system=None))
    return out.getvalue()


def test_table_shows_rule_node_chain_status_and_summary() -> None:
    text = _text(_result())
    assert "DENY  no-nc  nc/base [CC-BY-NC-4.0]" in text
    assert "No NC [bold]here[/bold]." in text  # the message is data, printed literally
    assert "waived" in text and "legal@x" in text
    assert "D-NC/derived:acme/merged<-nc/base" in text
    assert "FAILED" in text
    assert "matched nothing" in text and "Expired waivers" in text


def test_markup_in_ids_is_literal() -> None:
    recs = Records(
        models=[Model("evil/[red]x[/red]", license="cc-by-nc-4.0"), Model("a/b", license="mit")],
        edges=[DerivedFrom("a/b", "evil/[red]x[/red]", "finetune", "t")],
        uses=[Uses("u/r", "repo", "a/b", "t")],
        repos=[Repo("u/r", "mit")],
    )
    report = recs.report()
    result = check_policy(parse_policy(POLICY), recs.state(report), report, Scope(model="a/b"), today=date(2026, 1, 1))
    assert "evil/[red]x[/red]" in _text(result)


def test_json_document() -> None:
    result = _result()
    doc = check_document(result)
    assert doc["schema"] == SCHEMA == "graphsc.check/1"
    json.dumps(doc)
    assert doc["summary"]["failed"] is True
    keys = {v["key"]: v for v in doc["violations"]}
    assert keys["gated:meta-llama/llama-2-7b"]["status"] == "waived"
    assert keys["gated:meta-llama/llama-2-7b"]["waiver"]["owner"] == "legal@x"
    nc = keys["no-nc:nc/base"]
    assert nc["chain"][0]["id"] == "nc/base" and nc["node"]["kind"] == "model"
    assert [w["finding"] for w in doc["unused_waivers"]] == ["nothing"]
    assert [w["finding"] for w in doc["expired_waivers"]] == ["nothing"]
