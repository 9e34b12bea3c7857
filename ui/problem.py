"""Which landscape a page shows: a hashable key, and the cached objects built from it.

A key is a plain tuple so it can travel in the URL and key Streamlit's caches:
``("quadratic",)``, ``("conditioned_quadratic", kappa, angle)`` or ``("custom", text, box)``.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

import core

FunctionKey = tuple
CUSTOM = "custom"


@st.cache_resource(max_entries=64, show_spinner=False)
def objective(key: FunctionKey) -> core.Objective:
    """The ``Objective`` for ``key`` (custom formulas raise ``FormulaError``, a ``ValueError``)."""
    name = key[0]
    if name == CUSTOM:
        from core.formula import parse_formula

        return parse_formula(key[1], tuple(key[2]))
    if name == "conditioned_quadratic":
        return core.get_function(name, condition=key[1], angle=key[2])
    return core.get_function(name)


@st.cache_data(max_entries=64, show_spinner=False)
def grid(key: FunctionKey, n: int = 160, box: tuple | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(X, Y, Z)`` of f on an ``n`` x ``n`` grid over the function's box (or ``box``)."""
    f = objective(key)
    xmin, xmax, ymin, ymax = box or f.box
    X, Y = np.meshgrid(np.linspace(xmin, xmax, n), np.linspace(ymin, ymax, n))
    with np.errstate(all="ignore"):
        Z = f.value_xy(X, Y)
    return X, Y, Z
