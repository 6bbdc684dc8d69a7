"""``graphsc trends --plot FILE.png|svg``: the three series as one matplotlib figure. Needs matplotlib
(``pip install 'graphsc[plot]'``); drawn with the Agg backend (no display), 1200 × 900 px (12 × 9 in at 100 dpi).

Panels, sharing the time axis: derivatives created per bucket as bars stacked by relation; the license categories of
the models created per bucket as bars stacked by category (colours as ``graphsc view``); the documentation shares
(datasets, evaluation results, license) as lines in percent. Undated models are in no panel (the terminal view, JSON
and CSV count them). The output is deterministic: no timestamp in the file, a fixed SVG id salt.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graphsc.errors import GraphscError
from graphsc.render.view_html import CATEGORY_COLORS, OTHER_CATEGORY_COLOR
from graphsc.reuse.trends import DOC_ATTRIBUTES, Trends

PLOT_SUFFIXES = (".png", ".svg")
WIDTH_IN, HEIGHT_IN, DPI = 12, 9, 100  # 1200 × 900 px
MATPLOTLIB_HINT = "Install it with: pip install 'graphsc[plot]' (or: pip install matplotlib)."
RELATION_COLORS: dict[str, str] = {
    "finetune": "#2ca02c",
    "adapter": "#17becf",
    "quantized": "#e377c2",
    "merge": "#bcbd22",
    "distillation": "#1f77b4",
}
OTHER_RELATION_COLOR = "#7f7f7f"
# label, colour, marker, marker size. The colours are none of the license panel's (``CATEGORY_COLORS``), so a line is
# never read as a category; the markers differ in shape and size, the largest hollow, so that shares equal in a
# bucket (all 100% of one model) still show all three markers, one inside the other.
DOC_STYLES: dict[str, tuple[str, str, str, float]] = {
    "datasets": ("lists training\ndatasets", "#3b3b3b", "o", 13.0),
    "eval_results": ("reports evaluation\nresults", "#d62728", "s", 4.5),
    "license": ("declares a\nlicense", "#ff7f0e", "^", 7.0),
}
HOLLOW = "datasets"  # the attribute drawn with the largest, hollow marker
MAX_TICK_LABELS = 24  # more buckets than this: label every n-th so the labels do not overlap


def plot_format(path: Path) -> str:
    """``png`` or ``svg`` from the file suffix (any case); a ``GraphscError`` for another suffix."""
    suffix = path.suffix.lower()
    if suffix not in PLOT_SUFFIXES:
        raise GraphscError(
            f"--plot {str(path)!r}: cannot tell the image format from {suffix or 'no suffix'!r}.",
            "Name a .png or .svg file, e.g. --plot trends.png.",
        )
    return suffix[1:]


def require_matplotlib() -> Any:
    """``matplotlib.pyplot`` on the Agg backend; a ``GraphscError`` saying how to install matplotlib when missing."""
    try:
        import matplotlib
    except ImportError:
        raise GraphscError("Plotting needs matplotlib, which is not installed.", MATPLOTLIB_HINT) from None
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _scope_title(trends: Trends) -> str:
    where = "whole graph" if trends.family is None else f"family of {trends.family}"
    return f"graphsc trends: {where}, {trends.models:,} fetched models, by {trends.by}"


def _stacked(ax: Any, x: list[int], series: list[tuple[str, list[int], str]]) -> None:
    bottom = [0] * len(x)
    for label, values, colour in series:
        ax.bar(x, values, bottom=bottom, label=label, color=colour, width=0.8, edgecolor="white", linewidth=0.5)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    if series:
        _legend(ax)


def _legend(ax: Any) -> None:
    """The legend right of the panel, where it hides no data."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)


def draw_trends(trends: Trends, path: Path) -> str:
    """Write the figure to ``path`` (PNG or SVG by its suffix) and return the format; ``GraphscError`` for another
    suffix, a missing matplotlib or a file that cannot be written."""
    fmt = plot_format(path)
    plt = require_matplotlib()
    labels = [b.label for b in trends.buckets]
    x = list(range(len(labels)))
    with plt.rc_context({"svg.hashsalt": "graphsc-trends", "font.size": 10}):
        fig, axes = plt.subplots(3, 1, figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, sharex=True)
        try:
            derivatives, licenses, documentation = axes
            fig.suptitle(_scope_title(trends), fontsize=13)
            _stacked(
                derivatives,
                x,
                [
                    (r, [b.by_relation[r] for b in trends.buckets], RELATION_COLORS.get(r, OTHER_RELATION_COLOR))
                    for r in trends.relations
                ],
            )
            derivatives.set_title("Derivatives created, by relation (a model counts once per relation)", fontsize=10)
            derivatives.set_ylabel("models")
            _stacked(
                licenses,
                x,
                [
                    (c, [b.licenses[c] for b in trends.buckets], CATEGORY_COLORS.get(c, OTHER_CATEGORY_COLOR))
                    for c in trends.categories
                ],
            )
            licenses.set_title("License categories of the models created", fontsize=10)
            licenses.set_ylabel("models")
            for attribute in DOC_ATTRIBUTES:
                label, colour, marker, size = DOC_STYLES[attribute]
                shares = [b.documentation.share(attribute) for b in trends.buckets]
                values = [float("nan") if s is None else 100 * s for s in shares]
                documentation.plot(
                    x,
                    values,
                    label=label,
                    color=colour,
                    marker=marker,
                    markersize=size,
                    markerfacecolor="none" if attribute == HOLLOW else colour,
                    markeredgewidth=1.6,
                    linewidth=1.8,
                    alpha=0.9,
                )
            documentation.set_ylim(-4, 105)  # room for the markers at 0%
            documentation.set_ylabel("% of models created")
            documentation.set_title("Documentation: share of the models created whose card …", fontsize=10)
            _legend(documentation)
            step = max(1, -(-len(labels) // MAX_TICK_LABELS))
            rotated = len(labels) > 8
            if step == 1:  # room for how many models each share is of
                labels = [f"{b.label}\nn={b.models:,}" for b in trends.buckets]
            documentation.set_xticks(
                x[::step], labels[::step], rotation=45 if rotated else 0, ha="right" if rotated else "center"
            )
            if not labels:
                documentation.text(0.5, 0.5, "no dated models", ha="center", transform=documentation.transAxes)
            for ax in axes:
                ax.grid(axis="y", alpha=0.3)
                ax.spines[["top", "right"]].set_visible(False)
            fig.subplots_adjust(left=0.07, right=0.82, top=0.92, bottom=0.11, hspace=0.35)
            metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {"Software": None}
            try:
                fig.savefig(path, format=fmt, dpi=DPI, metadata=metadata)
            except OSError as exc:
                raise GraphscError(
                    f"Cannot write {path}: {exc.strerror or exc}", "Check the directory exists and is writable."
                ) from None
        finally:
            plt.close(fig)
    return fmt
