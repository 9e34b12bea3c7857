"""Cached optimizer runs: every page asks here instead of calling ``core.simulate`` directly."""

from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st

import core
from core import article
from core.metrics import diverged_at
from core.sweeps import lr_sweep

from . import layout
from .i18n import optimizer_name
from .problem import FunctionKey, objective

HyperItems = tuple  # sorted (name, value) pairs: hashable hyperparameters


def freeze(hp: dict[str, Any]) -> HyperItems:
    """Hyperparameters as a hashable, ordered tuple for cache keys."""
    return tuple(sorted(hp.items()))


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def run(
    key: FunctionKey,
    name: str,
    hp: HyperItems,
    x0: tuple[float, float],
    steps: int,
    noise: float = 0.0,
    seeds: int = 1,
    seed: int = 0,
    schedule: tuple | None = None,
) -> core.Trajectory:
    """One optimizer run (or ``seeds`` noisy copies in one batch) with its recorded state.

    Raises ``ValueError`` with a user-facing message for invalid hyperparameters.
    """
    f = objective(key)
    opt = core.get_optimizer(name, **dict(hp))
    start = np.asarray(x0, dtype=float)
    if noise > 0 and seeds > 1:
        start = np.tile(start, (seeds, 1))
    sched = None
    if schedule is not None:
        from core.schedules import get_schedule

        sched = get_schedule(schedule[0], **dict(schedule[1]))
    return core.simulate(
        f,
        opt,
        start,
        steps,
        record_state=start.ndim == 1,
        noise=noise,
        seed=seed,
        schedule=sched,
        escape=f.escape_radius,
    )


@st.cache_data(max_entries=8, show_spinner=False)
def article_run(name: str) -> core.Trajectory:
    """The article's own run of ``name`` (its starts, conventions and Adam's early stop)."""
    return article.run(name)


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def largest_stable_lr(key: FunctionKey, name: str, hp: HyperItems, x0: tuple[float, float], steps: int) -> float | None:
    """The largest lr below the given one (on a log grid of 60 values down to 1e-6 of it) whose run does not diverge
    in ``steps`` steps (``core.metrics.diverged_at``), from one batched sweep; ``None`` when even the smallest does."""
    f = objective(key)
    opt = core.get_optimizer(name, **dict(hp))
    lrs = float(np.max(opt.hyperparameters["lr"])) * np.geomspace(1e-6, 1.0, 60, endpoint=False)
    sweep = lr_sweep(f, opt, x0, steps, lrs, escape=f.escape_radius)
    stable = lrs[sweep.diverged_at < 0]
    return float(stable.max()) if stable.size else None


def run_all(
    key: FunctionKey, hps: dict[str, dict[str, Any]], x0: tuple[float, float], steps: int, **options: Any
) -> dict[str, core.Trajectory]:
    """Run every optimizer of ``hps`` (name -> hyperparameters) and report, once, what cannot run or diverged.

    ``options`` go to ``run`` (noise, seeds, seed, schedule). Settings an optimizer refuses are one
    message each; every diverged run (``diverged_at``, the one definition) is named in one note with the step
    it diverged at and the largest lr that does not diverge.
    """
    out: dict[str, core.Trajectory] = {}
    for n, hp in hps.items():
        try:
            out[n] = run(key, n, freeze(hp), x0, steps, **options)
        except ValueError as err:
            layout.bad_settings(err, optimizer_name(n))
    diverged = {}
    f = objective(key)
    for n, r in out.items():
        at = np.atleast_1d(diverged_at(f, r)).ravel()[0]
        if at >= 0:
            diverged[optimizer_name(n)] = (int(at), largest_stable_lr(key, n, freeze(hps[n]), x0, steps))
    layout.divergence_note(diverged)
    return out


@st.cache_data(max_entries=8, show_spinner=False)
def article_findings(name: str) -> dict:
    """What the article's own run of ``name`` measures (``core.article.findings``), cached."""
    return article.findings(name)
