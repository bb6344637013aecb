"""Server-rendered SVG charts (matplotlib, no pyplot: no global state, safe in threads).

Each chart is returned as SVG markup to place in the page, with its <style>
element removed (the Content-Security-Policy allows no inline style element;
matplotlib's only rule there, round line joins, is cosmetic) and labelled for
assistive technology. Every page that shows a chart shows the same figures in
a table beside it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>\s*", re.DOTALL)
_XML_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_SVG_OPEN = re.compile(r"<svg\b")


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # None: no bar (a hidden or missing figure)


def _svg(figure: Figure, *, title: str, salt: str) -> str:
    buffer = io.StringIO()
    # Ids derived from the salt: two charts on one page never share a clip-path id.
    with mpl.rc_context({"svg.hashsalt": salt, "svg.fonttype": "none", "font.size": 10}):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    markup = _STYLE_ELEMENT.sub("", _XML_PROLOGUE.sub("", buffer.getvalue(), count=1))
    label = title.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return _SVG_OPEN.sub(f'<svg role="img" aria-label="{label}" class="chart-svg"', markup, count=1)


def _figure(width: float = 7.0, height: float = 3.6) -> Figure:
    figure = Figure(figsize=(width, height))
    figure.patch.set_alpha(0)
    return figure


def bar_chart_svg(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    value_label: str,
    horizontal: bool = False,
    salt: str = "bars",
) -> str:
    """Grouped bars: one group per category, one bar per series."""
    figure = _figure(height=max(3.2, 0.42 * len(categories) * max(1, len(series)) / 1.6) if horizontal else 3.6)
    axes = figure.add_subplot()
    # A series with nothing to draw (every figure hidden) has no bar and no legend entry;
    # the table beside the chart still lists it.
    series = [one for one in series if any(value is not None for value in one.values)]
    count = max(len(series), 1)
    width = 0.8 / count
    positions = range(len(categories))
    for index, one in enumerate(series):
        offsets = [p - 0.4 + width * (index + 0.5) for p in positions]
        pairs = [(o, v) for o, v in zip(offsets, one.values, strict=True) if v is not None]
        xs, ys = [p for p, _ in pairs], [v for _, v in pairs]
        colour = PALETTE[index % len(PALETTE)]
        if horizontal:
            axes.barh(xs, ys, height=width, label=one.label, color=colour)
        else:
            axes.bar(xs, ys, width=width, label=one.label, color=colour)
    if horizontal:
        axes.set_yticks(list(positions), list(categories))
        axes.invert_yaxis()
        axes.set_xlabel(value_label)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        axes.set_xticks(list(positions), list(categories))
        axes.set_ylabel(value_label)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right"]].set_visible(False)
    if len(series) > 1:
        axes.legend(frameon=False, fontsize=9)
    axes.set_title(title, fontsize=11, loc="left")
    return _svg(figure, title=title, salt=salt)


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    count: int

    @property
    def label(self) -> str:
        return f"{self.low:.1f} to {self.high:.1f}"


def score_bins(scores: Sequence[float], *, width: float = 0.1) -> list[Bin]:
    """Scores (0-1) counted in bins of ``width``; 1.0 falls in the last bin."""
    count = round(1 / width)
    totals = [0] * count
    for score in scores:
        totals[min(int(max(score, 0.0) / width), count - 1)] += 1
    return [Bin(low=i * width, high=(i + 1) * width, count=n) for i, n in enumerate(totals)]


def histogram_svg(*, title: str, bins: Sequence[Bin], salt: str = "histogram") -> str:
    figure = _figure()
    axes = figure.add_subplot()
    axes.bar(
        [b.low for b in bins],
        [b.count for b in bins],
        width=[b.high - b.low for b in bins],
        align="edge",
        color=PALETTE[0],
        edgecolor="white",
    )
    axes.set_xlim(0, 1)
    axes.set_xlabel("Match score")
    axes.set_ylabel("Candidates")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(title, fontsize=11, loc="left")
    return _svg(figure, title=title, salt=salt)
