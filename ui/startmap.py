"""Click on a small map of the landscape to choose the start point."""

from __future__ import annotations

from functools import lru_cache

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from . import problem
from .charts import chart_spec, with_data
from .plots import shade
from .state import PageState

CELLS = 36


@st.cache_data(max_entries=32, show_spinner=False)
def _cells(key: problem.Surface) -> pd.DataFrame:
    """Cell centres, edges and shaded values of a coarse grid over the box."""
    f = problem.objective(key)
    xmin, xmax, ymin, ymax = f.box
    xs = np.linspace(xmin, xmax, CELLS + 1)
    ys = np.linspace(ymin, ymax, CELLS + 1)
    cx, cy = (xs[:-1] + xs[1:]) / 2, (ys[:-1] + ys[1:]) / 2
    X, Y = np.meshgrid(cx, cy)
    X1, Y1 = np.meshgrid(xs[:-1], ys[:-1])
    X2, Y2 = np.meshgrid(xs[1:], ys[1:])
    with np.errstate(all="ignore"):
        W, _ = shade(f, f.value_xy(X, Y), False)
    return pd.DataFrame(
        {
            "x": X.ravel(),
            "y": Y.ravel(),
            "x1": X1.ravel(),
            "x2": X2.ravel(),
            "y1": Y1.ravel(),
            "y2": Y2.ravel(),
            "shade": np.nan_to_num(W.ravel(), nan=0.0),
        }
    )


@lru_cache(maxsize=64)
def _spec(x0: float, y0: float) -> str:
    pick = alt.selection_point(name="start", on="click", fields=["x", "y"], nearest=True, empty=False)
    cells = (
        alt.Chart()
        .mark_rect(stroke=None)
        .encode(
            x=alt.X("x1:Q", title="x", axis=alt.Axis(grid=False)),
            x2="x2:Q",
            y=alt.Y("y1:Q", title="y", axis=alt.Axis(grid=False)),
            y2="y2:Q",
            color=alt.Color("shade:Q", scale=alt.Scale(scheme="viridis"), legend=None),
            tooltip=[alt.Tooltip("x:Q", format=".2f"), alt.Tooltip("y:Q", format=".2f")],
        )
        .add_params(pick)
    )
    here = (
        alt.Chart()
        .mark_point(shape="circle", size=120, color="white", strokeWidth=3)
        .encode(x=alt.datum(x0), y=alt.datum(y0))
    )
    return chart_spec(alt.layer(cells, here))


def start_map(ps: PageState, key: problem.Surface, x0: float, y0: float) -> None:
    """A clickable heat map; a click moves the start sliders to the clicked cell."""
    chart_key = ps.key("startmap")
    st.vega_lite_chart(
        spec=with_data(_spec(x0, y0), _cells(key)),
        on_select=lambda: _apply(ps, chart_key),
        selection_mode="start",
        key=chart_key,
        width="stretch",
        height=230,
    )


def _apply(ps: PageState, chart_key: str) -> None:
    """Selection callback: copy the clicked point into the start sliders."""
    try:
        point = st.session_state[chart_key]["selection"]["start"][0]
        x, y = float(point["x"]), float(point["y"])
    except (KeyError, IndexError, TypeError, ValueError):
        return
    if np.isfinite(x) and np.isfinite(y):
        st.session_state[ps.key("x0")] = round(x, 2)
        st.session_state[ps.key("y0")] = round(y, 2)
