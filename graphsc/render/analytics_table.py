"""Terminal views of ``graphsc stats``, ``rank``, ``impact``, ``families`` and ``analyze``."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from graphsc.analytics.analysis import Timing
from graphsc.analytics.families import FamilySummary
from graphsc.analytics.impact import DatasetImpact, Downstream, Impact
from graphsc.analytics.ranking import Ranking
from graphsc.analytics.stats import DatasetStats, GraphStats
from graphsc.render.bars import bar_table
from graphsc.render.labels import RELATION_STYLE, counted, human_count, license_text, model_license_text, share
from graphsc.render.lineage_tree import dataset_head
from graphsc.render.risks_table import impact_risk_rows
from graphsc.render.text import literal
from graphsc.reuse.risks import ImpactRisks

SHOWN_CYCLES = 5
SHOWN_USERS = 10


def _generation_rows(by_generation: dict[int, int], isolated: int | None = None) -> list[tuple[str, int]]:
    rows = [("isolated", isolated)] if isolated is not None else []
    return rows + [(f"gen {g}", n) for g, n in sorted(by_generation.items())]


def _counts_table(stats: GraphStats) -> Table:
    table = Table(title="Graph", title_justify="left", box=None, padding=(0, 2))
    table.add_column("nodes", style="bold")
    table.add_column("", justify="right")
    table.add_column("edges", style="bold")
    table.add_column("", justify="right")
    nodes = list(stats.counts.nodes.items())
    edges = list(stats.counts.edges.items()) + [(f"  {r}", n) for r, n in stats.counts.relations.items()]
    for i in range(max(len(nodes), len(edges))):
        node = nodes[i] if i < len(nodes) else ("", None)
        edge = edges[i] if i < len(edges) else ("", None)
        table.add_row(
            literal(node[0]),
            "" if node[1] is None else f"{node[1]:,}",
            literal(edge[0]),
            "" if edge[1] is None else f"{edge[1]:,}",
        )
    return table


def families_table(families: list[FamilySummary], title: str = "Largest families") -> Table:
    """Ranked families: size, edges, depth, roots and relation mix."""
    table = Table(title=title, title_justify="left")
    for name, justify in (
        ("#", "right"),
        ("family", "left"),
        ("models", "right"),
        ("edges", "right"),
        ("depth", "right"),
        ("roots", "right"),
        ("relations", "left"),
    ):
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for f in families:
        relations = Text()
        for relation, n in f.relations.items():
            relations.append_text(literal(f"{relation} {n:,}  ", style=RELATION_STYLE.get(relation, "white")))
        table.add_row(
            str(f.rank), literal(f.name), f"{f.size:,}", f"{f.edges:,}", str(f.depth), f"{len(f.roots):,}", relations
        )
    return table


def render_stats(stats: GraphStats, console: Console) -> None:
    """Counts, license and depth histograms, cycles, longest chains and the largest families."""
    parts: list[RenderableType] = [
        _counts_table(stats),
        Text(f"unfetched model stubs: {stats.counts.unfetched_models:,}", style="dim"),
    ]
    # shares of every fetched model, the licenses beyond the top ones included
    parts.append(
        bar_table(
            f"Declared licenses of {counted(stats.fetched_models, 'fetched model')} "
            f"(top {len(stats.licenses)} of {stats.license_kinds:,})",
            stats.licenses.items(),
            stats.fetched_models,
            style="green",
        )
    )
    models = stats.isolated_models + stats.models_with_edges
    parts.append(
        bar_table(
            f"Generations of {counted(models, 'model')} (isolated: no derivation edge)",
            _generation_rows(stats.depth_distribution, stats.isolated_models),
            models,
        )
    )
    if stats.cycles:
        shown = "; ".join(" ↔ ".join(c) for c in stats.cycles[:SHOWN_CYCLES])
        more = f" (+{len(stats.cycles) - SHOWN_CYCLES} more)" if len(stats.cycles) > SHOWN_CYCLES else ""
        parts.append(literal(f"declared cycles: {len(stats.cycles):,}: {shown}{more}", style="red"))
    if stats.longest_chains:
        chains = Tree(Text("Longest chains", style="bold"))
        for chain in stats.longest_chains:
            chains.add(Text(f"gen {len(chain) - 1}: ", style="bold") + literal(" → ".join(chain)))
        parts.append(chains)
    parts.append(families_table(stats.families, f"Largest families (of {stats.family_count:,})"))
    if stats.datasets is not None:
        parts.extend(_dataset_parts(stats.datasets))
    console.print(Group(*parts))


def _dataset_parts(stats: DatasetStats) -> list[RenderableType]:
    """Datasets and Spaces fetched and stubs, with a license; dataset lineage; TRAINED_ON edges reaching a
    licensed dataset; the top licenses of fetched datasets (shares of every fetched dataset)."""
    table = Table(title="Datasets and Spaces", title_justify="left", box=None, padding=(0, 2))
    table.add_column("", style="bold")
    for name in ("fetched", "with license", "stubs", "with license"):
        table.add_column(name, justify="right")
    for label, c in (("Dataset", stats.datasets), ("Space", stats.spaces)):
        table.add_row(label, f"{c.fetched:,}", f"{c.fetched_licensed:,}", f"{c.stubs:,}", f"{c.stubs_licensed:,}")
    parts: list[RenderableType] = [
        table,
        Text(f"dataset DERIVED_FROM edges: {stats.dataset_derived_from:,}", style="dim"),
        Text(
            f"TRAINED_ON edges reaching a dataset with a license: {stats.trained_on_licensed:,} of "
            f"{stats.trained_on:,} ({share(stats.trained_on_licensed, stats.trained_on)})",
            style="dim",
        ),
    ]
    if stats.datasets.fetched:
        parts.append(
            bar_table(
                f"Declared licenses of {counted(stats.datasets.fetched, 'fetched dataset')} "
                f"(top {len(stats.dataset_licenses)} of {stats.dataset_license_kinds:,})",
                stats.dataset_licenses.items(),
                stats.datasets.fetched,
                style="green",
            )
        )
    return parts


def _value(by: str, value: float) -> str:
    if by in ("pagerank", "betweenness"):
        return f"{value:.3e}"
    return f"{int(value):,}"


def render_rank(ranking: Ranking, console: Console) -> None:
    """A ranked table; betweenness states its sample."""
    title = f"Top models by {ranking.by}"
    if ranking.by == "betweenness" and ranking.notes:
        n = ranking.notes
        title += (
            " (exact)"
            if n["exact"]
            else f" (estimated from {n['sample']:,} of {n['nodes']:,} sources, seed {n['seed']})"
        )
    table = Table(title=title, title_justify="left")
    table.add_column("#", justify="right")
    # numbers keep their full width; a long model id folds onto a second line instead
    table.add_column("model", overflow="fold", ratio=1)
    table.add_column(ranking.by, justify="right", style="bold", no_wrap=True, min_width=max(len(ranking.by), 9))
    detail_keys = list(ranking.rows[0].detail) if ranking.rows else []
    for key in detail_keys:
        table.add_column(key.replace("_", " "), justify="right", no_wrap=True, min_width=7)
    downloads_column = ranking.by != "downloads"  # ranked by downloads, the value column already holds them
    if downloads_column:
        table.add_column("downloads", justify="right", no_wrap=True, min_width=9)
    table.add_column("license", overflow="fold")
    for row in ranking.rows:
        details = [f"{row.detail[k]:,}" if isinstance(row.detail[k], int) else str(row.detail[k]) for k in detail_keys]
        table.add_row(
            str(row.rank),
            literal(row.model_id),
            _value(ranking.by, row.value),
            *map(literal, details),
            *([human_count(row.downloads)] if downloads_column else []),
            literal(license_text(row.license, row.fetched)),
        )
    console.print(table if ranking.rows else Text(f"No model has a nonzero {ranking.by}.", style="yellow"))


def render_impact(impact: Impact, console: Console, risks: ImpactRisks | None = None) -> None:
    """Blast radius: descendants by depth and relation, licenses in the subtree, repos and Spaces reached; with
    ``risks``, the model's risk flags and what is exposed to them (rows shown only when it has flags)."""
    lineage = impact.lineage
    head = Table(show_header=False, box=None, padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    head.add_row(
        "model",
        literal(
            f"{impact.model_id}  license {model_license_text(lineage.model)}  "
            f"downloads {human_count(lineage.model.downloads)}"
        ),
    )
    head.add_row(
        "descendants",
        f"{lineage.descendant_count:,}  ({counted(impact.descendant_downloads, 'download', number=human_count)})",
    )
    head.add_row(
        "reached",
        f"{counted(len(impact.repos), 'repository', 'repositories')}, {counted(len(impact.spaces), 'Space')}",
    )
    if lineage.cycles:
        head.add_row(Text("cycles", style="red"), literal("; ".join(" ↔ ".join(c) for c in lineage.cycles)))
    for label, value in impact_risk_rows(risks) if risks is not None else ():
        head.add_row(label, value)
    parts: list[RenderableType] = [literal(f"Impact of {impact.model_id}", style="bold underline"), head]
    subtree = len(lineage.descendant_depth)  # the model and its descendants
    parts.extend(
        _downstream_parts(
            impact.downstream,
            f"Licenses in the subtree ({counted(subtree, 'model')}, the model included)",
            "Usages by model in the subtree",
        )
    )
    console.print(Group(*parts))


def _downstream_parts(downstream: Downstream, licenses_title: str, usages_title: str) -> list[RenderableType]:
    """The bars both impact views share: descendants by depth and relation, licenses of every model reached (the
    starts included), usages by model."""
    parts: list[RenderableType] = []
    descendants = downstream.descendant_count
    if descendants:
        by_depth = [(f"depth {d}", n) for d, n in downstream.descendants_by_depth.items()]
        parts.append(bar_table("Descendants by depth", by_depth, descendants))
        by_relation = downstream.descendants_by_relation.items()
        parts.append(bar_table("Descendants by relation", by_relation, descendants, style="magenta"))
    if downstream.depth:
        parts.append(bar_table(licenses_title, downstream.licenses.items(), len(downstream.depth), style="green"))
    used = list(downstream.users_by_model().items())
    if used:
        # shares of every usage (each repository/Space → model edge), the models not shown included
        parts.append(
            bar_table(
                f"{usages_title} ({len(downstream.users):,} in all; "
                f"top {min(len(used), SHOWN_USERS)} of {counted(len(used), 'model')})",
                used[:SHOWN_USERS],
                len(downstream.users),
                style="yellow",
            )
        )
    return parts


def render_dataset_impact(impact: DatasetImpact, console: Console) -> None:
    """A dataset's blast radius: the datasets made from it, the models trained on any of them, what derives from
    those models, the repositories and Spaces reached, and the licenses of the datasets and models."""
    lineage, downstream = impact.lineage, impact.downstream
    dataset = lineage.dataset
    head = Table(show_header=False, box=None, padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    head.add_row("dataset", dataset_head(dataset))
    head.add_row("made from it", counted(len(impact.derived_datasets), "dataset"))
    trained, directly = len(impact.trained_models), len(impact.trained_directly)
    head.add_row(
        "trained on it",
        counted(trained, "model") + (f" ({directly:,} on the dataset itself)" if directly != trained else ""),
    )
    head.add_row(
        "descendants",
        f"{downstream.descendant_count:,}  ({counted(downstream.descendant_downloads, 'download', number=human_count)})",
    )
    head.add_row(
        "reached",
        f"{counted(len(downstream.repos), 'repository', 'repositories')}, {counted(len(downstream.spaces), 'Space')}",
    )
    if lineage.cycles:
        head.add_row(Text("cycles", style="red"), literal("; ".join(" ↔ ".join(c) for c in lineage.cycles)))
    parts: list[RenderableType] = [literal(f"Impact of dataset {dataset.id}", style="bold underline"), head]
    if impact.derived_datasets:
        by_depth = [(f"depth {d}", n) for d, n in impact.derived_by_depth.items()]
        parts.append(bar_table("Datasets made from it, by depth", by_depth, len(impact.derived_datasets)))
    datasets = len(lineage.derived_depth)
    parts.append(
        bar_table(
            f"Dataset licenses ({counted(datasets, 'dataset')}, the dataset included)",
            impact.dataset_licenses.items(),
            datasets,
            style="green",
        )
    )
    by_dataset = list(impact.trained_by_dataset().items())
    if len(by_dataset) > 1:
        # shares of every TRAINED_ON edge into the datasets (a model trained on two of them counts twice)
        edges = len(lineage.trained_on)
        cut = f"; top {SHOWN_USERS} of {len(by_dataset):,}" if len(by_dataset) > SHOWN_USERS else ""
        parts.append(
            bar_table(
                f"Trained models by dataset ({counted(edges, 'edge')}{cut})",
                by_dataset[:SHOWN_USERS],
                edges,
                style="cyan",
            )
        )
    reached = len(downstream.depth)
    parts.extend(
        _downstream_parts(
            downstream,
            f"Model licenses ({counted(reached, 'model')}, descendants included)",
            "Usages by model",
        )
    )
    console.print(Group(*parts))


def render_families(count: int, families: list[FamilySummary], console: Console, roots_shown: int = 5) -> None:
    """The families table, then each family as a tree: roots and members per generation."""
    parts: list[RenderableType] = [families_table(families, f"Families (top {len(families)} of {count:,})")]
    for f in families:
        tree = Tree(
            literal(f"#{f.rank} {f.name}", style="bold")
            + Text(f"  {counted(f.size, 'model')}, depth {f.depth}", style="dim")
        )
        roots = tree.add(Text(f"roots ({len(f.roots):,})", style="bold"))
        for root in f.roots[:roots_shown]:
            roots.add(literal(root))
        if len(f.roots) > roots_shown:
            roots.add(Text(f"… {len(f.roots) - roots_shown:,} more", style="dim italic"))
        peak = max(f.by_generation.values())
        generations = tree.add(Text("members by generation", style="bold"))
        for g, n in f.by_generation.items():
            generations.add(Text(f"gen {g}: {n:,} ") + Text("█" * max(1, round(30 * n / peak)), style="cyan"))
        parts.append(tree)
    console.print(Group(*parts))


def render_timings(timings: dict[str, Timing], rows: int, written: str | None, console: Console) -> None:
    """``graphsc analyze``: what was computed, how long each step took and the peak memory."""
    table = Table(
        title=literal(
            f"Metrics for {counted(rows, 'model')}"
            + (f", written to {written}" if written else " (not written; use --write)")
        ),
        title_justify="left",
    )
    table.add_column("step")
    table.add_column("seconds", justify="right")
    table.add_column("peak RSS (MiB)", justify="right")
    for name, t in timings.items():
        table.add_row(literal(name), f"{t.seconds:.2f}", f"{t.peak_rss_mib:,.0f}")
    console.print(table)
