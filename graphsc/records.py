"""graphsc's own records: what every source produces and every store accepts.

API objects (``huggingface_hub.ModelInfo``, PyGithub objects, raw JSON) are converted into these once, at the
edge, in ``graphsc.sources``. Nothing past that edge sees an API object.

The records are typed, immutable ``NamedTuple``s rather than frozen dataclasses: ingestion builds several per
Hub record, millions of times, and a NamedTuple is built about 4x faster than a frozen dataclass (0.6 µs vs
2.5 µs for five fields, measured) and goes to ``executemany`` as it is. Records of different types with the same
field values compare equal, as tuples do; don't mix types in one set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal, NamedTuple

# How a derivative was made from its base (``DerivedFrom.relation``). The Hub's model tree writes the first four as
# ``base_model:<relation>:<id>`` tags; a card's ``base_model_relation`` may also say ``distillation``.
FINETUNE = "finetune"
ADAPTER = "adapter"
QUANTIZED = "quantized"
MERGE = "merge"
DISTILLATION = "distillation"
RELATIONS: tuple[str, ...] = (FINETUNE, ADAPTER, QUANTIZED, MERGE, DISTILLATION)
TAG_RELATIONS = frozenset({FINETUNE, ADAPTER, QUANTIZED, MERGE})
CARD_RELATIONS = TAG_RELATIONS | {DISTILLATION}
# Relations that change the base's weights: the "modify / improve / fine-tune" of naming and improvement clauses
# (Llama 3 §1.b.i, Gemma §3.2). Quantizing repackages the weights; distilling trains on the base's outputs.
IMPROVING_RELATIONS = frozenset({FINETUNE, ADAPTER, MERGE})

# Where an edge was read (``source`` of ``DerivedFrom``, ``TrainedOn`` and ``Uses``). An inferred relation's
# source is ``inferred:<signal>`` (``graphsc.sources.hub_records``).
SOURCE_HUB_TAG = "hub-tag"  # the Hub's resolved tags (base_model:…, dataset:…)
SOURCE_CARD = "card"  # the model card's metadata
SOURCE_CARD_RELATION = "card-relation"  # the card's base_model_relation
SOURCE_INFERRED = "inferred"  # prefix: inferred:<signal>
SOURCE_HUB_SPACES = "hub-spaces"  # the ``spaces`` field of a Hub model record: Spaces that load the model
SOURCE_PEATMOSS = "peatmoss"  # PeaTMOSS's GitHub → model mapping
SOURCE_GITHUB_CODE_SEARCH = "github-code-search"
SOURCE_SBOM = "sbom"  # a software bill of materials (CycloneDX, SPDX) listing the model
SOURCE_SPACE_CARD = "space-card"  # a Space's own record: the ``models`` its card declares
# Both the model's record (``spaces``) and the Space's card declare the use: one USES edge keeps both facts, so
# re-fetching either record (which replaces what that record said) never drops what the other still says.
SOURCE_HUB_SPACES_AND_CARD = "hub-spaces+space-card"
HUB_SPACE_SOURCES = frozenset({SOURCE_HUB_SPACES, SOURCE_SPACE_CARD, SOURCE_HUB_SPACES_AND_CARD})
SOURCE_USAGE_FILE = "usage-file"  # a published repository → model usage file (``graphsc ingest usage``)
SOURCE_SOURCE_DATASETS = "source-datasets"  # a dataset record's ``source_datasets:`` tags

# Who uses a model (``Uses.user_kind``).
USER_REPO: Final = "repo"
USER_SPACE: Final = "space"
UserKind = Literal["repo", "space"]

# How a missing license reads in human views (and as a label or count key where a JSON field cannot be null): a
# fetched model whose card declares none, and a model known only as someone's base (an unfetched stub).
NO_LICENSE = "(no license)"
NOT_FETCHED = "(not fetched)"


def utc_timestamp(value: datetime | None = None, *, milliseconds: bool = False) -> str:
    """``value`` (default: now) as the ISO 8601 UTC text records store: ``2025-01-20T03:46:07Z``, or with
    ``milliseconds`` as the Hub API writes times (``2025-01-20T03:46:07.000Z``). A naive ``value`` is taken as UTC."""
    value = datetime.now(UTC) if value is None else value
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    if milliseconds:
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


class Model(NamedTuple):
    """A model on the Hub. ``fetched`` is False for a stub known only as someone's base model."""

    id: str
    author: str | None = None
    license: str | None = None
    license_name: str | None = None
    license_link: str | None = None
    pipeline_tag: str | None = None
    library_name: str | None = None
    downloads: int | None = None
    likes: int | None = None
    created_at: str | None = None
    last_modified: str | None = None
    gated: str | None = None
    fetched: bool = True
    fetched_at: str | None = None
    has_card: bool | None = None


class Dataset(NamedTuple):
    """A dataset on the Hub, as its record (``GET /api/datasets/{id}``, the list API) gives it. ``fetched`` is
    False for a stub known only as a model's training data or another dataset's source; an unfetched dataset with a
    ``license`` (e.g. one an SBOM declared) sets it on a stub only. ``license`` is the declared text (card
    ``license`` or the ``license:`` tag; a list joined with AND), normalised by the license table when checked."""

    id: str
    license: str | None = None
    license_name: str | None = None
    license_link: str | None = None
    author: str | None = None
    downloads: int | None = None
    likes: int | None = None
    created_at: str | None = None
    last_modified: str | None = None
    gated: str | None = None
    fetched: bool = True
    fetched_at: str | None = None


class Repo(NamedTuple):
    """A GitHub repository (``owner/name``). ``license`` is normalised, ``license_raw`` as the source gave it."""

    id: str
    license: str | None = None
    license_raw: str | None = None
    stars: int | None = None
    archived: bool | None = None
    pushed_at: str | None = None
    fetched_at: str | None = None


class Space(NamedTuple):
    """A Hugging Face Space, as its record (``GET /api/spaces/{id}``, the list API) gives it: ``license`` as declared
    (card ``license`` or ``license:`` tag), ``sdk`` (gradio, streamlit, docker, static). ``fetched`` is False for a
    Space known only from a model record's ``spaces`` or a usage source; an unfetched Space with a ``license`` sets it
    on a stub only."""

    id: str
    license: str | None = None
    sdk: str | None = None
    author: str | None = None
    likes: int | None = None
    created_at: str | None = None
    last_modified: str | None = None
    fetched: bool = True
    fetched_at: str | None = None


class DerivedFrom(NamedTuple):
    """``child`` was derived from ``base`` by ``relation``; ``source`` says where the edge was read."""

    child: str
    base: str
    relation: str
    source: str
    fetched_at: str | None = None


class DatasetDerivedFrom(NamedTuple):
    """Dataset ``child`` was made from dataset ``base`` (``(Dataset)-[:DERIVED_FROM]->(Dataset)``): the child's card
    lists ``base`` in ``source_datasets`` (``extended|<id>``, or the id alone). ``source`` says where it was read."""

    child: str
    base: str
    source: str
    fetched_at: str | None = None


class TrainedOn(NamedTuple):
    model: str
    dataset: str
    source: str
    fetched_at: str | None = None


class Uses(NamedTuple):
    """A repository or Space (``user``) uses ``model``. ``evidence`` is e.g. a file path or URL."""

    user: str
    user_kind: UserKind
    model: str
    source: str
    evidence: str | None = None
    fetched_at: str | None = None


# What an ``IdNote`` says about a value: not an id (``local-path``, ``malformed``, ``wrong-type``), an id the record
# names that is not taken as lineage (``unconfirmed``: a card base no Hub tag confirms; ``self-reference``), or an id
# that was resolved to another (``legacy``: a legacy id renamed; ``renamed``: an unconfirmed card base that turned
# out to be the old id of a tagged base).
NOTE_KINDS: tuple[str, ...] = (
    "local-path",
    "malformed",
    "wrong-type",
    "unconfirmed",
    "self-reference",
    "legacy",
    "renamed",
)
REJECTED_KINDS = frozenset({"local-path", "malformed", "wrong-type"})


class IdNote(NamedTuple):
    """A value in ``model``'s record that graphsc did not take as an id as it stands (``kind``: ``NOTE_KINDS``).

    ``field`` says where it was (``base_model``, ``base_model tag``, ``datasets``, ``dataset tag``, ``spaces``),
    ``value`` is what was written (shortened for display), ``resolved`` the id it names (None when rejected).
    A fetched model's notes are replaced when it is re-ingested, like its edges.
    """

    model: str
    field: str
    value: str
    resolved: str | None
    kind: str
    fetched_at: str | None = None


class Alias(NamedTuple):
    """Another spelling of a stored model id: ``alias`` resolves to ``id``. ``kind`` is ``case`` (the same id in
    other casing, merged into one node) or ``renamed`` (the Hub redirected ``alias`` to ``id``)."""

    alias: str
    id: str
    kind: str


# Weight file formats (``ModelDetails.weight_formats``). ``pickle`` is every format Python's pickle loads (PyTorch
# ``.bin``/``.pt``/``.pth``, ``.ckpt``, ``.pkl``): loading one can run arbitrary code (Hugging Face, "Pickle
# Scanning", https://huggingface.co/docs/hub/security-pickle). ``safetensors`` and ``gguf`` hold tensors only.
SAFE_WEIGHT_FORMATS = frozenset({"safetensors", "gguf"})
# The reuse-relevant card fields ``ModelDetails.card_fields`` records when the card sets them (non-empty).
CARD_FIELDS: tuple[str, ...] = (
    "license",
    "base_model",
    "datasets",
    "language",
    "pipeline_tag",
    "library_name",
    "model-index",
    "metrics",
    "tags",
)
# The Hub's security scan of a repository (``securityRepoStatus``), summarised: ``unsafe`` when a scanned file is
# marked unsafe, ``caution`` when files are flagged otherwise, ``safe`` when every scan is done and none flags a file,
# ``pending`` while scans run.
SCAN_STATUSES: tuple[str, ...] = ("safe", "caution", "unsafe", "pending")


class ModelDetails(NamedTuple):
    """What a fetched model's Hub record says beyond its graph edges, kept compactly (never the whole record): its
    files, config highlights, which card fields are set, and the Hub's scan status. Replaced, like the model's
    edges, whenever the model is fetched again.

    ``files``: how many files the record lists (``siblings``; None when it lists none, i.e. unknown);
    ``weight_formats``: the sorted formats of its weight files (``safetensors``, ``gguf``, ``pickle``, ``onnx``,
    ``tensorflow``, ``flax``, ``keras``, ``mlx``...); ``pickle_files``: how many files are pickle-based (weights or
    not, e.g. ``training_args.bin``); ``custom_code``: the config maps Auto classes to the repository's own code
    (``auto_map``) or the Hub tags it ``custom_code`` (loading it needs ``trust_remote_code``);
    ``architectures``/``model_type``/``quant_method``: from ``config`` (``quantization_config.quant_method``);
    ``parameters``: the total parameter count (``safetensors.total``, else ``gguf.total``); ``dtypes``: the
    safetensors parameter dtypes; ``card_fields``: which ``CARD_FIELDS`` the card sets; ``disabled``: the Hub
    disabled the repository; ``scan_status``: one of ``SCAN_STATUSES`` or None (the record carries no scan).
    """

    model: str
    files: int | None = None
    weight_formats: tuple[str, ...] = ()
    pickle_files: int = 0
    custom_code: bool = False
    architectures: tuple[str, ...] = ()
    model_type: str | None = None
    quant_method: str | None = None
    parameters: int | None = None
    dtypes: tuple[str, ...] = ()
    card_fields: tuple[str, ...] = ()
    disabled: bool = False
    scan_status: str | None = None

    @property
    def pickle_only(self) -> bool:
        """Its weights exist only in pickle-based files: no safetensors or GGUF alternative."""
        return "pickle" in self.weight_formats and not SAFE_WEIGHT_FORMATS.intersection(self.weight_formats)


class EvalResult(NamedTuple):
    """One evaluation result a model card reports (``model-index[].results[].metrics[]``, Hugging Face's model card
    metadata spec, https://huggingface.co/docs/hub/model-cards#evaluation-results).

    ``position``: its order among the model's results (a card may report one metric twice); ``task``: the task
    type; ``dataset``: the dataset ``type`` (usually a Hub dataset id), ``dataset_name`` its display name;
    ``metric``: the metric ``type``, ``metric_name`` its display name; ``value``: the number reported (None when
    the card's value is not a number, then ``value_text`` holds it as written); ``verified``: the Hub verified it;
    ``source_name``/``source_url``: where the card says the result comes from (None: no source given).
    """

    model: str
    position: int
    task: str | None = None
    dataset: str | None = None
    dataset_name: str | None = None
    metric: str | None = None
    metric_name: str | None = None
    value: float | None = None
    value_text: str | None = None
    verified: bool | None = None
    source_name: str | None = None
    source_url: str | None = None


class ModelRecord(NamedTuple):
    """Everything one Hub model record says: the model, its outgoing edges, the notes on its ids, and (for records
    that carry them) its details and reported evaluation results."""

    model: Model
    derived_from: tuple[DerivedFrom, ...] = ()
    trained_on: tuple[TrainedOn, ...] = ()
    used_by: tuple[Uses, ...] = ()
    notes: tuple[IdNote, ...] = ()
    details: ModelDetails | None = None
    eval_results: tuple[EvalResult, ...] = ()


class DatasetRecord(NamedTuple):
    """Everything one Hub dataset record says: the dataset and the datasets it was made from."""

    dataset: Dataset
    derived_from: tuple[DatasetDerivedFrom, ...] = ()


class SpaceRecord(NamedTuple):
    """Everything one Hub Space record says: the Space and the models its card declares (USES, ``space-card``)."""

    space: Space
    uses: tuple[Uses, ...] = ()


@dataclass(slots=True)
class GraphBatch:
    """A unit of writing: a store writes a batch in one transaction.

    Fetched models in ``models`` replace their own outgoing Hub edges (DERIVED_FROM, TRAINED_ON and the USES
    edges from the Spaces their record lists), their ``notes``, ``details`` and ``eval_results``, so re-ingesting a newer record leaves nothing
    stale. Model ids are compared case-insensitively (``graphsc.ids.id_key``): stores resolve every model id in a
    batch to one node per repo first (``graphsc.store.identity``), ``aliases`` included.
    A model referenced only as an edge endpoint is created as an unfetched stub and never overwrites a
    fetched one; an unfetched model in ``models`` with a ``license`` sets that license on its stub only.
    A repository's fields merge: a field the batch leaves ``None`` keeps its stored value.

    Datasets and Spaces follow the models' rules: a fetched dataset replaces its stored fields and its outgoing
    ``dataset_derived_from`` edges, a fetched Space its ``space-card`` USES edges; an unfetched one is created when
    missing and sets only a stub's license. Dataset ids compare case-insensitively too; a fetched record gives the
    display casing.
    """

    models: list[Model] = field(default_factory=list)
    datasets: list[Dataset] = field(default_factory=list)
    repos: list[Repo] = field(default_factory=list)
    spaces: list[Space] = field(default_factory=list)
    derived_from: list[DerivedFrom] = field(default_factory=list)
    trained_on: list[TrainedOn] = field(default_factory=list)
    uses: list[Uses] = field(default_factory=list)
    notes: list[IdNote] = field(default_factory=list)
    aliases: list[Alias] = field(default_factory=list)
    details: list[ModelDetails] = field(default_factory=list)
    eval_results: list[EvalResult] = field(default_factory=list)
    dataset_derived_from: list[DatasetDerivedFrom] = field(default_factory=list)
    # Where each fetched record's items start in the lists (by lower-cased id), and which records came twice.
    _starts: dict[str, tuple[int, int, int, int, int, int]] = field(default_factory=dict, repr=False, compare=False)
    _repeated: set[str] = field(default_factory=set, repr=False, compare=False)
    _added_datasets: set[str] = field(default_factory=set, repr=False, compare=False)
    _added_spaces: set[str] = field(default_factory=set, repr=False, compare=False)

    def add(self, record: ModelRecord) -> None:
        """Append a record's model, edges and notes. A record whose id (any casing) is already in the batch
        supersedes the earlier copy, as a later batch would: see ``drop_superseded``."""
        if record.model.fetched:
            key = record.model.id.lower()
            if key in self._starts:
                self._repeated.add(key)
            self._starts[key] = (
                len(self.derived_from),
                len(self.trained_on),
                len(self.uses),
                len(self.notes),
                len(self.details),
                len(self.eval_results),
            )
        self.models.append(record.model)
        self.derived_from.extend(record.derived_from)
        self.trained_on.extend(record.trained_on)
        self.uses.extend(record.used_by)
        self.notes.extend(record.notes)
        if record.details is not None:
            self.details.append(record.details)
        self.eval_results.extend(record.eval_results)

    def add_dataset(self, record: DatasetRecord) -> None:
        """Append a dataset record; a copy already in the batch (any casing) is superseded: its edges are dropped."""
        key = record.dataset.id.lower()
        if key in self._added_datasets:
            self.dataset_derived_from = [e for e in self.dataset_derived_from if e.child.lower() != key]
        self._added_datasets.add(key)
        self.datasets.append(record.dataset)
        self.dataset_derived_from.extend(record.derived_from)

    def add_space(self, record: SpaceRecord) -> None:
        """Append a Space record; a copy already in the batch is superseded: its declared uses are dropped."""
        key = record.space.id.lower()
        if key in self._added_spaces:
            self.uses = [u for u in self.uses if not (u.source == SOURCE_SPACE_CARD and u.user.lower() == key)]
        self._added_spaces.add(key)
        self.spaces.append(record.space)
        self.uses.extend(record.uses)

    def drop_superseded(self) -> None:
        """Remove the edges and notes earlier copies of a repeated record added: the last copy wins, whatever the
        batch size (a dump may list a model twice; a snapshot may hold an old and a new record)."""
        if not self._repeated:
            return
        starts = {key: self._starts[key] for key in self._repeated}

        def keep(items: list[Any], owner: Callable[[Any], str | None], slot: int) -> list[Any]:
            return [
                x
                for i, x in enumerate(items)
                if (key := owner(x)) is None or key not in starts or i >= starts[key][slot]
            ]

        kept = keep(self.derived_from, lambda e: e.child.lower(), 0)
        if len(kept) < len(self.derived_from):
            # A base only an earlier copy named stays a stub, as it would had the copies been written in separate
            # batches: the store's contents never depend on the batch size.
            kept_set = set(kept)
            self.models.extend(Model(e.base, fetched=False) for e in self.derived_from if e not in kept_set)
        self.derived_from = kept
        self.trained_on = keep(self.trained_on, lambda t: t.model.lower(), 1)
        self.uses = keep(self.uses, lambda u: u.model.lower() if u.source == SOURCE_HUB_SPACES else None, 2)
        self.notes = keep(self.notes, lambda n: n.model.lower(), 3)
        self.details = keep(self.details, lambda d: d.model.lower(), 4)
        self.eval_results = keep(self.eval_results, lambda r: r.model.lower(), 5)
        self._repeated.clear()

    def __len__(self) -> int:
        return (
            len(self.models)
            + len(self.datasets)
            + len(self.repos)
            + len(self.spaces)
            + len(self.derived_from)
            + len(self.trained_on)
            + len(self.uses)
            + len(self.notes)
            + len(self.aliases)
            + len(self.details)
            + len(self.eval_results)
            + len(self.dataset_derived_from)
        )
