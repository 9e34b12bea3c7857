"""The Basins of attraction page: a grid of starts, coloured by where (or how fast) each optimizer lands."""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import ListedColormap, LogNorm, to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Patch

import core
from core import basins, budget
from core.defaults import demo_hyperparameters
from core.lru import LRU

from . import charts, controls, plots, problem, runs, work
from .problem import FunctionKey
from .runs import HyperItems
from .state import PageState, page_state
from .theme import CMAP, INK, color

PAGE = "basins"
DEFAULT_OPTIMIZERS = ["gd", "momentum", "adagrad", "rmsprop", "adam"]
MAX_OPTIMIZERS = 6
GRID_SIZES = ["64", "128", "256"]
COLOR_BY = {"minimum": "which minimum", "steps": "steps to converge"}
TOL = 1e-3
MIN_GRID = 16          # a grid is never reduced below 16 x 16 starts
CHUNK_SECONDS = 1.0    # estimated CPU seconds of one tile: the page can be stopped between tiles
_TILES: LRU[basins.BasinMap] = LRU(256)   # (key, name, hp, n, steps, tiles, tile) -> that tile's map
# Learning rates that converge from most of Himmelblau's box within 200 steps (the demo values,
# tuned for the quadratic, blow up on its steep walls).
LR = {"gd": 0.01, "momentum": 0.01, "nesterov": 0.01, "adagrad": 0.5, "rmsprop": 0.05, "adam": 0.05,
      "adamw": 0.05, "nadam": 0.05, "radam": 0.02, "adamax": 0.1, "rprop": 0.05, "lion": 0.05}

# One colour per minimum (Dark2 without its grey), then grey for "elsewhere" and black for "diverged".
MINIMA_COLORS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#17becf")
ELSEWHERE_COLOR = "#b0b0b0"
DIVERGED_COLOR = "#000000"
FIGSIZE = (3.6, 3.4)
AX_LABELS = (0.16, 0.34, 0.80, 0.58)   # map axes, in figure fractions (legend below)
AX_STEPS = (0.16, 0.34, 0.65, 0.58)    # narrower: a colour bar on the right
CB_STEPS = (0.84, 0.34, 0.035, 0.58)


def render() -> None:
    st.title("Basins of attraction")
    with page_state(PAGE) as ps:
        _body(ps)


def _body(ps: PageState) -> None:
    side = st.sidebar
    chosen = controls.optimizers(ps, DEFAULT_OPTIMIZERS, where=side)
    if len(chosen) > MAX_OPTIMIZERS:
        side.caption(f"Only the first {MAX_OPTIMIZERS} optimizers are run.")
        chosen = chosen[:MAX_OPTIMIZERS]
    side.header("Landscape")
    picked = controls.landscape(ps, where=side, default="himmelblau")
    if picked is None:
        return
    key, f = picked
    n = int(controls.choice(ps, "n", "Grid of starts", GRID_SIZES, "128",
                            labels={g: f"{g} × {g}" for g in GRID_SIZES}, where=side,
                            help="Starts at the centres of an n × n grid over the plotted box."))
    steps = controls.steps_picker(ps, default=200, where=side)
    mode = controls.choice(ps, "color", "Colour by", list(COLOR_BY), "minimum", labels=COLOR_BY, where=side)
    side.header("Hyperparameters")
    hps = {}
    for name in chosen:
        with side.expander(core.get_spec(name).display_name, expanded=False):
            lr = {"lr": LR[name]} if name in LR else {}
            hps[name] = controls.params(ps, core.get_spec(name).hypers, {**demo_hyperparameters(name), **lr},
                                        prefix=f"{name}.")

    n, steps = _reduce(f, n, steps, max(len(chosen), 1))
    st.markdown(
        f"Every pixel is a start point: the optimizer runs **{steps} steps** from each of the {n} × {n} starts "
        f"(in large batches) and the pixel takes the colour of the minimum it ends next to "
        f"(within {basins.RADIUS:.0%} of the box), grey if it ends elsewhere and black if it diverges. "
        f"*Steps to converge* counts the updates until f is within {TOL:g} of that minimum's value. "
        "Stars mark the minima.")
    if not chosen:
        st.info("Choose at least one optimizer in the sidebar.")
        return
    if not f.all_minima:
        st.info(f"{f.display_name} has no known minima: every start is labelled *elsewhere* (or *diverged*) "
                "and no run can converge.", icon=":material/info:")

    maps = _compute(key, f, chosen, hps, n, steps)
    if maps:
        _images(key, maps, hps, n, steps, mode)
        _summary(f, maps, steps)


def plan(f: core.Objective, n: int, steps: int, runs: int) -> tuple[int, int]:
    """The grid side and step count that fit ``budget.PAGE_SECONDS`` for ``runs`` optimizers on ``f``."""
    p = budget.fit(budget.cost(f), n * n, steps, runs=runs, min_points=MIN_GRID * MIN_GRID)
    side = n if p.points >= n * n else max(MIN_GRID, math.isqrt(p.points) // 8 * 8)
    return side, p.steps


def tiles_per_side(f: core.Objective, n: int, steps: int) -> int:
    """The fewest tiles per side (a divisor of ``n``) whose tiles each fit ``CHUNK_SECONDS``."""
    c = budget.cost(f)
    for t in range(1, n // 8 + 1):
        if n % t == 0 and c.run((n // t) ** 2, steps) <= CHUNK_SECONDS:
            return t
    return max(t for t in range(1, n // 8 + 1) if n % t == 0)


def _compute(key: FunctionKey, f: core.Objective, chosen: list[str], hps: dict, n: int, steps: int
             ) -> dict[str, basins.BasinMap]:
    """The basin map of every chosen optimizer, tile by tile, with a progress bar.

    Each tile is a stop point (Streamlit ends a script whose session closed or reran at its next
    ``st`` call), and tiles run one at a time across all sessions (``budget.heavy``).
    """
    t = tiles_per_side(f, n, steps)
    total = len(chosen) * t * t
    bar = st.progress(0.0, text="Running the grids of starts…")
    maps = {}
    for i, name in enumerate(chosen):
        label = core.get_spec(name).display_name
        hp = runs.freeze(hps[name])
        try:
            core.get_optimizer(name, **dict(hp))
        except ValueError as err:
            st.error(f"{label}: {err}", icon=":material/block:")
            continue
        for k in range(t * t):
            done = (i * t * t + k) / total
            tile_key = (key, name, hp, n, steps, t, k)
            if _TILES.get(tile_key) is None:
                with work.heavy(bar, done, f"Running {label} from {n * n:,} starts…"):
                    _tile(*tile_key)
        maps[name] = basin(key, name, hp, n, steps)
    bar.empty()
    return maps


def _tile(key: FunctionKey, name: str, hp: HyperItems, n: int, steps: int, t: int, k: int) -> basins.BasinMap:
    """Tile ``k`` (row-major) of a ``t`` x ``t`` split of the n x n grid: ``basin_map`` on that part of the box.

    The cell centres of a k x k grid over a tile's box are exactly those of the big grid there.
    """
    tile_key = (key, name, hp, n, steps, t, k)
    hit = _TILES.get(tile_key)
    if hit is not None:
        return hit
    f = problem.objective(key)
    xmin, xmax, ymin, ymax = f.box
    size = n // t
    row, col = divmod(k, t)
    box = (xmin + (xmax - xmin) * col / t, xmin + (xmax - xmin) * (col + 1) / t,
           ymin + (ymax - ymin) * row / t, ymin + (ymax - ymin) * (row + 1) / t)
    opt = core.get_optimizer(name, **dict(hp))
    m = basins.basin_map(replace(f, box=box), opt, size, steps, TOL, radius=basins.capture_radius(f),
                         escape=f.escape_radius)
    _TILES.put(tile_key, m)
    return m


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def basin(key: FunctionKey, name: str, hp: HyperItems, n: int, steps: int) -> basins.BasinMap:
    """``core.basins.basin_map`` for one optimizer, assembled from its tiles (raises ``ValueError`` for
    invalid hyperparameters)."""
    f = problem.objective(key)
    core.get_optimizer(name, **dict(hp))
    t = tiles_per_side(f, n, steps)
    parts = [_tile(key, name, hp, n, steps, t, k) for k in range(t * t)]
    grid = [parts[r * t:(r + 1) * t] for r in range(t)]
    xs, ys = basins.grid_axes(f.box, n)
    first = parts[0]
    return basins.BasinMap(
        label=np.block([[p.label for p in row] for row in grid]),
        steps_to_converge=np.block([[p.steps_to_converge for p in row] for row in grid]),
        final_value=np.block([[p.final_value for p in row] for row in grid]),
        xs=xs, ys=ys, box=tuple(map(float, f.box)), steps=first.steps, tol=first.tol, radius=first.radius,
        n_minima=first.n_minima)


def _reduce(f: core.Objective, n: int, steps: int, runs: int) -> tuple[int, int]:
    """``plan``'s grid and steps, with a note saying what was cut and why."""
    side, fitted = plan(f, n, steps, runs)
    cuts = [f"a {side} × {side} grid instead of {n} × {n}"] if side != n else []
    cuts += [f"{fitted} steps instead of {steps}"] if fitted != steps else []
    work.reduced_note(budget.cost(f), cuts)
    return side, fitted


def _images(key: FunctionKey, maps: dict, hps: dict, n: int, steps: int, mode: str) -> None:
    per_row = 3 if len(maps) != 4 else 2
    names = list(maps)
    for start in range(0, len(names), per_row):
        cols = st.columns(per_row)
        for col, name in zip(cols, names[start:start + per_row]):
            png = basin_png(key, name, runs.freeze(hps[name]), n, steps, mode)
            col.image(png, width="stretch")


def minimum_labels(f: core.Objective) -> list[str]:
    """Short names of ``f.all_minima``: coordinates, with "local" for the non-global ones."""
    n_global = len(f.minima)
    return [f"({m.point[0]:.2f}, {m.point[1]:.2f})" + ("" if i < n_global else " local")
            for i, m in enumerate(f.all_minima)]


def minimum_colors(k: int) -> list[str]:
    return [MINIMA_COLORS[i % len(MINIMA_COLORS)] for i in range(k)]


@st.cache_data(max_entries=96, ttl=3600, show_spinner=False)
def basin_png(key: FunctionKey, name: str, hp: HyperItems, n: int, steps: int, mode: str) -> bytes:
    """PNG of one optimizer's basin map, coloured by minimum reached or by steps to converge."""
    f = problem.objective(key)
    m = basin(key, name, hp, n, steps)
    fig = Figure(figsize=FIGSIZE, dpi=plots.DPI)
    rect = AX_STEPS if mode == "steps" else AX_LABELS
    ax = fig.add_axes(rect)
    extent = m.box
    if mode == "steps":
        _draw_steps(fig, ax, m, extent)
    else:
        _draw_labels(ax, f, m, extent)
    for i, mm in enumerate(f.all_minima):
        ax.plot(*mm.point, marker="*", ms=11 if i < len(f.minima) else 8, color="white", mec="black", mew=0.8,
                linestyle="none", zorder=5)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_xlabel("x", fontsize=9)
    ax.set_ylabel("y", fontsize=9)
    # Fixed positions for the axis labels and title: matplotlib otherwise measures every tick label
    # to place them, a third of the figure's drawing time.
    ax.xaxis.set_label_coords(0.5, -0.12)
    ax.yaxis.set_label_coords(-42 / (rect[2] * FIGSIZE[0] * plots.DPI), 0.5)   # 42 px left of the axes
    plots.style_axes(ax, fig)
    ax.set_title(core.get_spec(name).display_name, color=color(name), fontsize=11, fontweight="bold", y=1.015)
    return plots.to_png(fig)


def _patch(colour: str, label: str) -> Patch:
    """A legend swatch with a thin INK edge, so black stays visible on a dark page."""
    return Patch(facecolor=colour, edgecolor=INK, linewidth=0.5, label=label)


def _legend(ax, handles: list, ncol: int) -> None:
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=ncol, fontsize=7,
               frameon=False, handlelength=1.0, columnspacing=0.9, labelcolor=INK)


def _draw_labels(ax, f: core.Objective, m: basins.BasinMap, extent) -> None:
    k = m.n_minima
    palette = [DIVERGED_COLOR, ELSEWHERE_COLOR] + minimum_colors(k)
    ax.imshow(m.label + 2, origin="lower", extent=extent, aspect="auto", interpolation="nearest",
              cmap=ListedColormap(palette), vmin=-0.5, vmax=k + 1.5)
    handles = [_patch(c, lbl) for c, lbl in zip(minimum_colors(k), minimum_labels(f))]
    handles += [_patch(ELSEWHERE_COLOR, "elsewhere"), _patch(DIVERGED_COLOR, "diverged")]
    _legend(ax, handles, ncol=2 if k <= 4 else 3)


def _draw_steps(fig, ax, m: basins.BasinMap, extent) -> None:
    norm = LogNorm(1, max(m.steps, 2))
    s = m.steps_to_converge
    rgba = colormaps[CMAP](norm(np.clip(s, 1, None)))
    rgba[s < 0] = to_rgba(ELSEWHERE_COLOR)
    rgba[m.label == basins.DIVERGED] = to_rgba(DIVERGED_COLOR)
    ax.imshow(rgba, origin="lower", extent=extent, aspect="auto", interpolation="nearest")
    cb = fig.colorbar(ScalarMappable(norm=norm, cmap=CMAP), cax=fig.add_axes(CB_STEPS))
    cb.ax.minorticks_off()
    cb.ax.tick_params(colors=INK, labelsize=7)
    cb.outline.set_edgecolor(INK)
    cb.set_label("steps (log scale)", color=INK, fontsize=7)
    _legend(ax, [_patch(ELSEWHERE_COLOR, f"not within {m.tol:g} of a minimum in {m.steps} steps"),
                 _patch(DIVERGED_COLOR, "diverged")], ncol=1)


def _summary(f: core.Objective, maps: dict[str, basins.BasinMap], steps: int) -> None:
    table = fraction_table(f, maps)
    percent = {c: st.column_config.NumberColumn(c, format="%.1f %%") for c in table.columns[1:-1]}
    st.caption("Share of starts (%) ending at each minimum, elsewhere or diverged; share that converged "
               f"(f within {TOL:g} of a minimum's value) and their median number of steps")
    st.dataframe(table, hide_index=True, width="stretch", column_config=percent)
    series = {}
    for name, m in maps.items():
        s = m.steps_to_converge.ravel()
        counts = np.bincount(s[s >= 0], minlength=steps + 1)[:steps + 1]
        series[name] = np.cumsum(counts) / s.size
    charts.lines(series, "Share of starts converged by each step", "share of starts", height=340).show(st)


def fraction_table(f: core.Objective, maps: dict[str, basins.BasinMap]) -> pd.DataFrame:
    """Per optimizer: % of starts reaching each minimum, elsewhere, diverged; % converged and median steps."""
    rows = []
    names = minimum_labels(f)
    for name, m in maps.items():
        share = basins.fractions(m)
        row = {"optimizer": core.get_spec(name).display_name}
        row.update({lbl: 100 * share[i] for i, lbl in enumerate(names)})
        row["elsewhere"] = 100 * share[basins.ELSEWHERE]
        row["diverged"] = 100 * share[basins.DIVERGED]
        done = m.steps_to_converge[m.steps_to_converge >= 0]
        row["converged"] = 100 * done.size / m.label.size
        row["median steps"] = float(np.median(done)) if done.size else None
        rows.append(row)
    return pd.DataFrame(rows)
