"""``graphsc trends --plot``: the matplotlib figure as PNG and SVG files (exists, opens, has the documented size,
is the same file every time), and the errors for another suffix or a missing matplotlib."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from graphsc.errors import GraphscError
from graphsc.render.trends_plot import draw_trends, plot_format
from graphsc.reuse.trends import Trends, compute_trends
from graphsc.store.sqlite import SQLiteStore

WIDTH_PX, HEIGHT_PX = 1200, 900  # 12 × 9 inches at 100 dpi
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def trends(families_store: SQLiteStore) -> Trends:
    return compute_trends(families_store)


def test_png_opens_with_the_expected_size(trends: Trends, tmp_path: Path) -> None:
    import matplotlib.image

    path = tmp_path / "trends.png"
    assert draw_trends(trends, path) == "png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = matplotlib.image.imread(path)
    assert pixels.shape[:2] == (HEIGHT_PX, WIDTH_PX)
    assert pixels.std() > 0.05  # something is drawn, not a blank canvas


def test_svg_is_an_svg_document_of_the_expected_size(trends: Trends, tmp_path: Path) -> None:
    path = tmp_path / "trends.SVG"
    assert draw_trends(trends, path) == "svg"
    root = ET.parse(path).getroot()
    assert root.tag == SVG_NS + "svg"
    # SVG sizes are in points: 12 × 9 inches at 72 points per inch
    assert (root.get("width"), root.get("height")) == ("864pt", "648pt")
    assert "finetune" in path.read_text()  # the legend is text


@pytest.mark.parametrize("name", ["t.png", "t.svg"])
def test_the_same_file_every_time(trends: Trends, tmp_path: Path, name: str) -> None:
    first, second = tmp_path / "a" / name, tmp_path / "b" / name
    first.parent.mkdir()
    second.parent.mkdir()
    draw_trends(trends, first)
    draw_trends(trends, second)
    assert first.read_bytes() == second.read_bytes()


def test_an_empty_graph_still_draws(store: SQLiteStore, tmp_path: Path) -> None:
    import matplotlib.image

    path = tmp_path / "empty.png"
    draw_trends(compute_trends(store), path)
    assert matplotlib.image.imread(path).shape[:2] == (HEIGHT_PX, WIDTH_PX)


@pytest.mark.parametrize("name", ["t.jpg", "t", "t.png.txt", "t.pdf"])
def test_other_suffixes_are_refused(name: str, tmp_path: Path) -> None:
    with pytest.raises(GraphscError) as raised:
        plot_format(tmp_path / name)
    assert ".png or .svg" in (raised.value.hint or "")


def test_a_missing_directory_is_a_clear_error(trends: Trends, tmp_path: Path) -> None:
    with pytest.raises(GraphscError) as raised:
        draw_trends(trends, tmp_path / "nowhere" / "t.png")
    assert "Cannot write" in raised.value.message


def test_without_matplotlib_says_how_to_install_it(
    trends: Trends, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    with pytest.raises(GraphscError) as raised:
        draw_trends(trends, tmp_path / "t.png")
    assert "pip install 'graphsc[plot]'" in (raised.value.hint or "")
    assert not (tmp_path / "t.png").exists()


def _drawn_figure(trends: Trends, path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Draw ``trends`` and keep the figure ``draw_trends`` closes, to look at what it drew."""
    import matplotlib.pyplot as plt

    kept: list[Any] = []
    close = plt.close
    monkeypatch.setattr(plt, "close", lambda fig: kept.append(fig) or close(fig))
    draw_trends(trends, path)
    return kept[0]


def test_documentation_colours_are_none_of_the_license_panel(
    trends: Trends, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matplotlib.colors import to_hex

    fig = _drawn_figure(trends, tmp_path / "t.png", monkeypatch)
    licenses, documentation = fig.axes[1], fig.axes[2]
    bars = {to_hex(patch.get_facecolor()) for patch in licenses.patches}
    lines = [to_hex(line.get_color()) for line in documentation.get_lines()]
    assert len(lines) == 3 and len(set(lines)) == 3
    assert "#2ca02c" in bars  # permissive's green is there …
    assert not bars & set(lines)  # … and no line, "declares a license" included, shares a colour with a category


def test_equal_shares_keep_every_marker_visible(
    trends: Trends, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 2024-11 has one model that lists datasets and declares a license: both shares 100%, markers on one point
    fig = _drawn_figure(trends, tmp_path / "t.png", monkeypatch)
    lines = fig.axes[2].get_lines()
    at_first = [line.get_ydata()[0] for line in lines]
    assert sorted(at_first) == [0.0, 100.0, 100.0]
    sizes = [line.get_markersize() for line in lines]
    assert len(set(sizes)) == 3  # one inside the other
    largest = lines[sizes.index(max(sizes))]
    assert largest.get_markerfacecolor() == "none"  # hollow: what it is drawn over shows through
