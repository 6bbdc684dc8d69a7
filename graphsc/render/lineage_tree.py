"""``graphsc lineage --format tree``: ancestors and descendants as rich trees, with a summary.

Large families stay readable: each model shows at most ``width`` children (most downloaded first) and a
tree at most ``limit`` models; what is cut is summarised on the spot and counted at the end.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from graphsc.lineage import DatasetLineage, Lineage, StoreModels, TrainingData
from graphsc.records import NOT_FETCHED, Dataset, DerivedFrom, Model
from graphsc.render.labels import RELATION_STYLE, counted, human_count, license_text, model_license_text
from graphsc.render.text import literal, visible
from graphsc.reuse.completeness import declares_license

LEVEL_INDENT = 4  # columns a rich Tree indents each level by
LABEL_ROOM = 32  # columns a label keeps at the deepest level drawn; deeper levels get a notice instead


def _label(model_id: str, model: Model | None, relation: str | None = None, note: str = "") -> Text:
    text = Text()
    if relation:
        text.append(f"{visible(relation)} ", style=RELATION_STYLE.get(relation, "white"))
    text.append(visible(model_id), style="bold")
    # a stub's marker stands where a license would, in the same brackets: ``[(not fetched)]``
    if model is None or not model.fetched:
        text.append(f"  [{NOT_FETCHED}]", style="dim")
    else:
        text.append(f"  [{visible(license_text(model.license))}]", style="dim")
        text.append(f"  {human_count(model.downloads)}↓", style="dim")
    if note:
        text.append(f"  {note}", style="italic dim")
    return text


def _downloads(models: Mapping[str, Model], model_id: str) -> int:
    model = models.get(model_id)
    return model.downloads or 0 if model is not None else 0


def drawable_levels(console_width: int) -> int:
    """How many levels below the root a tree can draw in ``console_width`` columns with ``LABEL_ROOM`` left for
    the label (at least 1): rich squeezes deeper labels to nothing, so the tree would silently stop."""
    return max(1, (console_width - LABEL_ROOM) // LEVEL_INDENT)


class _TreeBuilder:
    def __init__(self, lineage: Lineage, width: int, limit: int, levels: int | None = None) -> None:
        self.lineage = lineage
        self.width = width
        self.limit = limit
        self.levels = levels
        self.shown: set[str] = set()

    def build(self, edges: tuple[DerivedFrom, ...], up: bool) -> Tree:
        lineage = self.lineage
        links: dict[str, list[DerivedFrom]] = defaultdict(list)
        for e in edges:
            links[e.child if up else e.base].append(e)
        root_id = lineage.model.id
        tree = Tree(_label(root_id, lineage.models.get(root_id)))
        self.shown = {root_id}
        stack: list[tuple[Tree, str, int]] = [(tree, root_id, 0)]
        while stack:
            branch, node, level = stack.pop()
            out = self._ordered(links.get(node, []), up)
            if out and self.levels is not None and level >= self.levels:
                branch.add(self._too_deep_note(links, node, up))
                continue
            expand: list[tuple[Tree, str, int]] = []
            for i, e in enumerate(out):
                other = e.base if up else e.child
                if i >= self.width or len(self.shown) >= self.limit:
                    branch.add(self._hidden_note(out[i:], up))
                    break
                if other in self.shown:
                    note = "(cycle)" if other in (root_id, node) else "(shown above)"
                    branch.add(_label(other, lineage.models.get(other), e.relation, note))
                    continue
                self.shown.add(other)
                expand.append((branch.add(_label(other, lineage.models.get(other), e.relation)), other, level + 1))
            stack.extend(reversed(expand))
        return tree

    def _ordered(self, out: list[DerivedFrom], up: bool) -> list[DerivedFrom]:
        """A model's links as drawn: most downloaded first, then by id (records read only for models drawn)."""
        lineage = self.lineage
        ordered = sorted(
            out, key=lambda e: (-lineage.downloads_of(e.base if up else e.child), e.base if up else e.child)
        )
        if isinstance(lineage.models, StoreModels):
            lineage.models.prefetch(e.base if up else e.child for e in ordered[: self.width])
        return ordered

    def _too_deep_note(self, links: Mapping[str, list[DerivedFrom]], node: str, up: bool) -> Text:
        """The notice drawn instead of what lies more than ``levels`` below the root under ``node``: how many
        levels and models, and how to see them."""
        depth: dict[str, int] = {node: 0}
        frontier = [node]
        while frontier:
            nxt = []
            for current in frontier:
                for e in links.get(current, []):
                    other = e.base if up else e.child
                    if other not in depth and other not in self.shown:
                        depth[other] = depth[current] + 1
                        nxt.append(other)
            frontier = nxt
        levels, models = max(depth.values()), len(depth) - 1
        if not models:  # every link leads back to a model already drawn
            return Text("… (links to models shown above)", style="dim italic")
        text = Text(
            f"… {counted(levels, 'more level')} ({counted(models, 'model')}) "
            "not drawn, too deep for the terminal: graphsc lineage ",
            style="dim italic",
        )
        text.append(visible(node), style="bold")
        text.append(f" --direction {'up' if up else 'down'}", style="dim italic")
        return text

    @staticmethod
    def _hidden_note(rest: list[DerivedFrom], up: bool) -> Text:
        relations = Counter(e.relation for e in rest)
        detail = ", ".join(f"{n:,} {r}" for r, n in relations.most_common())
        more = counted(len(rest), "more base") if up else counted(len(rest), "more child", "more children")
        return Text(f"… {more} ({detail})", style="dim italic")


def _summary(lineage: Lineage, hidden_up: int, hidden_down: int) -> Table:
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    model = lineage.model
    table.add_row(
        "model",
        literal(f"{model.id}  license {model_license_text(model)}  downloads {human_count(model.downloads)}"),
    )
    if lineage.direction != "down":
        table.add_row("generation", str(lineage.generation))
        table.add_row("roots", literal(", ".join(lineage.roots) or "-"))
        table.add_row("ancestors", str(len(lineage.ancestor_distance) - 1))
    if lineage.direction != "up":
        table.add_row("descendants", str(lineage.descendant_count))
        by_relation = ", ".join(f"{r} {n}" for r, n in lineage.descendants_by_relation.items())
        table.add_row("  by relation", literal(by_relation or "-"))
        by_depth = ", ".join(f"{d}: {n}" for d, n in lineage.descendants_by_depth.items())
        table.add_row("  by depth", by_depth or "-")
    if lineage.used_by:
        kinds = Counter(u.user_kind for u in lineage.used_by)
        table.add_row("used by", literal(", ".join(counted(n, k) for k, n in sorted(kinds.items()))))
    for label, value in _training_rows(lineage.training) if lineage.training is not None else ():
        table.add_row(label, literal(value))
    if lineage.unconfirmed_bases:
        table.add_row(Text("not lineage", style="bold yellow"), _unconfirmed_text(lineage))
    if lineage.max_depth is not None:
        table.add_row("max depth", str(lineage.max_depth))
    if lineage.cycles:
        table.add_row(
            Text("cycles", style="bold red"), literal("; ".join(" ↔ ".join(c) for c in lineage.cycles), style="red")
        )
    if hidden_up or hidden_down:
        table.add_row(
            "not shown",
            f"{counted(hidden_up + hidden_down, 'model')} (raise --width/--limit, widen the terminal, or use --format "
            "json for everything)",
        )
    return table


_NOTE_REASONS = {
    "unconfirmed": "declared in the card, no Hub base_model tag confirms it",
    "local-path": "a local path, not a Hub id",
    "malformed": "not a Hub id",
    "wrong-type": "not a string",
}


def _unconfirmed_text(lineage: Lineage) -> Text:
    """The card's base_model values that are not edges, each with why (data printed literally, never as markup)."""
    text = Text()
    for i, note in enumerate(lineage.unconfirmed_bases):
        if i:
            text.append("\n")
        text.append(visible(note.value))
        text.append(f"  {_NOTE_REASONS.get(note.kind, note.kind)}", style="dim")
    return text


def _used_by_tree(lineage: Lineage, width: int) -> Tree:
    """The repositories and Spaces using the model (first ``width``), with where each use was found."""
    tree = Tree(literal(lineage.model.id, style="bold"))
    for use in lineage.used_by[:width]:
        label = literal(f"{use.user_kind} ", style="cyan")
        label.append(visible(use.user), style="bold")
        label.append(f"  {visible(use.source)}", style="dim")
        if use.evidence:
            label.append(f"  {visible(use.evidence)}", style="dim italic")
        tree.add(label)
    if len(lineage.used_by) > width:
        tree.add(
            Text(f"… {len(lineage.used_by) - width} more (raise --width, or use --format json)", style="dim italic")
        )
    return tree


def dataset_license_text(dataset: Dataset | None) -> str:
    """A dataset's license as the views show it: as declared, ``NO_LICENSE`` for a fetched dataset declaring none,
    ``NOT_FETCHED`` for a stub (known only as training data or a source), as a stub model reads."""
    if dataset is None or not dataset.fetched:
        return NOT_FETCHED
    return license_text(dataset.license)


def dataset_head(dataset: Dataset) -> Text:
    """A report's first row for a dataset: its id, license and (fetched) downloads."""
    text = f"{dataset.id}  license {dataset_license_text(dataset)}"
    return literal(text + (f"  downloads {human_count(dataset.downloads)}" if dataset.fetched else ""))


def _dataset_label(dataset_id: str, dataset: Dataset | None, note: str = "") -> Text:
    text = Text(visible(dataset_id), style="bold")
    text.append(f"  [{visible(dataset_license_text(dataset))}]", style="dim")
    if note:
        text.append(f"  {note}", style="italic dim")
    return text


class _DatasetTrees:
    """Draws datasets and, under each, the datasets ``links`` leads to (sources, or datasets made from it),
    recursively: ``width`` per dataset, each dataset's links drawn once (later: "(shown above)"), no deeper than
    ``levels`` below the tree's root; ``command`` is how to see what is too deep."""

    def __init__(
        self,
        links: Mapping[str, list[str]],
        datasets: Mapping[str, Dataset],
        width: int,
        levels: int | None,
        command: str,
    ) -> None:
        self.links = links
        self.datasets = datasets
        self.width = width
        self.levels = levels
        self.command = command
        self.shown: set[str] = set()

    def add(self, branch: Tree, ids: list[str], level: int) -> None:
        for i, dataset_id in enumerate(ids):
            if i >= self.width:
                more = counted(len(ids) - i, "more dataset")
                branch.add(Text(f"… {more} (raise --width, or use --format json)", style="dim italic"))
                return
            below = self.links.get(dataset_id, [])
            if dataset_id in self.shown and below:
                branch.add(_dataset_label(dataset_id, self.datasets.get(dataset_id), "(shown above)"))
                continue
            self.shown.add(dataset_id)
            node = branch.add(_dataset_label(dataset_id, self.datasets.get(dataset_id)))
            if not below:
                continue
            if self.levels is not None and level >= self.levels:
                note = Text("… not drawn, too deep for the terminal: graphsc lineage ", style="dim italic")
                note.append(visible(dataset_id), style="bold")
                note.append(f" {self.command}", style="dim italic")
                node.add(note)
                continue
            self.add(node, below, level + 1)


def _training_rows(training: TrainingData) -> list[tuple[str, str]]:
    """The summary's rows on training data: '4 datasets, 2 more as sources' (sources not trained on directly) and
    their licenses: '2 declared, 2 none, 2 not fetched' (a placeholder such as ``unknown`` declares none:
    ``graphsc.reuse.completeness.declares_license``)."""
    trained = {t.dataset for t in training.trained_on}
    if not trained:
        return [("trained on", "no dataset declared")]
    ids = training.dataset_ids
    records = [training.datasets.get(d) for d in ids]
    fetched = [d for d in records if d is not None and d.fetched]
    licensed = sum(1 for d in fetched if declares_license(d.license))
    parts = [(licensed, "declared"), (len(fetched) - licensed, "none"), (len(records) - len(fetched), "not fetched")]
    head = counted(len(trained), "dataset")
    if len(ids) > len(trained):
        head += f", {len(ids) - len(trained):,} more as sources"
    return [("trained on", head), ("  licenses", ", ".join(f"{n:,} {label}" for n, label in parts if n))]


def _training_trees(lineage: Lineage, training: TrainingData, width: int, levels: int | None) -> list[Tree]:
    """One tree per model (the model, then its ancestors nearest first) trained on declared datasets: each
    dataset with its license and, below it, the datasets it was made from."""
    sources: dict[str, list[str]] = defaultdict(list)
    for e in training.edges:
        sources[e.child].append(e.base)
    trees = _DatasetTrees(sources, training.datasets, width, None if levels is None else levels - 1, "--direction up")
    out = []
    for model_id in lineage.trained_models:
        datasets = training.datasets_of(model_id)
        if datasets:
            tree = Tree(literal(model_id, style="bold"))
            trees.add(tree, datasets, 1)
            out.append(tree)
    return out


def _dataset_models_tree(lineage: DatasetLineage, width: int) -> list[Tree]:
    """The models trained on the dataset or a dataset made from it: one tree per dataset, models most
    downloaded first (first ``width``)."""
    by_dataset: dict[str, list[str]] = defaultdict(list)
    for t in lineage.trained_on:
        by_dataset[t.dataset].append(t.model)
    out = []
    for dataset_id in sorted(by_dataset, key=lambda d: (lineage.derived_depth.get(d, 0), d)):
        models = sorted(by_dataset[dataset_id], key=lambda m: (-_downloads(lineage.models, m), m))
        tree = Tree(_dataset_label(dataset_id, lineage.datasets.get(dataset_id)))
        for model_id in models[:width]:
            tree.add(_label(model_id, lineage.models.get(model_id)))
        if len(models) > width:
            tree.add(
                Text(
                    f"… {counted(len(models) - width, 'more model')} (raise --width, or use --format json)",
                    style="dim italic",
                )
            )
        out.append(tree)
    return out


def render_dataset_lineage_tree(lineage: DatasetLineage, console: Console, width: int = 10) -> None:
    """``graphsc lineage DATASET``: the datasets it was made from (up), those made from it and the models trained
    on any of them (down), and a summary."""
    dataset = lineage.dataset
    levels = drawable_levels(console.width)
    parts: list[RenderableType] = []
    if lineage.direction != "down":
        parts.append(literal(f"Sources of {dataset.id}", style="bold underline"))
        if lineage.source_edges:
            links: dict[str, list[str]] = defaultdict(list)
            for e in lineage.source_edges:
                links[e.child].append(e.base)
            tree = Tree(_dataset_label(dataset.id, dataset))
            _DatasetTrees(links, lineage.datasets, width, levels, "--direction up").add(tree, links[dataset.id], 1)
            parts.append(tree)
        else:
            parts.append(Text("  none: no source dataset declared", style="dim"))
    if lineage.direction != "up":
        parts.append(literal(f"Datasets made from {dataset.id}", style="bold underline"))
        if lineage.derived_edges:
            links = defaultdict(list)
            for e in lineage.derived_edges:
                links[e.base].append(e.child)
            tree = Tree(_dataset_label(dataset.id, dataset))
            _DatasetTrees(links, lineage.datasets, width, levels, "--direction down").add(tree, links[dataset.id], 1)
            parts.append(tree)
        else:
            parts.append(Text("  none", style="dim"))
        trained = len(lineage.trained_models)
        parts.append(Text(f"Models trained on it or on datasets made from it ({trained:,})", style="bold underline"))
        trees = _dataset_models_tree(lineage, width)
        parts.extend(trees or [Text("  none declared", style="dim")])
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    table.add_row("dataset", dataset_head(dataset))
    if lineage.direction != "down":
        table.add_row("sources", f"{lineage.source_count:,}")
    if lineage.direction != "up":
        table.add_row("made from it", f"{lineage.derived_count:,}")
        table.add_row("trained models", f"{len(lineage.trained_models):,}")
    if lineage.max_depth is not None:
        table.add_row("max depth", str(lineage.max_depth))
    if lineage.cycles:
        table.add_row(
            Text("cycles", style="bold red"), literal("; ".join(" ↔ ".join(c) for c in lineage.cycles), style="red")
        )
    parts.append(table)
    console.print(Group(*parts))


def render_lineage_tree(
    lineage: Lineage, console: Console, width: int = 10, limit: int = 200, levels: int | None = None
) -> None:
    """Print the lineage as trees (ancestors, descendants) and a summary table. ``width`` children per model,
    ``limit`` models per tree and ``levels`` levels below the model (default: what fits ``console.width``) are
    drawn; what is cut is said where it is cut and counted in the summary."""
    parts: list[RenderableType] = []
    hidden_up = hidden_down = 0
    builder = _TreeBuilder(lineage, width, limit, drawable_levels(console.width) if levels is None else levels)
    if lineage.direction != "down":
        parts.append(literal(f"Ancestors of {lineage.model.id}", style="bold underline"))
        if lineage.ancestor_edges:
            parts.append(builder.build(lineage.ancestor_edges, up=True))
        else:
            parts.append(Text("  none: a root model (no declared base model)", style="dim"))
        hidden_up = len(lineage.ancestor_distance) - len(builder.shown) if lineage.ancestor_edges else 0
    if lineage.direction != "up":
        parts.append(literal(f"Descendants of {lineage.model.id}", style="bold underline"))
        parts.append(builder.build(lineage.descendant_edges, up=False))
        hidden_down = len(lineage.descendant_depth) - len(builder.shown)
    if lineage.used_by:
        parts.append(Text(f"Used by ({len(lineage.used_by)})", style="bold underline"))
        parts.append(_used_by_tree(lineage, width))
    training = lineage.training
    if training is not None and training.trained_on:
        trained = len({t.dataset for t in training.trained_on})
        parts.append(Text(f"Trained on ({counted(trained, 'dataset')})", style="bold underline"))
        parts.extend(_training_trees(lineage, training, width, builder.levels))
    parts.append(_summary(lineage, max(hidden_up, 0), max(hidden_down, 0)))
    console.print(Group(*parts))
