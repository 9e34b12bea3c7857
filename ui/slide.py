"""Slide figures: the landscape with its paths, a title, a legend and (in a movie) a step counter, laid out
from the measured size of their text.

Nothing is placed at a fixed fraction of the figure: the title is wrapped to the width left beside the
counter, the legend takes as many columns (above the landscape) or rows (beside it) as fit, and the axes
get what is left, with the margins their own tick and axis labels measure. So no two of them overlap or
leave the figure, for any number of optimizers and in either language, and the landscape's box keeps its
aspect ratio (a square domain is drawn square). The PNG export and every movie frame use this layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import streamlit as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from . import i18n, plots
from .problem import Surface, objective
from .theme import color, linestyle

INK = "#31333f"  # dark text on the slide's opaque white background
PNG_SIZE, PNG_DPI = (6.4, 4.8), 300  # the slide-ready PNG: 1920 × 1440 px
PAD_IN = 0.12  # inches between the figure's edge and any text, and between blocks
TITLE_PT, COUNTER_PT, LEGEND_PT = 11.0, 11.0, 10.0
CB_WIDTH_IN, CB_GAP_IN = 0.16, 0.28  # the colour bar, and the gap between it and the axes
MAX_ASPECT = 4.0  # a box more elongated than this is drawn at this ratio (no built-in landscape is)
# Where a line may break: after a space or a separator, and between two CJK characters.
_BREAKS = re.compile(r"(?<=[\s,/·、，；])|(?<=[\u3000-\u9fff\uff00-\uffef])(?=[\u3000-\u9fff\uff00-\uffef])")


@dataclass
class Slide:
    """A laid-out slide figure: draw paths on ``ax``; ``counter`` (a movie's step) is drawn by the caller."""

    fig: Figure
    canvas: FigureCanvasAgg
    ax: Any  # the landscape's data axes
    colorbar: Any | None
    title: Text
    legend: Legend | None
    counter: Text | None


def legend_handles(names: list[str]) -> list[Line2D]:
    """One line-and-dot entry per optimizer, in its colour (as its path is drawn)."""
    return [
        Line2D([], [], color=color(n), lw=1.8, linestyle=linestyle(n), marker="o", ms=3, label=plots.figure_name(n))
        for n in names
    ]


def slide_figure(
    key: Surface,
    names: list[str],
    title: str,
    size: tuple[float, float],
    dpi: int,
    box: tuple | None = None,
    article: bool = False,
    counter: str = "",
) -> Slide:
    """The landscape of ``key`` with a title, a legend of ``names`` and, if given, a step counter as wide as
    ``counter`` (its widest text), on an opaque white figure of ``size`` inches at ``dpi``."""
    fig = Figure(figsize=size, dpi=dpi)
    canvas = FigureCanvasAgg(fig)
    ax = plots.draw_landscape(fig, key, box, article)
    fig.patch.set(facecolor="white", alpha=1.0)  # after the landscape, which makes the screen's figure transparent
    colorbar = fig.axes[1] if len(fig.axes) > 1 else None  # none if f is nowhere finite
    for a in fig.axes:
        _ink(a, INK)
    renderer = canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    pad = PAD_IN * dpi

    counter_text = None
    beside = 0.0
    if counter:
        counter_text = fig.text(1 - pad / width, 1 - pad / height, counter, ha="right", va="top", color=INK)
        counter_text.set_fontsize(COUNTER_PT)
        beside = counter_text.get_window_extent(renderer).width + 2 * pad
    title_text = fig.text(pad / width, 1 - pad / height, "", ha="left", va="top", color=INK, linespacing=1.25)
    title_text.set_fontsize(TITLE_PT)
    title_text.set_text(wrap(title_text, title, width - 2 * pad - beside, renderer))
    band = min(t.get_window_extent(renderer).y0 for t in (title_text, counter_text) if t is not None) - pad

    xmin, xmax, ymin, ymax = box or objective(key).box
    aspect = min(max((xmax - xmin) / (ymax - ymin), 1 / MAX_ASPECT), MAX_ASPECT)
    handles = legend_handles(names)
    best: tuple[float, str, int] | None = None
    for where in ("top", "right"):
        found = _legend(fig, handles, where, band, pad, renderer)
        if found is None:
            continue
        room = _room(fig, ax, colorbar, found[0], where, band, pad, renderer)
        side = _fit(room, aspect)[0]
        if best is None or side > best[0]:
            best = (side, where, found[1])
        found[0].remove()
    legend = None
    if best is not None:
        legend = _legend(fig, handles, best[1], band, pad, renderer, ncols=best[2])[0]  # type: ignore[index]
    for _pass in range(2):  # tick labels may change with the axes' size: measure again once placed
        room = _room(fig, ax, colorbar, legend, best[1] if best else "top", band, pad, renderer)
        _place(fig, ax, colorbar, room, aspect)
    return Slide(fig, canvas, ax, colorbar, title_text, legend, counter_text)


def wrap(text: Text, words: str, room: float, renderer) -> str:
    """``words`` broken into lines no wider than ``room`` pixels as ``text`` draws them (a break after a space
    or separator, or between CJK characters; a piece wider than the room gets a line of its own)."""
    lines: list[str] = []
    line = ""
    for piece in _BREAKS.split(words):
        trial = line + piece
        text.set_text(trial.rstrip())
        if line and text.get_window_extent(renderer).width > room:
            lines.append(line.rstrip())
            line = piece.lstrip()
        else:
            line = trial
    lines.append(line.rstrip())
    return "\n".join(lines)


def _legend(
    fig, handles, where: str, band: float, pad: float, renderer, ncols: int | None = None
) -> tuple[Legend, int] | None:
    """The legend above the axes (the most columns that fit the width) or at the right (the fewest columns that
    fit the height), its corner at the band's bottom, with its number of columns; None if it fits nowhere there."""
    if not handles:
        return None
    width = fig.bbox.width
    anchor = (pad / width, band / fig.bbox.height) if where == "top" else (1 - pad / width, band / fig.bbox.height)
    order = [ncols] if ncols else (range(len(handles), 0, -1) if where == "top" else range(1, len(handles) + 1))
    for n in order:
        legend = fig.legend(
            handles=handles,
            loc="upper left" if where == "top" else "upper right",
            bbox_to_anchor=anchor,
            ncols=n,
            fontsize=LEGEND_PT,
            frameon=False,
            labelcolor=INK,
            borderaxespad=0.0,
            borderpad=0.1,
            columnspacing=1.4,
            handlelength=1.8,
        )
        box = legend.get_window_extent(renderer)
        fits = box.width <= width - 2 * pad if where == "top" else box.height <= band - pad
        if fits or ncols:
            return legend, n
        legend.remove()
    return None


def _room(fig, ax, colorbar, legend, where: str, band: float, pad: float, renderer) -> Bbox:
    """The box (pixels) the axes themselves may fill: the figure less the pads, the band above, the legend, the
    axes' tick and axis labels and the colour bar with its labels."""
    top = band
    right = fig.bbox.width - pad
    if legend is not None:
        box = legend.get_window_extent(renderer)
        if where == "top":
            top = box.y0 - pad
        else:
            right = box.x0 - pad
    inner, outer = ax.get_window_extent(renderer), ax.get_tightbbox(renderer)
    left_margin, bottom_margin = inner.x0 - outer.x0, inner.y0 - outer.y0
    over_top, over_right = max(outer.y1 - inner.y1, 0.0), max(outer.x1 - inner.x1, 0.0)
    dpi = fig.dpi
    bar = over_right
    if colorbar is not None:
        bar_inner, bar_outer = colorbar.get_window_extent(renderer), colorbar.get_tightbbox(renderer)
        over_top = max(over_top, bar_outer.y1 - bar_inner.y1)
        bar = CB_GAP_IN * dpi + CB_WIDTH_IN * dpi + (bar_outer.x1 - bar_inner.x1)
    return Bbox.from_extents(pad + left_margin, pad + bottom_margin, right - bar, top - over_top)


def _fit(room: Bbox, aspect: float) -> tuple[float, float]:
    """The axes' width and height (pixels) of ratio ``aspect`` that fit the room."""
    w = max(min(room.width, room.height * aspect), 1.0)
    return w, w / aspect


def _place(fig, ax, colorbar, room: Bbox, aspect: float) -> None:
    """Set the axes (and colour bar) to the largest box of ratio ``aspect`` in the room, centred in it."""
    w, h = _fit(room, aspect)
    x0 = room.x0 + (room.width - w) / 2
    y0 = room.y0 + (room.height - h) / 2
    W, H = fig.bbox.width, fig.bbox.height
    ax.set_position([x0 / W, y0 / H, w / W, h / H])
    if colorbar is not None:
        gap, cb_w = CB_GAP_IN * fig.dpi, CB_WIDTH_IN * fig.dpi
        colorbar.set_position([(x0 + w + gap) / W, y0 / H, cb_w / W, h / H])


def png(
    key: Surface, paths: tuple[plots.Path, ...], title: str, box: tuple | None = None, article: bool = False
) -> bytes:
    """The slide-ready PNG of ``paths`` on the landscape: ``PNG_SIZE`` at ``PNG_DPI``, opaque, titled with the
    settings, in the current language."""
    return _png(key, paths, title, box, article, i18n.language())


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def _png(key: Surface, paths: tuple[plots.Path, ...], title: str, box: tuple | None, article: bool, lang: str) -> bytes:
    """``png`` for the language ``lang`` (a key of the cache: the colour bar's label is translated)."""
    shown = slide_figure(key, [n for n, _points in paths], title, PNG_SIZE, PNG_DPI, box, article)
    plots.draw_paths(shown.ax, paths)
    return plots.to_png(shown.fig)


def _ink(ax, ink: str) -> None:
    """Recolour an axes' spines, ticks and labels (the slide's dark text instead of the screen's INK)."""
    for spine in ax.spines.values():
        spine.set_color(ink)
    ax.tick_params(colors=ink)
    for label in (ax.xaxis.label, ax.yaxis.label, ax.title):
        label.set_color(ink)
