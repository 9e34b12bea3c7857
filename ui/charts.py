"""Altair chart builders: loss curves, distances, gradient norms, step sizes, schedules.

Each chart's Vega-Lite spec is built by Altair once per shape (title, scale, series) and
cached; a rerun only sends new data with it. Building and validating an Altair chart costs
about 20 ms, which would otherwise be paid for every chart on every rerun.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import lru_cache

import altair as alt
import numpy as np
import pandas as pd

from .theme import color


@dataclass(frozen=True)
class Chart:
    """A cached Vega-Lite spec (built with Altair) plus this rerun's data."""

    spec: str
    data: pd.DataFrame

    def show(self, where) -> None:
        where.vega_lite_chart(self.data, json.loads(self.spec), width="stretch")


def long_frame(series: dict[str, np.ndarray], value: str = "value") -> pd.DataFrame:
    """``{label: values over steps}`` -> a long table (step, series, value), non-finite dropped."""
    frames = []
    for label, values in series.items():
        v = np.asarray(values, dtype=float)
        df = pd.DataFrame({"step": np.arange(len(v)), "series": label, value: v})
        frames.append(df[np.isfinite(df[value])])
    if not frames:
        return pd.DataFrame(columns=["step", "series", value])
    return pd.concat(frames, ignore_index=True)


def _spec(chart: alt.TopLevelMixin) -> str:
    spec = chart.to_dict(validate=False)
    spec.pop("data", None)
    spec.pop("datasets", None)
    return json.dumps(spec)


@lru_cache(maxsize=256)
def _line_spec(title: str, y_title: str, log: bool, names: tuple[str, ...], colors: tuple[str, ...],
               height: int, rule_at: float | None) -> str:
    scale = alt.Scale(domain=list(names), range=list(colors))
    y = alt.Y("value:Q", title=y_title, scale=alt.Scale(type="log") if log else alt.Scale(zero=False))
    hover = alt.selection_point(fields=["step"], nearest=True, on="pointerover", empty=False)
    base = alt.Chart().encode(x=alt.X("step:Q", title="step"), y=y,
                              color=alt.Color("series:N", scale=scale, title=None, legend=alt.Legend(orient="bottom")))
    line = base.mark_line(strokeWidth=2)
    points = base.mark_circle(size=45).encode(
        opacity=alt.condition(hover, alt.value(1), alt.value(0)),
        tooltip=[alt.Tooltip("series:N"), alt.Tooltip("step:Q"), alt.Tooltip("value:Q", format=".4g", title=y_title)],
    ).add_params(hover)
    layers = [line, points]
    if rule_at is not None:
        layers.append(alt.Chart().mark_rule(strokeDash=[4, 4], color="#888").encode(y=alt.datum(rule_at)))
    return _spec(alt.layer(*layers).properties(title=title, height=height))


def lines(series: dict[str, np.ndarray], title: str, y_title: str, *, log: bool = False,
          colors: dict[str, str] | None = None, height: int = 220, rule_at: float | None = None) -> Chart:
    """Line chart of several series over steps with hover tooltips; log y when asked (non-positive values dropped)."""
    df = long_frame(series)
    if log:
        df = df[df["value"] > 0]
    names = tuple(series)
    palette = tuple((colors or {}).get(n) or color(n) for n in names)
    return Chart(_line_spec(title, y_title, log, names, palette, height, rule_at), df)


@lru_cache(maxsize=64)
def _band_spec(title: str, y_title: str, log: bool, names: tuple[str, ...], height: int) -> str:
    scale = alt.Scale(domain=list(names), range=[color(n) for n in names])
    y_scale = alt.Scale(type="log") if log else alt.Scale(zero=False)
    base = alt.Chart().encode(x=alt.X("step:Q", title="step"),
                              color=alt.Color("series:N", scale=scale, title=None, legend=alt.Legend(orient="bottom")))
    area = base.mark_area(opacity=0.18).encode(y=alt.Y("lo:Q", title=y_title, scale=y_scale), y2="hi:Q")
    line = base.mark_line(strokeWidth=2).encode(
        y=alt.Y("median:Q", scale=y_scale),
        tooltip=["series:N", "step:Q", alt.Tooltip("median:Q", format=".4g"),
                 alt.Tooltip("lo:Q", format=".4g", title="10 %"), alt.Tooltip("hi:Q", format=".4g", title="90 %")])
    return _spec(alt.layer(area, line).properties(title=title, height=height))


def band(frame: pd.DataFrame, title: str, y_title: str, *, log: bool = True, height: int = 300) -> Chart:
    """Median line with a 10–90 % band per optimizer; ``frame`` has step, series, median, lo, hi."""
    if log:
        frame = frame[(frame["lo"] > 0) & (frame["median"] > 0)]
    names = tuple(dict.fromkeys(frame["series"]))
    return Chart(_band_spec(title, y_title, log, names, height), frame)


@lru_cache(maxsize=8)
def _schedule_spec(height: int, log: bool) -> str:
    return _spec(alt.Chart().mark_line(color="#4C6EF5", point=alt.OverlayMarkDef(size=12)).encode(
        x=alt.X("update:Q"), y=alt.Y("lr:Q", title="learning rate", scale=alt.Scale(type="log") if log else alt.Scale()),
        tooltip=["update:Q", alt.Tooltip("lr:Q", format=".4g")]).properties(height=height, title="Learning-rate schedule"))


def schedule_chart(lrs: np.ndarray, height: int = 140) -> Chart:
    """Small chart of the learning rate used at each update."""
    v = np.asarray(lrs, dtype=float)
    df = pd.DataFrame({"update": np.arange(1, len(v) + 1), "lr": v})
    return Chart(_schedule_spec(height, False), df)


def copy_spec(chart: Chart) -> dict:
    """The chart's spec as a fresh dict (for tests and custom tweaks)."""
    return copy.deepcopy(json.loads(chart.spec))
