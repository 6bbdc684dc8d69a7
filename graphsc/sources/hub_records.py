"""Hub API model records (the JSON of ``GET /api/models/{id}``) → graphsc records.

This is the one place that knows how the Hub spells lineage, datasets, licenses and Spaces. Both the live
crawler and the snapshot reader hand it plain dicts. Any field may hold any JSON type: a value of the wrong type
is ignored (and, for ids, kept as an ``IdNote``), never an exception; only a record without a usable ``id`` is
refused (``graphsc.errors.BadInputError``, whose ``BadInput`` has no place: the caller knows it).

**Which bases are lineage.** The Hub's ``base_model:<relation>:<id>`` tags are its resolved model tree: when a
record has them, its DERIVED_FROM edges are exactly those. Otherwise the plain ``base_model:<id>`` tags (older
dumps), otherwise the card's ``base_model`` (records without tags). Card entries that no tag confirms (after URL,
legacy-id and case resolution) are not edges: they are kept as ``unconfirmed`` notes.

**Relation precedence** for a base without a relation tag (edge ``source`` says which decided):
1. the card's ``base_model_relation`` (``card-relation``);
2. the repository's own signals (``inferred:<signal>``), in this order: adapter — PEFT adapter files
   (``adapter_config.json``, ``adapter_model.*``: ``inferred:adapter-files``), ``library_name: peft`` or a ``peft``
   tag (``inferred:peft``); quantized — GGUF (``library_name``/tag ``gguf``, ``*.gguf`` files, a ``gguf`` field:
   ``inferred:gguf``), a quantization-format tag (gptq, awq, exl2, bitsandbytes, 4-bit, 8-bit, …:
   ``inferred:<tag>``), ``config.quantization_config.quant_method`` of a post-training method
   (``inferred:quantization_config``; a native ``fp8`` checkpoint is not a quantization of a base), a card
   ``quantized_by`` (``inferred:quantized_by``), MLX weights with a ``quantization`` config
   (``inferred:mlx-quantized``); merge — two or more lineage bases and a mergekit signal (``merge``/``mergekit``
   tag, ``library_name: mergekit``, a ``mergekit_config.yml`` file: ``inferred:mergekit``);
3. else ``finetune`` (``inferred:default``). The number of bases alone never makes a merge.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graphsc.errors import BadInput, BadInputError
from graphsc.ids import ParsedId, RepoType, id_key, parse_repo_id, shown, storable
from graphsc.license_table.normalize import join_licenses
from graphsc.records import (
    ADAPTER,
    CARD_RELATIONS,
    FINETUNE,
    MERGE,
    QUANTIZED,
    SOURCE_CARD,
    SOURCE_CARD_RELATION,
    SOURCE_HUB_SPACES,
    SOURCE_HUB_TAG,
    SOURCE_INFERRED,
    TAG_RELATIONS,
    USER_SPACE,
    DerivedFrom,
    IdNote,
    Model,
    ModelRecord,
    TrainedOn,
    Uses,
)
from graphsc.sources.hub_details import eval_results_from_card, model_details_from_hub

# Tags the Hub or uploaders put on quantized repositories (formats and bit widths).
QUANTIZATION_TAGS: tuple[str, ...] = (
    "gguf",
    "gptq",
    "awq",
    "exl2",
    "exl3",
    "bitsandbytes",
    "4-bit",
    "8-bit",
    "3-bit",
    "2-bit",
    "hqq",
    "aqlm",
    "eetq",
    "quanto",
    "autoround",
    "compressed-tensors",
    "bnb",
    "int4",
    "int8",
    "nf4",
)
# ``quantization_config.quant_method`` values that mean a post-training quantization of another model.
QUANT_METHODS = frozenset(
    {
        "gptq",
        "awq",
        "bitsandbytes",
        "exl2",
        "hqq",
        "aqlm",
        "eetq",
        "quanto",
        "torchao",
        "compressed-tensors",
        "fbgemm_fp8",
        "gguf",
        "autoround",
        "bitnet",
        "higgs",
        "vptq",
        "spqr",
        "marlin",
        "auto-round",
    }
)
MERGE_TAGS = frozenset({"merge", "mergekit"})
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1  # what SQLite and Neo4j integers hold


def clean_repo_id(value: Any, repo_type: RepoType = "model") -> str | None:
    """A Hub repo id from a card or tag value (URL forms reduced, legacy ids renamed), or None if it is not one."""
    return parse_repo_id(value, repo_type).id


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _as_int(value: Any) -> int | None:
    """An integer a store can hold (64-bit signed), else None."""
    return (
        value if isinstance(value, int) and not isinstance(value, bool) and _INT64_MIN <= value <= _INT64_MAX else None
    )


def as_count(value: Any) -> int | None:
    """A count (downloads, likes): a non-negative integer a store can hold, else None."""
    found = _as_int(value)
    return found if found is not None and found >= 0 else None


def as_str(value: Any) -> str | None:
    """A non-blank string, stripped and storable (lone surrogates replaced), else None."""
    if type(value) is str:  # JSON gives exact str; subclasses are not expected
        value = value.strip()
        return (value if value.isascii() else storable(value)) or None
    return None


def gated_value(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    return as_str(value)


def record_author(data: Mapping[str, Any], repo_id: str) -> str | None:
    """A Hub record's ``author``, else its id's namespace (a legacy id without one has none)."""
    return as_str(data.get("author")) or (repo_id.split("/", 1)[0] if "/" in repo_id else None)


def record_times(data: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """A Hub record's ``(createdAt, lastModified)`` as written (``huggingface_hub`` spells them ``created_at``,
    ``last_modified``)."""
    created = as_str(data.get("createdAt")) or as_str(data.get("created_at"))
    return created, as_str(data.get("lastModified")) or as_str(data.get("last_modified"))


def declared_license(card: Mapping[str, Any]) -> str | None:
    """The card's ``license``; a YAML list means every license in it applies (Hugging Face: "these licenses
    apply", typically the base model's license plus the derivative's own), so it is joined with AND."""
    declared = card.get("license")
    if isinstance(declared, list):
        return join_licenses([part for p in declared if (part := as_str(p))])
    return as_str(declared)


class _Signals:
    """What a record's own files, tags, library and config say about how it was made."""

    __slots__ = ("card", "data", "files", "library", "tags")

    def __init__(self, data: Mapping[str, Any], card: Mapping[str, Any], tags: list[str]) -> None:
        self.data = data
        self.card = card
        self.tags = {t.lower() for t in tags}
        library = as_str(data.get("library_name")) or as_str(card.get("library_name"))
        self.library = library.lower() if library else None
        siblings = data.get("siblings")
        self.files = [
            s["rfilename"].lower()
            for s in (siblings if isinstance(siblings, list) else [])
            if isinstance(s, dict) and isinstance(s.get("rfilename"), str)
        ]

    def _file(self, *names: str) -> bool:
        return any(f.rsplit("/", 1)[-1] in names for f in self.files)

    def adapter(self) -> str | None:
        names = [f.rsplit("/", 1)[-1] for f in self.files]
        if any(n == "adapter_config.json" or n.startswith("adapter_model.") for n in names):
            return "adapter-files"
        if self.library == "peft" or "peft" in self.tags:
            return "peft"
        return None

    def quantized(self) -> str | None:
        if (
            self.library == "gguf"
            or "gguf" in self.tags
            or any(f.endswith(".gguf") for f in self.files)
            or isinstance(self.data.get("gguf"), dict)
        ):
            return "gguf"
        for tag in QUANTIZATION_TAGS:
            if tag in self.tags:
                return tag
        config = self.data.get("config")
        config = config if isinstance(config, dict) else {}
        quant = config.get("quantization_config")
        method = quant.get("quant_method") if isinstance(quant, dict) else None
        if isinstance(method, str) and method.lower() in QUANT_METHODS:
            return "quantization_config"
        if as_str(self.card.get("quantized_by")):
            return "quantized_by"
        if ("mlx" in self.tags or self.library == "mlx") and isinstance(config.get("quantization"), dict):
            return "mlx-quantized"
        return None

    def merge(self) -> str | None:
        if self.tags & MERGE_TAGS or self.library == "mergekit" or self._file("mergekit_config.yml"):
            return "mergekit"
        return None

    def relation(self, bases: int) -> tuple[str, str]:
        """``(relation, source)`` for a record's bases when neither a tag nor the card names the relation."""
        if (signal := self.adapter()) is not None:
            return ADAPTER, f"{SOURCE_INFERRED}:{signal}"
        if (signal := self.quantized()) is not None:
            return QUANTIZED, f"{SOURCE_INFERRED}:{signal}"
        if bases >= 2 and (signal := self.merge()) is not None:
            return MERGE, f"{SOURCE_INFERRED}:{signal}"
        return FINETUNE, f"{SOURCE_INFERRED}:default"


class _Reader:
    """Reads one record's ids, collecting the notes on values not taken as they stand."""

    def __init__(self, model_id: str, fetched_at: str | None) -> None:
        self.model_id = model_id
        self.key = id_key(model_id)
        self.fetched_at = fetched_at
        self.notes: list[IdNote] = []
        self.written: dict[tuple[str, str], Any] = {}  # (field, id_key) -> the value as written (first seen)

    def note(self, field: str, value: Any, resolved: str | None, kind: str) -> None:
        note = IdNote(self.model_id, field, shown(value), resolved, kind, self.fetched_at)
        if note not in self.notes:  # the Hub tags a base twice (base_model:X and base_model:<relation>:X)
            self.notes.append(note)

    def ids(self, values: list[Any], field: str, repo_type: RepoType = "model") -> dict[str, str]:
        """``{id_key: id}`` of the values that are ids, first spelling kept; notes for the rest."""
        found: dict[str, str] = {}
        for value in values:
            parsed: ParsedId = parse_repo_id(value, repo_type)
            if parsed.id is None:
                if parsed.rejection != "empty" and value is not None:
                    self.note(
                        field,
                        value,
                        None,
                        "wrong-type" if parsed.rejection == "not-a-string" else str(parsed.rejection),
                    )
                continue
            if parsed.resolution == "legacy":
                self.note(field, value, parsed.id, "legacy")
            key = parsed.id.lower()  # id_key, inlined: the conversion's hottest loop
            if repo_type == "model" and key == self.key:
                self.note(field, value, parsed.id, "self-reference")
                continue
            found.setdefault(key, parsed.id)
            self.written.setdefault((field, key), value)
        return found


def _card_relation(value: Any) -> str | None:
    """The card's ``base_model_relation``: a relation name, or a list naming one relation (as some tools write
    it); anything else is ignored."""
    names = {v.strip().lower() for v in as_list(value) if isinstance(v, str) and v.strip()}
    if len(names) == 1 and not any(not isinstance(v, str) for v in as_list(value)):
        (name,) = names
        return name if name in CARD_RELATIONS else None
    return None


class _Tags:
    """The tags that carry graph facts, sorted out in one pass over a record's tag list (the hot loop of ingest)."""

    __slots__ = ("all", "bases", "datasets", "licenses")

    def __init__(self, raw: Any) -> None:
        self.all: list[str] = [t for t in raw if type(t) is str] if isinstance(raw, list) else []
        self.bases: list[str] = []
        self.datasets: list[str] = []
        self.licenses: list[str] = []
        for tag in self.all:
            first = tag[:1]
            if first == "b" and tag.startswith("base_model:"):
                self.bases.append(tag[11:])
            elif first == "d" and tag.startswith("dataset:"):
                self.datasets.append(tag[8:])
            elif first == "l" and tag.startswith("license:"):
                self.licenses.append(tag[8:])


def _bases(
    reader: _Reader,
    card: Mapping[str, Any],
    tags: _Tags,
    signals: Callable[[], _Signals],
) -> tuple[DerivedFrom, ...]:
    relation_tags: dict[str, tuple[str, str]] = {}
    plain_tag_values: list[str] = []
    has_relation_tags = False  # even a tag naming a local path is the Hub's resolved tree: the card does not count
    for rest in tags.bases:
        relation, sep, base = rest.partition(":")
        if sep and relation in TAG_RELATIONS:
            has_relation_tags = True
            parsed = parse_repo_id(base)
            if parsed.resolution == "plain" and (key := parsed.id.lower()) != reader.key:  # type: ignore[union-attr]
                if key not in relation_tags:
                    relation_tags[key] = (parsed.id, relation)  # type: ignore[assignment]
                continue
            for key, base_id in reader.ids([base], "base_model tag").items():
                relation_tags.setdefault(key, (base_id, relation))
        else:
            plain_tag_values.append(rest)
    plain = reader.ids(plain_tag_values, "base_model tag")
    card_value = card.get("base_model")
    card_bases = reader.ids(as_list(card_value), "base_model") if card_value is not None else {}
    fetched_at = reader.fetched_at
    if has_relation_tags:
        lineage = {key: base_id for key, (base_id, _) in relation_tags.items()}
        for key, base_id in plain.items():
            if key not in lineage:
                reader.note(
                    "base_model tag", reader.written.get(("base_model tag", key), base_id), base_id, "unconfirmed"
                )
    else:
        lineage = plain or ({} if plain_tag_values else card_bases)
    if plain_tag_values or has_relation_tags:
        for key, base_id in card_bases.items():
            if key not in lineage:
                reader.note("base_model", reader.written.get(("base_model", key), base_id), base_id, "unconfirmed")
    if any(key not in relation_tags for key in lineage):
        card_relation = _card_relation(card.get("base_model_relation"))
        relation, source = (card_relation, SOURCE_CARD_RELATION) if card_relation else signals().relation(len(lineage))
    edges = []
    for key, base_id in lineage.items():
        if key in relation_tags:
            edges.append(DerivedFrom(reader.model_id, base_id, relation_tags[key][1], SOURCE_HUB_TAG, fetched_at))
        else:
            edges.append(DerivedFrom(reader.model_id, base_id, relation, source, fetched_at))
    return tuple(edges)


def _datasets(reader: _Reader, card: Mapping[str, Any], tags: _Tags) -> tuple[TrainedOn, ...]:
    card_value = card.get("datasets")
    if card_value is None and not tags.datasets:
        return ()
    from_card = reader.ids(as_list(card_value), "datasets", "dataset")
    from_tags = reader.ids(tags.datasets, "dataset tag", "dataset")
    # The tag's spelling is the Hub's (it resolved the card's entry); the source says where the edge was first read.
    found = {key: (from_tags.get(key, dataset), SOURCE_CARD) for key, dataset in from_card.items()}
    for key, dataset in from_tags.items():
        found.setdefault(key, (dataset, SOURCE_HUB_TAG))
    return tuple(TrainedOn(reader.model_id, d, source, reader.fetched_at) for d, source in found.values())


def record_id(data: Mapping[str, Any], repo_type: RepoType = "model") -> str:
    """A Hub record's own id: ``id``, else ``modelId`` for a model (a field of the wrong type, or not an id, is
    passed over). Raises ``BadInputError`` when there is none."""
    problem: str | None = None
    for field in ("id", "modelId") if repo_type == "model" else ("id",):
        raw = data.get(field)
        if not isinstance(raw, str) or not raw.strip():
            continue
        parsed = parse_repo_id(raw, repo_type, cached=False)
        if parsed.id is not None:
            return parsed.id
        problem = problem or f"{shown(raw)!r} is not a Hub repo id ({parsed.rejection})"
    raise BadInputError(BadInput(problem or f"record has no {repo_type} id ('id' field)"))


def model_record_from_hub(data: Any, fetched_at: str | None = None) -> ModelRecord:
    """Convert one Hub API model record (a dict) into a ``ModelRecord``.

    Raises ``BadInputError`` only when the record is not a JSON object or has no usable ``id``; every other field
    of the wrong type is ignored. Ids follow ``graphsc.ids.parse_repo_id``.
    """
    if not isinstance(data, Mapping):
        raise BadInputError(BadInput(f"expected a JSON object, got {type(data).__name__}"))
    model_id = record_id(data)
    raw_card = data.get("cardData") if "cardData" in data else data.get("card_data")
    card: Mapping[str, Any] = raw_card if isinstance(raw_card, Mapping) else {}
    tags = _Tags(data.get("tags"))
    reader = _Reader(model_id, fetched_at)
    license_tags = tags.licenses
    author = record_author(data, model_id)
    model = Model(
        model_id,
        author,
        declared_license(card) or (as_str(license_tags[0]) if license_tags else None),
        as_str(card.get("license_name")),
        as_str(card.get("license_link")),
        as_str(data.get("pipeline_tag")) or as_str(card.get("pipeline_tag")),
        as_str(data.get("library_name")) or as_str(card.get("library_name")),
        as_count(data.get("downloads")),
        as_count(data.get("likes")),
        *record_times(data),
        gated_value(data.get("gated")),
        True,
        fetched_at,
        bool(card),
    )
    derived_from = _bases(reader, card, tags, lambda: _Signals(data, card, tags.all))
    trained_on = _datasets(reader, card, tags)
    spaces = data.get("spaces")
    used_by = (
        tuple(
            Uses(space, USER_SPACE, model_id, SOURCE_HUB_SPACES, None, fetched_at)
            for space in {id_key(s): s for s in (clean_repo_id(v, "space") for v in as_list(spaces)) if s}.values()
        )
        if spaces
        else ()
    )
    details = model_details_from_hub(model_id, data, card, tags.all)
    return ModelRecord(
        model, derived_from, trained_on, used_by, tuple(reader.notes), details, eval_results_from_card(model_id, card)
    )
