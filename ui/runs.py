"""Cached optimizer runs: every page asks here instead of calling ``core.simulate`` directly."""

from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st

import core
from core import article
from core.metrics import diverged_at
from core.run import Run
from core.sweeps import lr_sweep

from . import layout
from .i18n import optimizer_name
from .problem import objective

HyperItems = tuple  # sorted (name, value) pairs: hashable hyperparameters


def freeze(hp: dict[str, Any]) -> HyperItems:
    """Hyperparameters as a hashable, ordered tuple for cache keys."""
    return tuple(sorted(hp.items()))


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def run(spec: Run) -> core.Trajectory:
    """One optimizer run (or ``spec.seeds`` noisy copies in one batch) with its recorded state.

    Raises ``ValueError`` with a user-facing message for invalid hyperparameters.
    """
    f = objective(spec.surface)
    opt = core.get_optimizer(spec.optimizer, **spec.hp)
    start = np.asarray(spec.x0(), dtype=float)
    if spec.noise > 0 and spec.seeds > 1:
        start = np.tile(start, (spec.seeds, 1))
    return core.simulate(
        f,
        opt,
        start,
        spec.steps,
        record_state=start.ndim == 1,
        noise=spec.noise,
        seed=spec.seed,
        schedule=spec.make_schedule(),
        escape=f.escape_radius,
    )


@st.cache_data(max_entries=8, show_spinner=False)
def article_run(name: str) -> core.Trajectory:
    """The article's own run of ``name`` (its starts, conventions and Adam's early stop)."""
    return article.run(name)


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def largest_stable_lr(spec: Run) -> float | None:
    """The largest lr below ``spec``'s (on a log grid of 60 values down to 1e-6 of it) whose run does not diverge
    in its steps (``core.metrics.diverged_at``), from one batched sweep; ``None`` when even the smallest does."""
    f = objective(spec.surface)
    opt = core.get_optimizer(spec.optimizer, **spec.hp)
    lrs = float(np.max(opt.hyperparameters["lr"])) * np.geomspace(1e-6, 1.0, 60, endpoint=False)
    sweep = lr_sweep(f, opt, spec.x0(), spec.steps, lrs, escape=f.escape_radius)
    stable = lrs[sweep.diverged_at < 0]
    return float(stable.max()) if stable.size else None


def run_all(specs: list[Run]) -> dict[str, core.Trajectory]:
    """Run each of ``specs`` (one per optimizer) and report, once, what cannot run or diverged.

    Settings an optimizer refuses are one message each; every diverged run (``diverged_at``, the one
    definition) is named in one note with the step it diverged at and the largest lr that does not diverge.
    """
    out: dict[str, core.Trajectory] = {}
    ran: dict[str, Run] = {}
    for spec in specs:
        try:
            out[spec.optimizer] = run(spec)
            ran[spec.optimizer] = spec
        except ValueError as err:
            layout.bad_settings(err, optimizer_name(spec.optimizer))
    diverged = {}
    for n, r in out.items():
        at = np.atleast_1d(diverged_at(objective(ran[n].surface), r)).ravel()[0]
        if at >= 0:
            diverged[optimizer_name(n)] = (int(at), largest_stable_lr(ran[n]))
    layout.divergence_note(diverged)
    return out


@st.cache_data(max_entries=8, show_spinner=False)
def article_findings(name: str) -> dict:
    """What the article's own run of ``name`` measures (``core.article.findings``), cached."""
    return article.findings(name)
