"""Cached optimizer runs: every page asks here instead of calling ``core.simulate`` directly."""
from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st

import core
from core import article

from .problem import FunctionKey, objective

HyperItems = tuple  # sorted (name, value) pairs: hashable hyperparameters


def freeze(hp: dict[str, Any]) -> HyperItems:
    """Hyperparameters as a hashable, ordered tuple for cache keys."""
    return tuple(sorted(hp.items()))


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def run(key: FunctionKey, name: str, hp: HyperItems, x0: tuple[float, float], steps: int,
        noise: float = 0.0, seeds: int = 1, seed: int = 0, schedule: tuple | None = None) -> core.Trajectory:
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
    return core.simulate(f, opt, start, steps, record_state=start.ndim == 1, noise=noise, seed=seed,
                         schedule=sched, escape=f.escape_radius)


@st.cache_data(max_entries=8, show_spinner=False)
def article_run(name: str) -> core.Trajectory:
    """The article's own run of ``name`` (its starts, conventions and Adam's early stop)."""
    return article.run(name)


@st.cache_data(max_entries=8, show_spinner=False)
def article_findings(name: str) -> dict:
    """What the article's own run of ``name`` measures (``core.article.findings``), cached."""
    return article.findings(name)
