"""The Basins of attraction page: a grid of starts, coloured by where (or how fast) each optimizer lands."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import NamedTuple

import numpy as np
import pandas as pd
import streamlit as st

import core
from core import basins, budget
from core.defaults import demo_hyperparameters
from core.lru import LRU

from . import basin_maps, charts, controls, i18n, layout, present, problem, runs, work
from .i18n import N_, _, error_text, optimizer_name
from .problem import Surface
from .runs import HyperItems
from .state import PageState, page_state
from .text import plain

PAGE = "basins"
DEFAULT_OPTIMIZERS = ["gd", "momentum", "adagrad", "rmsprop", "adam"]
MAX_OPTIMIZERS = 6
GRID_SIZES = ["64", "128", "256"]
COLOR_BY = {"minimum": N_("which minimum"), "steps": N_("steps to converge")}
TOL = 1e-3
MIN_GRID = 16  # a grid is never reduced below 16 x 16 starts
CHUNK_SECONDS = 1.0  # estimated CPU seconds of one tile: the page can be stopped between tiles
_TILES: LRU[basins.BasinMap] = LRU(256)  # (key, name, hp, n, steps, tiles, tile) -> that tile's map
# Learning rates that converge from most of Himmelblau's box within 200 steps (the demo values,
# tuned for the quadratic, blow up on its steep walls).
LR = {
    "gd": 0.01,
    "momentum": 0.01,
    "nesterov": 0.01,
    "adagrad": 0.5,
    "rmsprop": 0.05,
    "adam": 0.05,
    "adamw": 0.05,
    "nadam": 0.05,
    "radam": 0.02,
    "adamax": 0.1,
    "rprop": 0.05,
    "lion": 0.05,
}


def render() -> None:
    st.title(_("Basins of attraction"))
    with page_state(PAGE) as ps:
        _body(ps)


def _body(ps: PageState) -> None:
    side = st.sidebar
    chosen = controls.optimizers(ps, DEFAULT_OPTIMIZERS, where=side)
    if len(chosen) > MAX_OPTIMIZERS:
        side.caption(_("Only the first {n} optimizers are run.").format(n=MAX_OPTIMIZERS))
        chosen = chosen[:MAX_OPTIMIZERS]
    side.header(_("Landscape"))
    picked = controls.landscape(ps, where=side, default="himmelblau")
    if picked is None:
        return
    key, f = picked
    n = int(
        controls.choice(
            ps,
            "n",
            _("Grid of starts"),
            GRID_SIZES,
            "128",
            labels={g: f"{g} × {g}" for g in GRID_SIZES},
            where=side,
            help=_("Starts at the centres of an n × n grid over the plotted box."),
        )
    )
    steps = controls.steps_picker(ps, default=200, where=side)
    mode = controls.choice(
        ps,
        "color",
        _("Colour by"),
        list(COLOR_BY),
        "minimum",
        labels={k: _(v) for k, v in COLOR_BY.items()},
        where=side,
    )
    side.header(_("Hyperparameters"))
    hps = {}
    for name in chosen:
        spec, prefix = core.get_spec(name), f"{name}."
        start = {**demo_hyperparameters(name), **({"lr": LR[name]} if name in LR else {})}
        box = controls.hyper_section(ps, spec, start, side)
        hps[name] = controls.params(ps, spec.hypers, start, prefix=prefix, where=box)

    n, steps, chosen = _reduce(f, n, steps, chosen) if chosen else (n, steps, chosen)
    st.markdown(
        _(
            "Every pixel is a start point: the optimizer runs **{steps} steps** from each of the {n} × {n} starts "
            "(in large batches) and the pixel takes the colour of the minimum it settles at "
            "(within {radius:.0%} of the box): every local minimum that some run settled at gets its own "
            "colour (colours repeat only far apart). Grey: the run had not settled after {steps} steps; black: it "
            "diverged. *Steps to converge* counts the updates until f is within {tol:g} of a known minimum's "
            "value. Stars mark the known minima, dots the other minima found."
        ).format(steps=steps, n=n, radius=basins.RADIUS, tol=TOL)
    )
    if not chosen:
        st.info(_("Choose at least one optimizer in the sidebar."))
        return
    if not f.all_minima:
        st.info(
            _(
                "{landscape} has no known minima: only the minima the runs settle at are coloured, and "
                "no run stops early."
            ).format(landscape=layout.landscape_name(f)),
            icon=":material/info:",
        )

    items = _compute(key, f, chosen, hps, n, steps)
    if items:
        _images(key, items, n, steps, mode)
        _summary(f, page_maps(key, items, n, steps), steps)


class GridPlan(NamedTuple):
    """What a basins request runs within its page's limit: grid side, steps and how many of the chosen optimizers
    (the first ones), the estimate of the whole request and what of it is not the runs (``budget.Plan.reserved``)."""

    side: int
    steps: int
    optimizers: int
    seconds: float
    fit: budget.Plan


def plan(f: core.Objective, n: int, steps: int, runs: int, spent: float = 0.0) -> GridPlan:
    """The grid side and step count that fit ``budget.limit("page")`` for ``runs`` optimizers on ``f``, counting the
    whole request: ``spent`` (what it has used already: a new formula's check), each map's labelling and picture
    and the page itself (``budget.drawing_seconds``). Fewer starts first, then fewer steps; fewer optimizers only
    when the pictures alone would exceed the limit (the first one is always drawn)."""
    c = budget.cost(f)
    cap = budget.limit("page")
    for k in range(max(runs, 1), 0, -1):
        side, p = n, None
        for _pass in range(2):  # the labelling depends on the grid the plan settles on
            reserved = spent + _drawing(c, k, side, steps)
            p = budget.fit(c, n * n, steps, runs=k, min_points=MIN_GRID * MIN_GRID, reserved=reserved)
            side = n if p.points >= n * n else max(MIN_GRID, math.isqrt(p.points) // 8 * 8)
        assert p is not None
        total = p.seconds + p.reserved
        if total <= cap or k == 1:
            return GridPlan(side, p.steps, k, total, p)
    raise AssertionError("unreachable")


def _drawing(c: budget.Cost, maps: int, side: int, steps: int) -> float:
    """CPU-seconds of a basins request besides its runs: labelling every map's ends against the minima found,
    one picture per map, the convergence chart and the page (``budget.drawing_seconds``)."""
    label = maps * side * side * budget.LABEL_POINT_SECONDS
    return label + budget.drawing_seconds(c, figures=maps, rows=maps * min(steps + 1, 600))


def tiles_per_side(f: core.Objective, n: int, steps: int) -> int:
    """The fewest tiles per side (a divisor of ``n``) whose tiles each fit ``CHUNK_SECONDS``."""
    c = budget.cost(f)
    for t in range(1, n // 8 + 1):
        if n % t == 0 and c.run((n // t) ** 2, steps) <= CHUNK_SECONDS:
            return t
    return max(t for t in range(1, n // 8 + 1) if n % t == 0)


def _compute(
    key: Surface, f: core.Objective, chosen: list[str], hps: dict, n: int, steps: int
) -> tuple[tuple[str, HyperItems], ...]:
    """Compute every chosen optimizer's map, tile by tile, with a progress bar; return the (name, frozen
    hyperparameters) whose settings are valid, for ``page_maps``.

    Each tile is a stop point (Streamlit ends a script whose session closed or reran at its next
    ``st`` call), and tiles run one at a time across all sessions (``budget.heavy``).
    """
    t = tiles_per_side(f, n, steps)
    total = len(chosen) * t * t
    bar = st.progress(0.0, text=_("Running the grids of starts…"))
    items: tuple = ()
    for i, name in enumerate(chosen):
        label = optimizer_name(name)
        hp = runs.freeze(hps[name])
        try:
            core.get_optimizer(name, **dict(hp))
        except ValueError as err:
            st.error(f"{label}: {plain(error_text(err), 300)}", icon=":material/block:")
            continue
        for k in range(t * t):
            done = (i * t * t + k) / total
            tile_key = (key, name, hp, n, steps, t, k)
            if _TILES.get(tile_key) is None:
                with work.heavy(
                    bar, done, _("Running {optimizer} from {n:,} starts…").format(optimizer=label, n=n * n)
                ):
                    _tile(*tile_key)
        items += ((name, hp),)
    bar.empty()
    return items


def _tile(key: Surface, name: str, hp: HyperItems, n: int, steps: int, t: int, k: int) -> basins.BasinMap:
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
    box = (
        xmin + (xmax - xmin) * col / t,
        xmin + (xmax - xmin) * (col + 1) / t,
        ymin + (ymax - ymin) * row / t,
        ymin + (ymax - ymin) * (row + 1) / t,
    )
    opt = core.get_optimizer(name, **dict(hp))
    m = basins.basin_map(
        replace(f, box=box),
        opt,
        size,
        steps,
        TOL,
        radius=basins.capture_radius(f),
        escape=f.escape_radius,
        slope=basins.slope_scale(f),
        find=False,
    )
    _TILES.put(tile_key, m)
    return m


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def basin(key: Surface, name: str, hp: HyperItems, n: int, steps: int) -> basins.BasinMap:
    """``core.basins.basin_map`` for one optimizer, assembled from its tiles, labelled by the known minima only
    (``page_maps`` labels it by every minimum found; raises ``ValueError`` for invalid hyperparameters)."""
    f = problem.objective(key)
    core.get_optimizer(name, **dict(hp))
    t = tiles_per_side(f, n, steps)
    parts = [_tile(key, name, hp, n, steps, t, k) for k in range(t * t)]
    grid = [parts[r * t : (r + 1) * t] for r in range(t)]

    def whole(field: str) -> np.ndarray:
        return np.concatenate([np.concatenate([getattr(p, field) for p in row], axis=1) for row in grid], axis=0)

    xs, ys = basins.grid_axes(f.box, n)
    first = parts[0]
    return replace(
        first,
        label=whole("label"),
        steps_to_converge=whole("steps_to_converge"),
        final_value=whole("final_value"),
        final=whole("final"),
        converged=whole("converged"),
        xs=xs,
        ys=ys,
        box=basins.as_box(f.box),
    )


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def page_maps(
    key: Surface, chosen: tuple[tuple[str, HyperItems], ...], n: int, steps: int
) -> dict[str, basins.BasinMap]:
    """Every chosen optimizer's map labelled against one list of the minima they all found, so a minimum has
    one colour and one column across the page."""
    maps = [basin(key, name, hp, n, steps) for name, hp in chosen]
    return dict(zip((name for name, _hp in chosen), basins.relabel(problem.objective(key), maps), strict=True))


def _reduce(f: core.Objective, n: int, steps: int, chosen: list[str]) -> tuple[int, int, list[str]]:
    """``plan``'s grid, steps and optimizers for this request (after what it has spent), with a note saying what
    was cut and why."""
    c = budget.cost(f)  # measured before the clock is read: the measurement is part of the request
    planned = plan(f, n, steps, len(chosen), spent=work.spent())
    side, fitted, k = planned.side, planned.steps, planned.optimizers
    cuts = [_("a {side} × {side} grid instead of {n} × {n}").format(side=side, n=n)] if side != n else []
    cuts += [_("{fitted} steps instead of {steps}").format(fitted=fitted, steps=steps)] if fitted != steps else []
    cuts += [work.left_out(chosen, k)] if k < len(chosen) else []
    work.reduced_note(c, cuts, planned.fit.reserved)
    return side, fitted, chosen[:k]


def _images(key: Surface, items: tuple[tuple[str, HyperItems], ...], n: int, steps: int, mode: str) -> None:
    # Two maps a row at most: three would shrink each 360 px map (and its legend text) to about 250 px on a laptop.
    # On a projector's wider screen three, in rows that presenter mode fits to the screen together.
    per_row = 3 if present.presenting() else 2
    maps = present.figure()
    for start in range(0, len(items), per_row):
        cols = maps.columns(per_row)
        for col, (name, _hp) in zip(cols, items[start : start + per_row], strict=False):
            col.image(basin_png(key, items, name, n, steps, mode, i18n.language()), width="stretch")


@st.cache_data(max_entries=96, ttl=3600, show_spinner=False)
def basin_png(
    key: Surface,
    items: tuple[tuple[str, HyperItems], ...],
    name: str,
    n: int,
    steps: int,
    mode: str,
    lang: str = "en",
) -> bytes:
    """PNG of optimizer ``name``'s square basin map (one of the page's ``items``), coloured by the minimum it
    settles at or by steps to converge (legend in ``lang``, the current language)."""
    return basin_maps.draw(problem.objective(key), page_maps(key, items, n, steps), name, mode)


def _summary(f: core.Objective, maps: dict[str, basins.BasinMap], steps: int) -> None:
    table = fraction_table(f, maps)
    table = table.rename(columns={c: _(c) for c in TABLE_COLUMNS})
    percent = {c: "{:.1f} %" for c in table.columns[1:-1]}
    st.caption(
        _(
            "Share of starts (%) settling at each known minimum and the lowest others found, at the other minima, "
            "nowhere (elsewhere: not settled) or diverged; share that converged "
            "(f within {tol:g} of a minimum's value) and their median number of steps"
        ).format(tol=TOL)
    )
    layout.markdown_table(table, percent)
    series = {}
    for name, m in maps.items():
        s = m.steps_to_converge.ravel()
        counts = np.bincount(s[s >= 0], minlength=steps + 1)[: steps + 1]
        series[name] = np.cumsum(counts) / s.size
    charts.lines(series, _("Share of starts converged by each step"), _("share of starts"), height=340).show(st)


# ``fraction_table``'s fixed columns, translated where the table is shown.
TABLE_COLUMNS = (
    N_("optimizer"),
    N_("other minima"),
    N_("elsewhere"),
    N_("diverged"),
    N_("converged"),
    N_("median steps"),
)


def fraction_table(f: core.Objective, maps: dict[str, basins.BasinMap]) -> pd.DataFrame:
    """Per optimizer: % of starts settling at each named minimum (``named_minima``), at the other minima, elsewhere,
    diverged; % converged and median steps."""
    rows = []
    named = basin_maps.named_minima(f, maps)
    for name, m in maps.items():
        share = basins.fractions(m)
        names = basin_maps.minimum_labels(f, m)
        row: dict[str, object] = {"optimizer": optimizer_name(name)}
        row.update({names[i]: 100 * share[i] for i in named})
        if m.n_minima > len(named):
            row["other minima"] = 100 * sum(v for i, v in share.items() if i >= 0 and i not in named)
        row["elsewhere"] = 100 * share[basins.ELSEWHERE]
        row["diverged"] = 100 * share[basins.DIVERGED]
        done = m.steps_to_converge[m.steps_to_converge >= 0]
        row["converged"] = 100 * done.size / m.label.size
        row["median steps"] = float(np.median(done)) if done.size else None
        rows.append(row)
    return pd.DataFrame(rows)
