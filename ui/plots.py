"""Matplotlib figures (always ``Figure`` objects, never pyplot): contour overlays and 3-D surfaces.

Figures come back as PNG bytes from cached functions, so a rerun with unchanged
settings costs nothing and the bytes double as the PNG download.
"""

from __future__ import annotations

import functools
import io
import re
from typing import Any

import numpy as np
import streamlit as st
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

import core

from . import i18n, present
from .i18n import N_, _
from .problem import Surface, grid, objective
from .theme import ARROWS, CMAP, INK, MINIMUM, color, linestyle

Path = tuple[str, np.ndarray]  # (optimizer name, points (T, 2))
Arrow = tuple[str, np.ndarray, np.ndarray, str]  # (label, origin, vector, kind: a key of theme.ARROWS)

# Font sizes in points at DPI 100: tick labels are 16 px in a 560 px figure, so still ≥ 10 px when a
# phone shows the figure 350-390 px wide.
TICK_PT = 11.5
LABEL_PT = 12.0
LEGEND_PT = 9.5


def finite_prefix(points: np.ndarray) -> np.ndarray:
    """The part of a path before it first becomes non-finite."""
    ok = np.isfinite(points).all(axis=-1)
    stop = len(points) if ok.all() else int(np.argmin(ok))
    return points[:stop]


def style_axes(ax, fig, labelsize: float = 8) -> None:
    """Transparent figure, INK-coloured axes and labels: readable on light and dark pages."""
    fig.patch.set_alpha(0.0)
    for spine in ax.spines.values():
        spine.set_color(INK)
    ax.tick_params(colors=INK, labelsize=labelsize)
    ax.xaxis.label.set_color(INK)
    ax.yaxis.label.set_color(INK)
    ax.title.set_color(INK)


_CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Source Han Sans SC")


@functools.cache
def cjk_font() -> str | None:
    """An installed font with Chinese glyphs (``packages.txt`` installs one on Streamlit Cloud), else None."""
    from matplotlib import font_manager, rcParams

    installed = {f.name for f in font_manager.fontManager.ttflist}
    found = next((name for name in _CJK_FONTS if name in installed), None)
    if found is not None:  # DejaVu first (its minus sign and Greek), the CJK font for the glyphs it lacks
        rcParams["font.family"] = ["DejaVu Sans", found]
    return found


def figure_text(text: str) -> str:
    """``text`` translated for a matplotlib figure: kept in English when no font can draw Chinese glyphs."""
    return _(text) if i18n.language() == "en" or cjk_font() is not None else text


def figure_name(name: str) -> str:
    """An optimizer's display name drawn into a figure (`figure_text` of it); any other series name as it is."""
    known = name in core.SPECS or name in core.NETWORK_OPTIMIZERS
    return figure_text(core.get_spec(name).display_name) if known else name


def shade(f, Z: np.ndarray, article: bool) -> tuple[np.ndarray, str]:
    """What the colours show: sqrt(f) for the article, log10(f − f_min) where that fits, else f."""
    with np.errstate(all="ignore"):
        if article:
            return np.sqrt(Z), "√f"
        finite = Z[np.isfinite(Z)]
        if finite.size == 0:
            return Z, "f"
        zmin = float(finite.min())
        if f.log_scale:
            spread = float(np.median(finite) - zmin) or 1.0
            return np.log10(Z - zmin + 1e-3 * spread), figure_text(N_("f − min (log scale)"))
        return Z, "f"


AX_RECT = (0.12, 0.12, 0.63, 0.85)  # data axes, in figure fractions
CB_RECT = (0.78, 0.12, 0.025, 0.85)  # colour bar
DPI = 100


def rects(text: float = 1.0) -> tuple[tuple, tuple]:
    """The data axes' and colour bar's rectangles on screen.

    With ``text`` times larger text the margins that hold text (left and bottom tick labels, the colour
    bar's ticks and label on the right) grow as much, and the plot shrinks.
    """
    (ax_x, ax_y, ax_w, ax_h), (cb_x, _y, cb_w, _h) = AX_RECT, CB_RECT  # the bar spans the axes' height
    top, right, gap = ax_y + ax_h, 1 - (cb_x + cb_w), cb_x - (ax_x + ax_w)
    ax_x, ax_y = ax_x * text, ax_y * text
    cb_x = 1 - right * text - cb_w
    ax_w, ax_h = cb_x - gap - ax_x, top - ax_y
    return (ax_x, ax_y, ax_w, ax_h), (cb_x, ax_y, cb_w, ax_h)


def draw_landscape(
    fig: Figure,
    key: Surface,
    box: tuple | None = None,
    article: bool = False,
    text: float = 1.0,
):
    """Axes with the function's filled level sets, contour lines, colour bar and known minima (text × ``text``)."""
    f = objective(key)
    X, Y, Z = grid(key, 160, box)
    W, label = shade(f, Z, article)
    ax_rect, cb_rect = rects(text)
    ax = fig.add_axes(ax_rect)
    finite = W[np.isfinite(W)]
    if finite.size:
        lo, hi = np.percentile(finite, [0.5, 99.5])
        levels = np.linspace(lo, hi if hi > lo else lo + 1, 22)
        cs = ax.contourf(X, Y, np.clip(W, lo, hi), levels=levels, cmap=CMAP, norm=Normalize(lo, hi))
        ax.contour(X, Y, W, levels=levels[::2], colors="white", linewidths=0.4, alpha=0.45)
        cb = fig.colorbar(cs, cax=fig.add_axes(cb_rect))
        cb.set_label(label, color=INK, fontsize=LABEL_PT * text)
        if f.log_scale and not article:
            cb.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{10**v:.2g}"))
        else:
            cb.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.3g}"))
        cb.ax.tick_params(colors=INK, labelsize=(TICK_PT - 1) * text)
        cb.ax.yaxis.set_major_locator(MaxNLocator(6))
        cb.outline.set_edgecolor(INK)
    draw_minima(ax, f)
    _limits(ax, f, box)
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(MaxNLocator(5))  # few ticks: the labels are large
    ax.set_xlabel("x", fontsize=LABEL_PT * text)
    ax.set_ylabel("y", fontsize=LABEL_PT * text)
    style_axes(ax, fig, TICK_PT * text)
    return ax


def _limits(ax, f, box) -> None:
    xmin, xmax, ymin, ymax = box or f.box
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)


def background(
    key: Surface, box: tuple | None, article: bool, size: tuple[float, float], text: float = 1.0, dpi: int = DPI
) -> np.ndarray:
    """The landscape's raster in the current language (its colour bar has a label)."""
    return _background(key, box, article, size, i18n.language(), text, dpi)


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def _background(
    key: Surface,
    box: tuple | None,
    article: bool,
    size: tuple[float, float],
    lang: str,
    text: float = 1.0,
    dpi: int = DPI,
) -> np.ndarray:
    """The static part of a contour figure (level sets, axes, colour bar) as an RGBA raster.

    Drawn once per function, size and look; every path overlay is then blitted on top of it,
    which makes a redraw about four times cheaper than drawing the level sets again.
    """
    fig = Figure(figsize=size, dpi=dpi)
    draw_landscape(fig, key, box, article, text=text)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def draw_minima(ax, f) -> None:
    """A star on each known global minimum, above the paths and the current-step ring, below the end cross."""
    for m in f.minima:
        ax.plot(*m.point, marker="*", ms=13, color=MINIMUM, mec="black", mew=0.7, zorder=3.8, linestyle="none")


def draw_paths(ax, paths: tuple[Path, ...], upto: int | None = None) -> None:
    """Each optimizer's path in its colour, with start (circle) and end (cross) markers.

    With ``upto`` only steps 0..upto are drawn in full and the rest of the path faintly, so an
    animation shows the path growing.
    """
    for name, points in paths:
        pts = finite_prefix(points)
        if len(pts) == 0:
            continue
        c = color(name)
        done = pts if upto is None else pts[: upto + 1]
        if len(done) < len(pts):
            ax.plot(pts[:, 0], pts[:, 1], "-", color=c, lw=1.0, alpha=0.3, zorder=2)
        ax.plot(done[:, 0], done[:, 1], linestyle=linestyle(name), color=c, lw=1.8, label=figure_name(name), zorder=3)
        ax.plot(done[:, 0], done[:, 1], "o", color=c, ms=2.6, zorder=3)
        ax.plot(*pts[0], "o", ms=7, color="white", mec=c, mew=2, zorder=4)
        ax.plot(*pts[-1], "X", ms=9, color=c, mec="white", mew=0.8, zorder=4.5)


def draw_arrows(ax, arrows: tuple[Arrow, ...]) -> None:
    """Arrows (gradient, velocity, next step) in black-and-white styles that no optimizer's colour shares."""
    for label, origin, vector, kind in arrows:
        fill, outline, dashes = ARROWS[kind]
        outlined = [patheffects.withStroke(linewidth=4.2, foreground=outline)]
        if np.isfinite(origin).all() and np.isfinite(vector).all() and np.any(vector):
            ax.annotate(
                "",
                xy=tuple(origin + vector),
                xytext=tuple(origin),
                zorder=6,
                arrowprops=dict(
                    arrowstyle="-|>", color=fill, lw=2.2, mutation_scale=16, linestyle=dashes, path_effects=outlined
                ),
            )
        ax.add_line(Line2D([], [], color=fill, lw=2.2, linestyle=dashes, path_effects=outlined, label=label))


def draw_marker(ax, point: tuple) -> None:
    """The current step: a hollow ring below the end cross and the minimum stars, so it hides neither."""
    ax.plot(
        *point,
        "o",
        ms=14,
        mfc="none",
        mec="white",
        mew=2.0,
        zorder=3.5,
        path_effects=[patheffects.withStroke(linewidth=3.6, foreground="black")],
    )


def to_png(fig: Figure, tight: bool = False) -> bytes:
    """PNG bytes at the figure's DPI; a fixed layout draws the figure once, ``tight`` trims margins at the cost of a
    second draw."""
    buf = io.BytesIO()
    if tight:
        fig.savefig(buf, format="png", dpi="figure", bbox_inches="tight", pad_inches=0.05)
    else:
        fig.savefig(buf, format="png", dpi="figure")
    return buf.getvalue()


def contour_png(key: Surface, paths: tuple[Path, ...], *args: Any, **kwargs: Any) -> bytes:
    """PNG of the landscape with ``paths``, in the current language and, on screen, at presenter mode's scale
    (see ``_contour_png`` for the options)."""
    look = {"text": present.scale().figure_text, "dpi": figure_dpi()}
    return _contour_png(key, paths, *args, **{**kwargs, **look, "lang": i18n.language()})


def figure_dpi() -> int:
    """Pixels per inch of a figure on screen: more while presenting, so a stretched PNG stays sharp."""
    return round(DPI * present.scale().figure_dpi)


@st.cache_data(max_entries=96, ttl=3600, show_spinner=False)
def _contour_png(
    key: Surface,
    paths: tuple[Path, ...],
    marker: tuple | None = None,
    arrows: tuple[Arrow, ...] = (),
    box: tuple | None = None,
    article: bool = False,
    size: tuple[float, float] = (5.6, 4.4),
    upto: int | None = None,
    lang: str = "en",
    text: float = 1.0,
    dpi: int = DPI,
) -> bytes:
    """PNG of the landscape with ``paths`` (drawn in full up to step ``upto``), an optional current point and arrows.

    ``text`` and ``dpi``: the on-screen figure's text scale and pixels per inch (presenter mode's). The
    slide-ready figure is ``ui.slide``'s.
    """
    f = objective(key)
    fig = Figure(figsize=size, dpi=dpi)
    fig.patch.set_alpha(0.0)
    fig.figimage(background(key, box, article, size, text, dpi), 0, 0, origin="upper", zorder=-10)
    ax = fig.add_axes(rects(text)[0])
    ax.set_axis_off()
    _limits(ax, f, box)
    draw_minima(ax, f)  # again: the raster's stars would lie under the current-step ring
    draw_paths(ax, paths, upto)
    if marker is not None:
        draw_marker(ax, marker)
    draw_arrows(ax, arrows)
    if ax.get_legend_handles_labels()[1]:
        ax.legend(loc="upper right", fontsize=LEGEND_PT * text, framealpha=0.85).get_frame().set_edgecolor(INK)
    return to_png(fig)


@st.cache_data(max_entries=32, show_spinner=False)
def surface_png(key: Surface, paths: tuple[Path, ...], box: tuple | None = None, article: bool = False) -> bytes:
    """PNG of the 3-D surface with the paths lifted onto it."""
    f = objective(key)
    X, Y, Z = grid(key, 70, box)
    with np.errstate(all="ignore"):
        W = np.sqrt(Z) if article else Z
        lo, hi = np.nanpercentile(W[np.isfinite(W)], [0, 98]) if np.isfinite(W).any() else (0.0, 1.0)
    fig = Figure(figsize=(5.6, 4.4), dpi=100, layout="constrained")
    ax = fig.add_subplot(projection="3d")
    ax.plot_surface(
        X, Y, np.clip(W, lo, hi), cmap=CMAP, alpha=0.75, linewidth=0, antialiased=True, rstride=1, cstride=1
    )
    for name, points in paths:
        pts = finite_prefix(points)
        with np.errstate(all="ignore"):
            z = f.value(pts)
            z = np.sqrt(z) if article else z
        ax.plot(pts[:, 0], pts[:, 1], np.clip(z, lo, hi), "-o", color=color(name), ms=2.5, lw=2, zorder=10)
    xmin, xmax, ymin, ymax = box or f.box
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_xlabel("x", color=INK)
    ax.set_ylabel("y", color=INK)
    ax.set_zlabel("√f" if article else "f", color=INK)
    ax.tick_params(colors=INK, labelsize=7)
    fig.patch.set_alpha(0.0)
    ax.set_facecolor((0, 0, 0, 0))
    ax.view_init(elev=35, azim=-60)
    return to_png(fig, tight=True)


# LaTeX that KaTeX reads and matplotlib's mathtext spells otherwise (mathtext has no \bigl, \tfrac, \le …).
_MATHTEXT = (
    (r"\bigl", r"\left"),
    (r"\bigr", r"\right"),
    (r"\Bigl", r"\left"),
    (r"\Bigr", r"\right"),
    (r"\Big/", "/"),
    (r"\tfrac", r"\frac"),
    (r"\operatorname", r"\mathrm"),
    (r"\lVert", r"\Vert"),
    (r"\rVert", r"\Vert"),
)
FORMULA_PT = 15.0  # the rule's font size in points (KaTeX's display size on a 16 px page)


INKS = {"light": "#31333f", "dark": "#fafafa"}  # Streamlit's text colour in its light and dark themes
THEME_CSS = (
    f"svg {{ color: {INKS['light']} }} @media (prefers-color-scheme: dark) {{ svg {{ color: {INKS['dark']} }} }}"
)


@functools.lru_cache(maxsize=128)
def formula_svg(latex: str, theme: str | None = None) -> str | None:
    """An update rule written as ``a,\\quad b`` as an SVG picture, one equation per line, drawn by matplotlib's
    mathtext in the text colour of ``theme`` ("light", "dark", or None: the browser's colour scheme); None when
    mathtext cannot read it (``cases`` environments …), to be typeset by KaTeX instead.

    On an optimizer page the rule is the only formula, and KaTeX (its fonts and layout) costs a fresh tab more
    than a picture of the rule (issue 24).
    """
    body = re.sub(r"\\frac(?=[{ ])", r"\\dfrac", latex)  # display style, as KaTeX's \begin{gathered} sets them
    for tex, mathtext in _MATHTEXT:
        body = body.replace(tex, mathtext)
    body = re.sub(r"\\le(?![a-zA-Z])", r"\\leq", re.sub(r"\\ge(?![a-zA-Z])", r"\\geq", body))
    body = re.sub(r"\\frac(\d)(\d)", r"\\frac{\1}{\2}", body)
    lines = [line.strip() for line in re.split(r",\\qquad|,\\quad", body)]
    # One text per equation, each placed under the one before by its drawn height (a fraction is taller than a
    # line of text, which one multi-line text would not leave room for).
    fig = Figure(figsize=(1, 1))
    renderer = FigureCanvasAgg(fig).get_renderer()
    top = 0.0
    try:
        for line in lines:
            text = fig.text(
                0.5, top, f"${line}$", ha="center", va="top", fontsize=FORMULA_PT, math_fontfamily="cm", color="black"
            )
            top -= text.get_window_extent(renderer).height / fig.dpi / fig.get_figheight() + 0.12
        buf = io.StringIO()
        fig.savefig(buf, format="svg", bbox_inches="tight", pad_inches=0.04, transparent=True, metadata={"Date": None})
    except ValueError:  # mathtext's parse error (a ParseFatalException is a ValueError subclass here)
        return None
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    # The glyphs in the text colour of the theme: a fixed one when the page knows it, else the browser's scheme
    # (Streamlit's default theme follows it). An <img> SVG does not inherit the page's colour.
    colour = f"svg {{ color: {INKS[theme]} }}" if theme in INKS else THEME_CSS
    svg = svg.replace("#000000", "currentColor").replace("<defs>", f"<defs><style>{colour}</style>", 1)
    label = _attr(latex)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" fill="currentColor" ', 1)


def _attr(text: str) -> str:
    """``text`` safe inside an HTML attribute."""
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
