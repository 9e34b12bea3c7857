"""Which landscape a page shows (a ``core.run.Landscape`` or ``Formula``), and the cached objects built from it."""

from __future__ import annotations

import numpy as np
import streamlit as st

import core
from core.run import CUSTOM, Formula, Landscape, Surface

__all__ = ["CUSTOM", "Formula", "Landscape", "Surface", "grid", "objective"]


@st.cache_resource(max_entries=64, show_spinner=False)
def objective(surface: Surface) -> core.Objective:
    """The ``Objective`` of ``surface`` (custom formulas raise ``FormulaError``, a ``ValueError``)."""
    return surface.objective()


@st.cache_data(max_entries=64, show_spinner=False)
def grid(surface: Surface, n: int = 160, box: tuple | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(X, Y, Z)`` of f on an ``n`` x ``n`` grid over the function's box (or ``box``)."""
    f = objective(surface)
    xmin, xmax, ymin, ymax = box or f.box
    X, Y = np.meshgrid(np.linspace(xmin, xmax, n), np.linspace(ymin, ymax, n))
    with np.errstate(all="ignore"):
        Z = f.value_xy(X, Y)
    return X, Y, Z
