"""Lesson charts: one quantity against another with measured points on top, and step charts with dashed limits."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from .. import charts


@lru_cache(maxsize=32)
def _xy_spec(
    title: str, x_title: str, y_title: str, log_x: bool, log_y: bool, names: tuple[str, ...], colors: tuple[str, ...]
) -> str:
    scale = alt.Scale(domain=list(names), range=list(colors))
    x = alt.X("x:Q", title=x_title, scale=alt.Scale(type="log") if log_x else alt.Scale(zero=False))
    y = alt.Y("y:Q", title=y_title, scale=alt.Scale(type="log") if log_y else alt.Scale(zero=False))
    base = alt.Chart().encode(
        x=x,
        y=y,
        color=alt.Color("series:N", scale=scale, title=None, legend=alt.Legend(orient="top", columns=2)),
        tooltip=[
            "series:N",
            alt.Tooltip("x:Q", format=".4g", title=x_title),
            alt.Tooltip("y:Q", format=".4g", title=y_title),
        ],
    )
    lines = base.transform_filter(alt.datum.kind == "line").mark_line(strokeWidth=2)
    dots = base.transform_filter(alt.datum.kind == "point").mark_point(size=110, filled=True, opacity=1)
    return charts.chart_spec(alt.layer(lines, dots).properties(title=title))


def xy(
    frame: pd.DataFrame,
    title: str,
    x_title: str,
    y_title: str,
    colors: dict[str, str],
    *,
    log_x: bool = False,
    log_y: bool = False,
    height: int = 320,
) -> charts.Chart:
    """A chart of ``frame`` (columns x, y, series, kind = "line" or "point"); series coloured by ``colors``."""
    names = tuple(colors)
    return charts.Chart(_xy_spec(title, x_title, y_title, log_x, log_y, names, tuple(colors.values())), frame, height)


def lines_with_limits(
    series: dict[str, np.ndarray],
    dashed: tuple[str, ...],
    title: str,
    y_title: str,
    dotted: tuple[str, ...] = (),
    **options: Any,
) -> charts.Chart:
    """``charts.lines`` with the ``dashed`` series (textbook curves, stability limits) drawn dashed, and the
    ``dotted`` ones dotted (a second limit that may lie on the first)."""
    chart = charts.lines(series, title, y_title, **options)
    label = charts.series_label
    return charts.with_dashes(
        chart, tuple(label(n) for n in series), tuple(label(n) for n in dashed), tuple(label(n) for n in dotted)
    )
