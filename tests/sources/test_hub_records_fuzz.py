"""Property-based tests (Hypothesis): any JSON in any field of a Hub model record is ignored or reported, never a crash.

The rule (issue 10, item I): every field of a Hub record may arrive with any JSON type. A bad value is ignored, or
the record is reported (file:line for dumps, a ``BadInput`` with the model id for the crawler) and skipped; the rest is
ingested, and a valid record is never lost because of another.

Strategies: ``json_values`` is any JSON value (nested, huge ints, nan/inf, unicode with control characters and
lone surrogates); ``hub_records`` is a Hub-shaped record whose every known field is either a plausible value
(ids in odd casing, URLs, local paths, legacy ids, ``base_model:<relation>:<id>`` tags, …) or any JSON value.
The example-based tests at the end replay the inputs that crashed before the fixes.
"""

from __future__ import annotations

import gzip
import json
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.errors import BadInput, BadInputError
from graphsc.ids import id_key, is_repo_id, parse_repo_id, shown
from graphsc.ingest import ingest_snapshot
from graphsc.records import RELATIONS, GraphBatch, ModelRecord
from graphsc.sources.hf_hub import HubClient, _record_from_json
from graphsc.sources.hub_records import TAG_RELATIONS, model_record_from_hub
from graphsc.sources.retry import RetryPolicy
from graphsc.sources.snapshot import RawRecord, read_jsonl
from graphsc.store.sqlite import SQLiteStore
from tests.fake_hub import FakeHub

# Example counts keep the whole file under about 30 s; raise max_examples locally to dig deeper.
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
STORE_SETTINGS = settings(SETTINGS, max_examples=40)
SLOW_SETTINGS = settings(SETTINGS, max_examples=25)
INT64_MAX = 2**63 - 1

# ---------------------------------------------------------------------------------------------------------------
# strategies

ODD_STRINGS = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\t\n",
    "\r\n",
    "\u2028",
    "\ufeff",
    "\u202e",
    "é",
    "𝔘",
    "😀",
    "null",
    "true",
    "0",
    "\ud800",
    "a\udfffb",
    "\x1b[31m",
    "[",
    "{",
    '"',
    "\\",
    "—",
)
SPECIAL_INTS = (
    2**31,
    -(2**31) - 1,
    INT64_MAX,
    INT64_MAX + 1,
    2**64 - 1,
    2**64,
    -(2**63),
    -(2**63) - 1,
    10**30,
    -(10**30),
)

texts = st.one_of(
    st.text(max_size=12),
    st.text(st.characters(codec=None, exclude_categories=()), max_size=8),  # any code point, surrogates included
    st.sampled_from(ODD_STRINGS),
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from(SPECIAL_INTS),
    st.floats(),
    texts,
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4),
    max_leaves=10,
)
# the same, smaller: for each of a record's many fields
field_json = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(texts, children, max_size=3),
    max_leaves=4,
)

NAMESPACES = ("meta-llama", "Qwen", "qwen", "TheBloke", "o", "a", "unsloth", "deepseek-ai", "x1")
NAMES = ("Llama-3-8B", "llama-3-8b", "x", "X", "Qwen2.5-0.5B", "d", "model.v1", "m_2", "b")
LEGACY = ("gpt2", "GPT2", "bert-base-uncased", "t5-small", "distilgpt2")
NOT_IDS = (
    "/data/m/Qwen2.5-0.5B",
    "./out",
    "../x",
    "~/ckpt",
    "C:\\Model\\bloom-560m",
    "D:/m",
    "file:///x",
    ".",
    "..",
    "a--b/c",
    "a/b/c",
    "-x/y",
    "x" * 97 + "/y",
    "a/b..c",
    "has space/in it",
    "a/",
    "/a",
    "hf.co/",
    "https://huggingface.co/",
    "https://huggingface.co/datasets/a/b",
    "https://example.com/a/b",
    "@main",
    "a/b@",
    "ä/b",
)
CASINGS = (str, str.lower, str.upper, str.swapcase, str.title)


def _spelled(repo_id: str) -> st.SearchStrategy[str]:
    """Other ways a record may write ``repo_id``: any casing, a URL form, an ``@revision``, padded."""
    forms = (
        "{}",
        "{}",
        "https://huggingface.co/{}",
        "https://huggingface.co/{}/tree/main",
        "hf.co/{}",
        "hf://{}",
        "{}@main",
        "  {}  ",
        "https://www.huggingface.co/{}?x=1#y",
        "huggingface.co/{}/resolve/main/model.gguf",
    )
    return st.tuples(st.sampled_from(CASINGS), st.sampled_from(forms)).map(lambda t: t[1].format(t[0](repo_id)))


repo_ids = st.one_of(
    st.builds("{}/{}".format, st.sampled_from(NAMESPACES), st.sampled_from(NAMES)), st.sampled_from(LEGACY)
)
id_values = st.one_of(repo_ids.flatmap(_spelled), st.sampled_from(NOT_IDS), texts)


def _or_json(plausible: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A field's value: plausible, or any JSON value at all."""
    return st.one_of(plausible, plausible, field_json)


def _one_or_many(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return _or_json(st.one_of(values, st.lists(values, max_size=4)))


# ``model-index`` as cards write it (``[{name, results: [{task, dataset, metrics: [{type, value}], source}]}]``), any
# part of it possibly any JSON value.
_metric = st.fixed_dictionaries(
    {},
    optional={
        "type": _or_json(st.sampled_from(["acc", "pass@1", ""])),
        "name": _or_json(texts),
        "value": _or_json(st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(["0.5", "95%", ""])),
        "verified": field_json,
    },
)
_result = st.fixed_dictionaries(
    {},
    optional={
        "task": _or_json(st.fixed_dictionaries({"type": _or_json(texts)})),
        "dataset": _or_json(st.fixed_dictionaries({"type": _or_json(texts), "name": _or_json(texts)})),
        "metrics": _or_json(st.lists(_or_json(_metric), max_size=3)),
        "source": _or_json(st.fixed_dictionaries({"name": _or_json(texts), "url": _or_json(texts)})),
    },
)
model_index_entry = st.fixed_dictionaries({}, optional={"results": _or_json(st.lists(_or_json(_result), max_size=3))})


@st.composite
def hub_records(draw: st.DrawFn) -> dict[str, Any]:
    """A Hub-shaped record (``GET /api/models/{id}``) whose every known field may hold any JSON value."""
    own_id = draw(repo_ids)
    # ids in this record: other repos, garbage, and the record's own id in other spellings (self-references)
    ids = st.one_of(id_values, _spelled(own_id))
    relations = st.sampled_from([*TAG_RELATIONS, "distillation", "Finetune", "", "base_model"])
    tag = st.one_of(
        st.builds("base_model:{}:{}".format, relations, ids),
        st.builds("base_model:{}".format, ids),
        st.builds("dataset:{}".format, ids),
        st.sampled_from(
            [
                "license:mit",
                "license:apache-2.0",
                "license:",
                "license:other",
                "gguf",
                "GGUF",
                "mergekit",
                "merge",
                "peft",
                "mlx",
                "gptq",
                "awq",
                "4-bit",
                "text-generation",
                "base_model:",
                "dataset:",
                "base_model:adapter:",
            ]
        ),
        field_json,
    )
    card = st.fixed_dictionaries(
        {},
        optional={
            "base_model": _one_or_many(ids),
            "base_model_relation": _one_or_many(
                st.sampled_from([*RELATIONS, "Merge", " adapter ", "quantization", ""])
            ),
            "license": _one_or_many(st.sampled_from(["mit", "apache-2.0", "other", "llama3", " ", "MIT"])),
            "license_name": _or_json(st.sampled_from(["mrl", "llama3", ""])),
            "license_link": _or_json(st.sampled_from(["LICENSE", "https://mistral.ai/licenses/MRL-0.1.md"])),
            "datasets": _one_or_many(ids),
            "pipeline_tag": _or_json(st.sampled_from(["text-generation", "fill-mask"])),
            "library_name": _or_json(st.sampled_from(["peft", "gguf", "mergekit", "mlx", "transformers", "PEFT"])),
            "quantized_by": _or_json(st.sampled_from(["TheBloke", "bartowski", ""])),
            "tags": _or_json(st.lists(texts, max_size=3)),
            "model-index": _or_json(st.lists(_or_json(model_index_entry), max_size=2)),
            "eval_results": field_json,
        },
    )
    sibling = st.fixed_dictionaries(
        {},
        optional={
            "rfilename": _or_json(
                st.sampled_from(
                    [
                        "pytorch_model.bin",
                        "training_args.bin",
                        "model-00001-of-00002.safetensors",
                        "m.Q2_K.gguf.part1of5",
                        "ggml-model.bin",
                        "weights.PTH",
                        "adapter_config.json",
                        "adapter_model.safetensors",
                        "sub/adapter_model.bin",
                        "model.Q4_K_M.gguf",
                        "mergekit_config.yml",
                        "config.json",
                        "README.md",
                    ]
                )
            ),
            "size": field_json,
            "lfs": field_json,
        },
    )
    config = st.fixed_dictionaries(
        {},
        optional={
            "quantization_config": _or_json(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "quant_method": _or_json(
                            st.sampled_from(["gptq", "awq", "fp8", "AWQ", "bitsandbytes", "none"])
                        ),
                    },
                )
            ),
            "quantization": _or_json(st.fixed_dictionaries({"bits": st.integers(2, 8)})),
            "model_type": field_json,
            "architectures": _or_json(st.lists(_or_json(texts), max_size=3)),
            "auto_map": field_json,
        },
    )
    dates = st.sampled_from(["2025-01-20T03:46:07.000Z", "2025-01-20", "yesterday", "", "2025-13-45T99:99:99Z"])
    known = st.fixed_dictionaries(
        {},
        optional={
            "id": _or_json(st.sampled_from(CASINGS).map(lambda case: case(own_id)) | _spelled(own_id)),
            "modelId": _or_json(_spelled(own_id)),
            "author": _or_json(st.sampled_from(NAMESPACES)),
            "tags": _or_json(st.lists(tag, max_size=8)),
            "cardData": _or_json(card),
            "card_data": _or_json(card),
            "downloads": _or_json(st.integers(min_value=0) | st.sampled_from(SPECIAL_INTS)),
            "likes": _or_json(st.integers(min_value=0) | st.sampled_from(SPECIAL_INTS)),
            "gated": _or_json(st.sampled_from([True, False, "auto", "manual", ""])),
            "createdAt": _or_json(dates),
            "created_at": _or_json(dates),
            "lastModified": _or_json(dates),
            "spaces": _one_or_many(ids),
            "siblings": _or_json(st.lists(_or_json(sibling), max_size=4)),
            "config": _or_json(config),
            "securityRepoStatus": _or_json(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "scansDone": field_json,
                        "filesWithIssues": _or_json(
                            st.lists(
                                _or_json(st.fixed_dictionaries({"path": texts, "level": _or_json(texts)})),
                                max_size=3,
                            )
                        ),
                    },
                )
            ),
            "disabled": field_json,
            "gguf": _or_json(st.fixed_dictionaries({"total": st.integers(0, 10**10)})),
            "library_name": _or_json(st.sampled_from(["peft", "gguf", "mergekit", "mlx", "transformers"])),
            "pipeline_tag": _or_json(st.sampled_from(["text-generation", "image-classification"])),
            "private": field_json,
            "safetensors": field_json,
            "transformersInfo": field_json,
            "inferenceProviderMapping": field_json,
            "evalResults": field_json,
        },
    )
    extra = st.dictionaries(texts, field_json, max_size=3)
    return draw(st.tuples(extra, known).map(lambda t: {**t[0], **t[1]}))


any_input = st.one_of(hub_records(), hub_records(), hub_records(), json_values)

# ---------------------------------------------------------------------------------------------------------------
# oracles: what the rule says, worked out from the raw record independently of the conversion


def usable_id(data: Any) -> str | None:
    """The id a record must be ingested under (``id``, else ``modelId``), or None when it has no usable one."""
    if not isinstance(data, Mapping):
        return None
    for key in ("id", "modelId"):
        parsed = parse_repo_id(data.get(key)).id
        if parsed is not None:
            return parsed
    return None


def relation_tag_bases(data: Mapping[str, Any], model_id: str) -> set[str]:
    """The keys of the valid ids (not the record's own) in the record's ``base_model:<relation>:<id>`` tags."""
    tags = data.get("tags")
    found = set()
    for tag in tags if isinstance(tags, list) else []:
        if not isinstance(tag, str) or not tag.startswith("base_model:"):
            continue
        relation, sep, base = tag[len("base_model:") :].partition(":")
        parsed = parse_repo_id(base).id
        if sep and relation in TAG_RELATIONS and parsed is not None and id_key(parsed) != id_key(model_id):
            found.add(id_key(parsed))
    return found


def _strings(record: ModelRecord) -> Iterator[str]:
    for row in (record.model, *record.derived_from, *record.trained_on, *record.used_by, *record.notes):
        yield from (value for value in row if isinstance(value, str))


def check_record(record: ModelRecord, data: Any) -> None:
    """The invariants of a converted record (``data`` is the raw record, or None when it is not at hand)."""
    model = record.model
    assert is_repo_id(model.id)
    key = id_key(model.id)
    for edge in record.derived_from:
        assert edge.child == model.id
        assert is_repo_id(edge.base), edge
        assert id_key(edge.base) != key, f"edge to itself: {edge}"
        assert edge.relation in RELATIONS, edge
    assert len({id_key(e.base) for e in record.derived_from}) == len(record.derived_from), "duplicate bases"
    for trained in record.trained_on:
        assert trained.model == model.id and is_repo_id(trained.dataset), trained
    for used in record.used_by:
        assert used.model == model.id and is_repo_id(used.user), used
    for value in (model.downloads, model.likes):
        assert value is None or (type(value) is int and -(2**63) <= value <= INT64_MAX)
    for text in _strings(record):
        text.encode("utf-8")  # storable: no lone surrogates
    if data is not None:
        assert key == id_key(usable_id(data) or "")
        tagged = relation_tag_bases(data, model.id)
        if tagged:
            assert {id_key(e.base) for e in record.derived_from} == tagged


@contextmanager
def fresh_store() -> Iterator[SQLiteStore]:
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(Path(tmp) / "g.db")
        try:
            yield store
        finally:
            store.close()


def check_stored(records: list[ModelRecord]) -> None:
    """The records survive a write to a real SQLiteStore, and each model can be found again."""
    with fresh_store() as store:
        batch = GraphBatch()
        for record in records:
            batch.add(record)
        store.write(batch)
        for record in records:
            stored_id = store.find_model_id(record.model.id)
            assert stored_id is not None and id_key(stored_id) == id_key(record.model.id)
            assert store.models([stored_id])[stored_id].fetched


# ---------------------------------------------------------------------------------------------------------------
# model_record_from_hub


@SETTINGS
@given(any_input)
def test_any_record_converts_or_is_refused_for_its_id(data: Any) -> None:
    try:
        record = model_record_from_hub(data, "2026-01-01T00:00:00Z")
    except BadInputError:
        assert usable_id(data) is None, "refused a record with a usable id"
        return
    check_record(record, data)


@STORE_SETTINGS
@given(st.lists(hub_records(), min_size=1, max_size=5))
def test_converted_records_survive_a_real_store(records: list[dict[str, Any]]) -> None:
    converted = []
    for data in records:
        try:
            converted.append(model_record_from_hub(data, "2026-01-01T00:00:00Z"))
        except BadInputError:
            assert usable_id(data) is None
    check_stored(converted)


# ---------------------------------------------------------------------------------------------------------------
# the snapshot reader and the CLI


def _line(data: Any, ascii_only: bool) -> str:
    try:
        return json.dumps(data, ensure_ascii=ascii_only)
    except UnicodeEncodeError:
        return json.dumps(data)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parsed_line(line: str) -> tuple[bool, Any]:
    """``(True, value)`` if ``line`` is JSON (RFC 8259: no NaN/Infinity), else ``(False, None)``."""
    try:
        return True, json.loads(line, parse_constant=_reject_constant)
    except ValueError:
        return False, None


@st.composite
def jsonl_files(draw: st.DrawFn) -> list[str]:
    """Lines of a dump: records, garbage records, values that are not objects, blank lines, invalid JSON, and
    (sometimes) a last line cut short."""
    ascii_only = draw(st.booleans())
    line = st.one_of(
        hub_records().map(lambda r: _line(r, ascii_only)),
        hub_records().map(lambda r: _line(r, ascii_only)),
        json_values.map(lambda v: _line(v, ascii_only)),
        st.sampled_from(
            [
                "",
                "   ",
                "{not json",
                "[1, 2",
                '{"id": "a/b",}',
                "NaN",
                '{"id": "a/b", "likes": NaN}',
                '{"id": "o/big", "downloads": 1e400}',
                '{"id": "o/sur", "author": "\\ud800"}',
                "\x00",
            ]
        ),
    )
    lines = draw(st.lists(line, min_size=1, max_size=12))
    if draw(st.booleans()):
        whole = json.dumps(draw(hub_records()))
        lines.append(whole[: max(1, len(whole) - draw(st.integers(1, len(whole))))])  # an object cut short
    return lines


def expected_outcome(lines: list[str]) -> tuple[dict[int, str], set[int]]:
    """``({line: id} of the records that must be stored, {lines that must be reported})``, 1-based."""
    good: dict[int, str] = {}
    bad: set[int] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        ok, value = parsed_line(line)
        model_id = usable_id(value) if ok else None
        if model_id is None:
            bad.add(number)
        else:
            good[number] = model_id
    return good, bad


def _write_lines(path: Path, lines: list[str], gzipped: bool) -> None:
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    path.write_bytes(gzip.compress(data) if gzipped else data)


@SLOW_SETTINGS
@given(jsonl_files(), st.booleans())
def test_ingest_snapshot_keeps_every_usable_record_and_reports_every_bad_line(lines: list[str], gzipped: bool) -> None:
    good, bad = expected_outcome(lines)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("dump.jsonl.gz" if gzipped else "dump.jsonl")
        _write_lines(path, lines, gzipped)
        problems: list[BadInput] = []
        with fresh_store() as store:
            report = ingest_snapshot(store, [str(path)], batch_size=3, on_problem=problems.append)
            assert {p.line for p in problems} == bad
            assert report.records == len(good) and report.skipped == len(bad)
            for model_id in good.values():
                assert store.find_model_id(model_id) is not None, model_id


runner = CliRunner()


@SLOW_SETTINGS
@given(jsonl_files())
def test_cli_ingest_snapshot_never_shows_a_traceback(lines: list[str]) -> None:
    good, bad = expected_outcome(lines)
    with tempfile.TemporaryDirectory() as tmp:
        path, db = Path(tmp) / "dump.jsonl", Path(tmp) / "g.db"
        _write_lines(path, lines, gzipped=False)
        result = runner.invoke(app, ["ingest", "snapshot", str(path), "--db", str(db)])
        assert result.exit_code == (0 if good else 1), result.output  # nothing valid read: exit 1
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert "Traceback" not in result.output
        for number in bad:
            assert f"{path}:{number}: " in result.output, (number, lines[number - 1])
        reported = {int(n) for n in _reported_lines(result.output, str(path))}
        assert reported == bad
        assert f"Ingested {len(good):,} record{'' if len(good) == 1 else 's'} " in result.output
        store = SQLiteStore(db)
        try:
            for model_id in good.values():
                stored = store.find_model_id(model_id)
                assert stored is not None, model_id
                assert stored in store.models([stored])
        finally:
            store.close()


def _reported_lines(output: str, path: str) -> Iterator[str]:
    for text in output.splitlines():
        if text.startswith(f"skipped {path}:"):
            yield text[len(f"skipped {path}:") :].split(":", 1)[0]


# ---------------------------------------------------------------------------------------------------------------
# the crawler's conversion: listing items through ModelInfo, and model_info through the real client


@SETTINGS
@given(any_input)
def test_crawler_listing_item_converts_or_is_a_problem(item: Any) -> None:
    got = _record_from_json(item, "2026-01-01T00:00:00Z")
    if isinstance(got, BadInput):
        assert isinstance(got.model_id, str) and got.reason
        return
    assert isinstance(got, ModelRecord)
    check_record(got, None)
    assert id_key(got.model.id) == id_key(usable_id(item) or "")
    check_stored([got])


@STORE_SETTINGS
@given(hub_records())
def test_crawler_and_snapshot_agree_on_lineage_when_the_client_reads_the_record(item: dict[str, Any]) -> None:
    item.pop("card_data", None)  # ModelInfo falls back to it when cardData is empty; the Hub sends only cardData
    got = _record_from_json(item, "t")
    if not isinstance(got, ModelRecord) or not isinstance(item.get("id"), str):
        return
    want = model_record_from_hub(item, "t")
    assert (got.model.id, got.derived_from, got.trained_on) == (want.model.id, want.derived_from, want.trained_on)


@SLOW_SETTINGS
@given(st.lists(hub_records(), min_size=1, max_size=4))
def test_crawler_model_info_converts_or_is_a_problem(records: list[dict[str, Any]]) -> None:
    served = {}
    for record in records:
        model_id = usable_id(record)
        if model_id is not None and model_id.count("/") == 1:
            served[model_id] = {**record, "id": model_id}
    with FakeHub([]) as hub:
        hub.records = served
        client = HubClient(endpoint=hub.url, timeout=2, policy=RetryPolicy(attempts=1))
        for model_id in served:
            got = client.model(model_id, "t")
            if isinstance(got, BadInput):
                assert got.model_id == model_id and got.reason, got
                continue
            check_record(got, None)
            check_stored([got])


# ---------------------------------------------------------------------------------------------------------------
# regressions: the inputs that crashed, one test per kind of fault


def test_regression_card_relation_as_a_list_is_ignored() -> None:
    record = {"id": "a/x", "cardData": {"base_model": ["a/b", "a/c"], "base_model_relation": ["merge"]}}
    got = model_record_from_hub(record)
    assert {e.base for e in got.derived_from} == {"a/b", "a/c"}
    assert all(e.relation in RELATIONS for e in got.derived_from)


def _nested(depth: int) -> Any:
    return orjson.loads("[" * depth + "]" * depth)  # orjson reads up to 1024 levels; the stdlib encoder fewer


def test_regression_deeply_nested_value_is_noted_not_a_recursion_error() -> None:
    # was: RecursionError in graphsc.ids.shown (json.dumps) while noting the value that is not an id
    got = model_record_from_hub({"id": "a/x", "cardData": {"base_model": [_nested(1000)], "datasets": _nested(1000)}})
    assert got.derived_from == () and [n.kind for n in got.notes] == ["wrong-type", "wrong-type"]
    assert got.notes[0].value.startswith("[[[") and len(got.notes[0].value) <= 200
    cyclic: list[Any] = []
    cyclic.append(cyclic)
    assert shown(cyclic).startswith("[[") and shown({(1, 2): 3}) == '{"(1, 2)": 3}'


def test_regression_deeply_nested_line_is_ingested(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text('{"id": "a/x", "cardData": {"base_model": [' + "[" * 1000 + "]" * 1000 + ']}}\n{"id": "a/y"}\n')
    with fresh_store() as store:
        report = ingest_snapshot(store, [str(path)])
        assert (report.records, report.skipped) == (2, 0)


def test_regression_lone_surrogates_are_stored_replaced() -> None:
    # was: UnicodeEncodeError in SQLiteStore.write ("surrogates not allowed"), losing the whole batch
    record = model_record_from_hub(
        {
            "id": "a/x",
            "author": "b\ud800",
            "tags": ["base_model:\ud800", "license:\udfff"],
            "cardData": {"license_name": "n\udc00", "datasets": ["\ud800/x"]},
            "pipeline_tag": "\ud800",
        }
    )
    assert (record.model.author, record.model.license, record.model.license_name) == ("b\ufffd", "\ufffd", "n\ufffd")
    assert {n.value for n in record.notes} == {"\ufffd", "\ufffd/x"}
    check_stored([record])


def test_regression_integers_beyond_64_bits_are_ignored() -> None:
    # was: OverflowError ("Python int too large to convert to SQLite INTEGER") in SQLiteStore.write
    for value in (2**63, 2**64 - 1, -(2**63) - 1, 10**30):
        record = model_record_from_hub({"id": "a/x", "downloads": value, "likes": value})
        assert (record.model.downloads, record.model.likes) == (None, None)
        check_stored([record])
    assert model_record_from_hub({"id": "a/x", "downloads": 2**63 - 1}).model.downloads == 2**63 - 1


def test_regression_cli_ingests_a_file_with_a_huge_integer_and_a_surrogate(tmp_path: Path) -> None:
    # was: a traceback and every record of the batch lost
    path, db = tmp_path / "dump.jsonl", tmp_path / "g.db"
    path.write_text(
        '{"id": "a/ok"}\n{"id": "a/x", "downloads": 9223372036854775808}\n{"id": "a/y", "author": "\\ud800"}\n'
    )
    result = runner.invoke(app, ["ingest", "snapshot", str(path), "--db", str(db)])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    assert "Ingested 3 records" in result.output
    store = SQLiteStore(db)
    try:
        assert set(store.models(["a/ok", "a/x", "a/y"])) == {"a/ok", "a/x", "a/y"}
    finally:
        store.close()


def test_regression_model_id_is_used_when_id_is_unusable() -> None:
    # was: BadInputError ("record has no model id") for a record whose modelId is a valid id
    assert model_record_from_hub({"id": None, "modelId": "a/x"}).model.id == "a/x"
    assert model_record_from_hub({"id": ["a/y"], "modelId": "a/x"}).model.id == "a/x"
    assert model_record_from_hub({"id": "a/y", "modelId": "a/x"}).model.id == "a/y"


def test_regression_json_orjson_refuses_but_the_rfc_allows_is_read(tmp_path: Path) -> None:
    # was: the whole record reported as invalid JSON (and lost) for one odd value, or a byte order mark
    path = tmp_path / "odd.jsonl"
    path.write_bytes(
        b'\xef\xbb\xbf{"id": "a/bom"}\n{"id": "a/big", "downloads": 1e400}\n{"id": "a/sur", "author": "\\ud800"}\n'
        b'{"id": "a/lat", "author": "caf\xe9"}\n{"id": "a/nan", "likes": NaN}\n'
    )
    items = list(read_jsonl(path))
    assert [type(i) for i in items] == [RawRecord, RawRecord, RawRecord, RawRecord, BadInput]
    assert [i.data["id"] for i in items[:4]] == ["a/bom", "a/big", "a/sur", "a/lat"]  # type: ignore[union-attr]
    assert items[3].data["author"] == "caf\ufffd"  # type: ignore[union-attr]
    assert items[4].line == 5 and "invalid JSON" in items[4].reason  # type: ignore[union-attr]
    with fresh_store() as store:
        assert ingest_snapshot(store, [str(path)]).records == 4


def test_regression_parquet_json_column_nested_too_deep_is_a_bad_row(tmp_path: Path) -> None:
    # was: RecursionError out of read_parquet (json.loads of the cardData column), ending the ingestion
    import pyarrow as pa
    import pyarrow.parquet as pq

    from graphsc.sources.parquet import read_parquet

    path = tmp_path / "deep.parquet"
    pq.write_table(
        pa.table({"id": ["a/x", "a/y"], "cardData": ["[" * 100_000 + "]" * 100_000, '{"license": "mit"}']}), path
    )
    first, second = read_parquet(path)
    assert isinstance(first, BadInput) and first.line == 1 and "JSON column" in first.reason
    assert isinstance(second, RawRecord) and second.data["cardData"] == {"license": "mit"}


UNREADABLE_BY_MODEL_INFO = [
    {"id": "o/bad", "evalResults": [None]},
    {"id": "o/bad", "evalResults": {"": None}},
    {"id": "o/bad", "inferenceProviderMapping": [None]},
    {"id": "o/bad", "inferenceProviderMapping": 5},
    {"id": "o/bad", "siblings": [5]},
    {"id": "o/bad", "siblings": [{"rfilename": "a", "lfs": {"size": 1}}]},
    {"id": "o/bad", "safetensors": [1]},
    {"id": "o/bad", "transformersInfo": [1]},
    {"id": "o/bad", "createdAt": "yesterday"},
]


def test_regression_model_info_that_huggingface_hub_cannot_read_is_a_problem_not_a_crash() -> None:
    # was: TypeError / AttributeError / KeyError / ValueError out of HubClient.model (ModelInfo(**record) inside
    # model_info), which stopped the whole crawl
    from graphsc.ingest.hub import CrawlPlan, crawl_hub

    for record in UNREADABLE_BY_MODEL_INFO:
        with FakeHub([record, {"id": "o/good", "tags": ["base_model:finetune:o/root"]}, {"id": "o/root"}]) as hub:
            client = HubClient(endpoint=hub.url, timeout=2, policy=RetryPolicy(attempts=1))
            got = client.model("o/bad", "t")
            assert isinstance(got, BadInput) and got.model_id == "o/bad", (record, got)
            assert got.reason.startswith("unusable record: huggingface_hub cannot read it"), got.reason
            listed = _record_from_json(record, "t")
            assert isinstance(listed, BadInput) and listed.model_id == "o/bad"
            with fresh_store() as store:
                report = crawl_hub(store, client, CrawlPlan(models=("o/bad", "o/good"), down=False, workers=2))
                assert [p.model_id for p in report.problems] == ["o/bad"]
                assert store.find_model_id("o/good") and store.find_model_id("o/root")


def test_regression_crawler_keeps_the_signals_the_relation_is_inferred_from() -> None:
    # was: hub_dict dropped siblings, config and gguf, so a crawled adapter or quantization was a "finetune"
    cases = {
        "adapter": {"siblings": [{"rfilename": "adapter_config.json"}]},
        "quantized": {"config": {"quantization_config": {"quant_method": "gptq"}}},
        "gguf": {"gguf": {"total": 5}},
    }
    for changes in cases.values():
        item = {"id": "o/m", "cardData": {"base_model": "o/b"}, **changes}
        crawled = _record_from_json(item, "t")
        assert isinstance(crawled, ModelRecord)
        assert crawled.derived_from == model_record_from_hub(item, "t").derived_from
        assert crawled.derived_from[0].relation != "finetune"
