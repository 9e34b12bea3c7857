"""The Basins page's maps drawn: one colour per minimum reached (or steps to converge), legends below, square axes."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import ListedColormap, LogNorm, to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Patch

import core
from core import basins

from . import plots
from .i18n import N_, _
from .plots import figure_text
from .theme import CMAP, INK, color

# One colour per minimum (Dark2 without its grey), then grey for "elsewhere" and black for "diverged".
MINIMA_COLORS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#17becf")
ELSEWHERE_COLOR = "#b0b0b0"
DIVERGED_COLOR = "#000000"
FIGSIZE = (3.6, 4.6)
LEGEND_MINIMA = 6  # minima named in a map's legend and given a column in the table; the rest are summed
FONT_PT = 9.0  # legend and colour bar text: 12.5 px in the 360 px map


def _square(left: float, width: float, top: float = 0.93) -> tuple[float, float, float, float]:
    """An axes rectangle (figure fractions) ``width`` wide whose height makes it square on ``FIGSIZE``."""
    height = width * FIGSIZE[0] / FIGSIZE[1]
    return left, top - height, width, height


AX_LABELS = _square(0.17, 0.78)  # square map axes, legend below
AX_STEPS = _square(0.17, 0.60)  # narrower: a colour bar on the right
CB_STEPS = (0.80, AX_STEPS[1], 0.035, AX_STEPS[3])


def minimum_labels(f: core.Objective, m: basins.BasinMap, tr: Callable[[str], str] = _) -> list[str]:
    """Short names of ``m.minima``: coordinates, "local" for a known non-global one, the value for one found."""
    n_global, n_known = len(f.minima), len(f.all_minima)

    def num(v: float) -> str:
        return f"{v:.2f}".replace("-0.00", "0.00")

    return [
        f"({num(x)}, {num(y)})" + ("" if i < n_global else tr(N_(" local")) if i < n_known else f" f={v:.3g}")
        for i, ((x, y), v) in enumerate(zip(m.minima, m.minimum_values, strict=True))
    ]


def minimum_colors(centres: np.ndarray) -> list[str]:
    """A colour per minimum, each unlike those of its nearest already coloured neighbours (greedy colouring)."""
    k = len(MINIMA_COLORS)
    chosen: list[int] = []
    for i, c in enumerate(np.asarray(centres, dtype=float).reshape(-1, 2)):
        near = np.argsort(((centres[:i] - c) ** 2).sum(-1))[: k - 1]
        taken = {chosen[j] for j in near}
        chosen.append(next(x for x in range(k) if x not in taken))
    return [MINIMA_COLORS[x] for x in chosen]


def named_minima(f: core.Objective, maps: dict[str, basins.BasinMap]) -> list[int]:
    """The minima named in legends and the table (``LEGEND_MINIMA`` at most): the known ones, then the lowest of
    the others that some start settles at."""
    counts = [np.bincount(m.label[m.label >= 0].ravel(), minlength=m.n_minima) for m in maps.values()]
    reached = np.sum(counts, axis=0) > 0 if counts else np.zeros(len(f.all_minima), dtype=bool)
    reached[: len(f.all_minima)] = True
    return [int(i) for i in np.flatnonzero(reached)[:LEGEND_MINIMA]]


def draw(f: core.Objective, maps: dict[str, basins.BasinMap], name: str, mode: str) -> bytes:
    """PNG of optimizer ``name``'s square map among the page's ``maps``: coloured by the minimum each start settles
    at (``mode`` "minimum") or by its steps to converge ("steps")."""
    m = maps[name]
    fig = Figure(figsize=FIGSIZE, dpi=plots.DPI)
    rect = AX_STEPS if mode == "steps" else AX_LABELS
    ax = fig.add_axes(rect)
    extent = m.box
    if mode == "steps":
        _draw_steps(fig, ax, m, extent)
    else:
        _draw_labels(ax, f, m, extent, named_minima(f, maps))
    n_known = len(f.all_minima)
    for i, mm in enumerate(f.all_minima):
        ax.plot(
            *mm.point,
            marker="*",
            ms=11 if i < len(f.minima) else 8,
            color="white",
            mec="black",
            mew=0.8,
            linestyle="none",
            zorder=5,
        )
    if m.n_minima > n_known:
        ax.plot(*m.minima[n_known:].T, "o", ms=2.5, color="white", mec="black", mew=0.4, linestyle="none", zorder=5)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_xlabel("x", fontsize=9)
    ax.set_ylabel("y", fontsize=9)
    # Fixed positions for the axis labels and title: matplotlib otherwise measures every tick label
    # to place them, a third of the figure's drawing time.
    ax.xaxis.set_label_coords(0.5, -0.10)
    ax.yaxis.set_label_coords(-42 / (rect[2] * FIGSIZE[0] * plots.DPI), 0.5)  # 42 px left of the axes
    plots.style_axes(ax, fig)
    ax.set_title(plots.figure_name(name), color=color(name), fontsize=11, fontweight="bold", y=1.015)
    return plots.to_png(fig)


def _patch(colour: str, label: str) -> Patch:
    """A legend swatch with a thin INK edge, so black stays visible on a dark page."""
    return Patch(facecolor=colour, edgecolor=INK, linewidth=0.5, label=label)


def _legend(ax, handles: list, ncol: int) -> None:
    bottom = ax.get_position().y0  # centred on the figure, not the axes: the widest rows fit
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, bottom - 0.075),
        bbox_transform=ax.figure.transFigure,
        ncol=ncol,
        fontsize=FONT_PT,
        frameon=False,
        handlelength=1.0,
        columnspacing=0.8,
        labelspacing=0.3,
        labelcolor=INK,
    )


def _draw_labels(ax, f: core.Objective, m: basins.BasinMap, extent, named: list[int]) -> None:
    k = m.n_minima
    colours = minimum_colors(m.minima)
    palette = [DIVERGED_COLOR, ELSEWHERE_COLOR, *colours]
    ax.imshow(
        m.label + 2,
        origin="lower",
        extent=extent,
        aspect="auto",
        interpolation="nearest",
        cmap=ListedColormap(palette),
        vmin=-0.5,
        vmax=k + 1.5,
    )
    labels = minimum_labels(f, m, figure_text)
    handles = [_patch(colours[i], labels[i]) for i in named]
    if k > len(named):
        handles.append(_patch("none", figure_text(N_("{n} more minima")).format(n=k - len(named))))
    handles += [
        _patch(ELSEWHERE_COLOR, figure_text(N_("not settled"))),
        _patch(DIVERGED_COLOR, figure_text(N_("diverged"))),
    ]
    _legend(ax, handles, ncol=1 if len(handles) <= 4 else 2)


def _draw_steps(fig, ax, m: basins.BasinMap, extent) -> None:
    norm = LogNorm(1, max(m.steps, 2))
    s = m.steps_to_converge
    rgba = colormaps[CMAP](norm(np.clip(s, 1, None)))
    rgba[s < 0] = to_rgba(ELSEWHERE_COLOR)
    rgba[m.label == basins.DIVERGED] = to_rgba(DIVERGED_COLOR)
    ax.imshow(rgba, origin="lower", extent=extent, aspect="auto", interpolation="nearest")
    cb = fig.colorbar(ScalarMappable(norm=norm, cmap=CMAP), cax=fig.add_axes(CB_STEPS))
    cb.ax.minorticks_off()
    cb.ax.tick_params(colors=INK, labelsize=FONT_PT)
    cb.outline.set_edgecolor(INK)
    cb.set_label(figure_text(N_("steps (log scale)")), color=INK, fontsize=FONT_PT)
    _legend(
        ax,
        [
            _patch(
                ELSEWHERE_COLOR,
                figure_text(N_("not within {tol:g} of a known\nminimum in {steps} steps")).format(
                    tol=m.tol, steps=m.steps
                ),
            ),
            _patch(DIVERGED_COLOR, figure_text(N_("diverged"))),
        ],
        ncol=1,
    )
