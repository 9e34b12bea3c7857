"""Altair chart builders: loss curves, distances, gradient norms, step sizes, schedules.

Each chart's Vega-Lite spec is built by Altair once per shape (title, scale, series) and
cached; a rerun only sends new data with it. Building and validating an Altair chart costs
about 20 ms, which would otherwise be paid for every chart on every rerun.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from functools import lru_cache

import altair as alt
import numpy as np
import pandas as pd

import core

from . import present
from .i18n import _, language, optimizer_name
from .theme import color, dash


@dataclass(frozen=True)
class Chart:
    """A cached Vega-Lite spec (built with Altair) plus this rerun's data."""

    spec: str
    data: pd.DataFrame
    height: int = 280  # as asked for the chart: the plot gets this less its title and x axis

    def show(self, where) -> None:
        data = thin(self.data)
        spec = with_data(self.spec, data)
        if f'"name": "{HOVER_DATA}"' in self.spec:
            spec["datasets"][HOVER_DATA] = every_kth(data, HOVER_POINTS)
        scale = present.scale()
        spec = scaled_text(spec, scale.chart_text)
        # The plot gets its own height and the width of the column; title, axes and legend are added
        # around it ("fit-x"), so a long legend makes the chart taller instead of squashing the plot.
        spec["autosize"] = {"type": "fit-x", "contains": "padding"}
        spec["height"] = max(round(self.plot_height * scale.chart_plot), 80)
        where.vega_lite_chart(spec=spec, width="stretch")

    @property
    def plot_height(self) -> int:
        """Pixels of the plot itself (the legend, below it, adds its own rows)."""
        return max(self.height - TITLE_AND_AXES, 80)


# Legends go below the plot, LEGEND_COLUMNS entries per row, laid out around the plot (which keeps at
# least MIN_PLOT px), so a long legend makes a chart taller and never squashes it.
LEGEND_COLUMNS = 1  # one entry per row: a narrow column (a third of a laptop screen) never clips a name
TITLE_AND_AXES = 70  # px of a chart's height taken by its title and its x axis
MIN_PLOT = 200


def legend(n: int) -> alt.Legend | None:
    """A fixed-size legend below the plot for ``n`` series (none for a single series)."""
    if n < 2:
        return None
    # Opaque swatches: a band layer (opacity 0.18) would otherwise make them vanish on a dark page.
    # Strokes, not circles: a dashed optimizer's entry shows its dash (a dashed circle reads as a blot).
    return alt.Legend(
        orient="bottom",
        title=None,
        columns=min(n, LEGEND_COLUMNS),
        labelLimit=LABEL_LIMIT,
        symbolOpacity=1,
        symbolType="stroke",
        symbolStrokeWidth=2.5,
        symbolSize=400,
    )


LABEL_LIMIT = 260  # px of a legend label: a laptop's half column, so "2/η（梯度下降的稳定性上限）" is not cut
TITLE_WIDTH = 40  # a chart title's line, in widths of a Latin letter (a CJK character counts two)


def wrapped(title: str, width: int = TITLE_WIDTH) -> str | list[str]:
    """``title`` as lines of at most about ``width`` Latin letters (Vega-Lite draws a list as lines), broken at
    spaces (or anywhere in CJK text), so a long title wraps instead of being cut with "…" in a half column.
    The chart's ``description`` (its accessible name) keeps the title in one piece."""

    def size(text: str) -> int:
        return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)

    if size(title) <= width:
        return title
    lines, line = [], ""
    for word in title.replace("（", " （").split(" "):
        parts = [word] if size(word) <= width else list(word)  # a long CJK run breaks between characters
        for i, part in enumerate(parts):
            glue = "" if not line or i > 0 or part.startswith("（") else " "
            if line and size(line + glue + part) > width:
                lines.append(line)
                line = part
            else:
                line += glue + part
    lines.append(line)
    return [ln.strip() for ln in lines if ln.strip()]


def height_with_legend(height: int, n: int) -> int:
    """The height to ask for a chart of ``n`` series: with a legend, enough for ``MIN_PLOT`` px of plot."""
    return max(height, MIN_PLOT + TITLE_AND_AXES) if n >= 2 else height


# Streamlit's theme sizes for a chart's text (px at the default 16 px root), used when a spec sets none.
THEME_TEXT = {
    "axis": {"labelFontSize": 12, "titleFontSize": 14, "labelLimit": 100},
    "legend": {"labelFontSize": 14, "titleFontSize": 14, "symbolSize": 100},
    "title": {"fontSize": 16},
}


def scaled_text(spec: dict, factor: float) -> dict:
    """``spec`` with its text ``factor`` times Streamlit's theme sizes, and as much more room for labels.

    Applied when a chart is shown, not in the cached specs: one spec serves the screen and the projector.
    """
    if factor == 1:
        return spec
    config = spec.setdefault("config", {})
    symbol = config.get("legend", {}).get("symbolSize", THEME_TEXT["legend"]["symbolSize"])
    for part, sizes in THEME_TEXT.items():
        config[part] = {**config.get(part, {}), **{k: round(v * factor) for k, v in sizes.items()}}
    config["legend"]["symbolSize"] = round(symbol * factor**2)  # an area

    def widen(node: object) -> None:  # a legend's own labelLimit (see ``legend``) outranks the config's
        if isinstance(node, dict):
            if isinstance(node.get("legend"), dict) and "labelLimit" in node["legend"]:
                node["legend"]["labelLimit"] = round(node["legend"]["labelLimit"] * factor)
            for value in node.values():
                widen(value)
        elif isinstance(node, list):
            for value in node:
                widen(value)

    widen({k: v for k, v in spec.items() if k != "datasets"})
    return spec


HOVER_DATA = "hover"  # the dataset a line chart's hover targets are drawn from
HOVER_POINTS = 150  # hover targets per series: Vega indexes each one (2,400 took it about a second)
HOVER_SIZE = 70  # px² of a hover target: wide enough to catch a pointer resting on the line
MAX_POINTS = 600  # rows per series a chart is sent: more than a column of a laptop screen has pixels


def _positions(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each row's position within its series, and its series' length."""
    series = frame.groupby("series", sort=False, observed=True)
    return series.cumcount().to_numpy(), series["step"].transform("size").to_numpy()


def thin(frame: pd.DataFrame, max_points: int = MAX_POINTS) -> pd.DataFrame:
    """``frame`` with at most about ``max_points`` rows per series, keeping each stretch of steps' extremes.

    A long run (3,000 steps, four series) would otherwise send every point to the browser, which draws
    and indexes them all for hovering before the page is done. The steps are cut into stretches of
    equal length; in each, the rows holding the smallest and the largest value of every numeric column
    are kept, so an oscillation keeps its envelope where taking every k-th step would alias it away.
    Frames without ``step`` and ``series`` columns, and short series, are returned as they are.
    """
    if not {"step", "series"} <= set(frame.columns) or frame.empty:
        return frame
    frame = frame.reset_index(drop=True).astype({"series": "category"})  # each name sent once, not once a row
    values = [c for c in frame.select_dtypes("number").columns if c != "step"]
    position, length = _positions(frame)
    if length.max() <= max_points or not values:
        return frame
    # Stretches of 2·columns·length/(max_points − 2) steps: their extremes and the two ends stay within max_points.
    stretch = np.where(length > max_points, -(-2 * len(values) * length // (max_points - 2)), 1)
    keep = (position == 0) | (position == length - 1) | (length <= max_points)
    groups = frame[values].groupby([frame["series"], position // stretch], sort=False, observed=True)
    for extreme in (groups.idxmin(), groups.idxmax()):
        rows = extreme.to_numpy(dtype=float).ravel()
        keep[rows[np.isfinite(rows)].astype(int)] = True
    return frame[keep]


def every_kth(frame: pd.DataFrame, count: int) -> pd.DataFrame:
    """About ``count`` evenly spaced rows of each series of ``frame`` (its last row too), for hover targets."""
    if frame.empty:
        return frame
    position, length = _positions(frame)
    stride = -(-length // count)
    return frame[(position % stride == 0) | (position == length - 1)]


def with_data(spec: str, data: pd.DataFrame) -> dict:
    """The cached spec with ``data`` attached as its named dataset (how Altair hands data to Streamlit)."""
    out = json.loads(spec)
    out["data"] = {"name": "values"}
    out["datasets"] = {**out.get("datasets", {}), "values": data}
    return out


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


def series_label(name: str) -> str:
    """An optimizer's display name for legends and tooltips (``i18n.optimizer_name``); any other series name
    (x, GD theory…) as it is."""
    return optimizer_name(name) if name in core.SPECS or name in core.NETWORK_OPTIMIZERS else name


def chart_spec(chart: alt.TopLevelMixin) -> str:
    """Altair's spec with its data slots emptied: layers read the top-level dataset given at show time."""
    spec = chart.to_dict(validate=False)
    spec.pop("data", None)
    datasets = {k: v for k, v in spec.pop("datasets", {}).items() if k != "empty"}
    if datasets:
        spec["datasets"] = datasets
    for layer in spec.get("layer", []):
        if layer.get("data") == {"name": "empty"}:
            if "field" in json.dumps(layer.get("encoding", {})):
                del layer["data"]
            else:
                layer["data"] = {"values": [{}]}  # a layer drawn from constants only (rules, markers)
    return json.dumps(spec)


PLAIN_RANGE = (1e-4, 1e5)  # a log axis within this range is labelled 0.001 … 30000, else 1e-8 … 1e2
DECADES = 2  # a log axis over at least this many powers of ten labels the powers of ten alone


def log_labels(values: pd.Series | np.ndarray) -> str:
    """How a log axis over ``values`` is labelled, one format for the whole axis: "plain" or "exp" (exponents),
    with "-decades" when only the powers of ten are labelled."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if not len(v):
        return "plain"
    kind = "plain" if PLAIN_RANGE[0] <= v.min() and v.max() < PLAIN_RANGE[1] else "exp"
    return kind + "-decades" if np.log10(v.max() / v.min()) >= DECADES else kind


def y_axis(field: str, title: str, log: str) -> alt.Y:
    """The y encoding: linear (``log`` empty) or log with every label in one format (``log_labels``); Vega's
    own mixes "0.000001" with "1e-8" on one axis, and labels ticks such as 0.009 beside 0.08."""
    if not log:
        return alt.Y(field, title=title, scale=alt.Scale(zero=False))
    text = "replace(format(datum.value, '~e'), 'e+', 'e')" if log.startswith("exp") else "format(datum.value, '~g')"
    if log.endswith("-decades"):
        power = "log(datum.value) / LN10"
        text = f"abs({power} - round({power})) < 1e-6 ? {text} : ''"
    return alt.Y(field, title=title, scale=alt.Scale(type="log"), axis=alt.Axis(labelExpr=text))


@lru_cache(maxsize=256)
def _line_spec(
    title: str,
    y_title: str,
    log: str,
    names: tuple[str, ...],
    colors: tuple[str, ...],
    dashes: tuple[tuple[float, ...], ...],
    rule_at: float | None,
    lang: str,
) -> str:
    scale = alt.Scale(domain=list(names), range=list(colors))
    y = y_axis("value:Q", y_title, log)
    # The pointer over a point lights up every series' point at that step. Not ``nearest``: its Voronoi
    # costs a fresh tab about 300 ms per chart to build, and every pointer move another search.
    hover = alt.selection_point(fields=["step"], on="pointerover", empty=False)
    base = alt.Chart().encode(
        x=alt.X("step:Q", title=_("step")),
        y=y,
        color=alt.Color("series:N", scale=scale, title=None, legend=legend(len(names))),
    )
    line = base.mark_line(strokeWidth=2).encode(strokeDash=stroke_dash(names, dashes))
    points = (
        base.mark_circle(size=HOVER_SIZE)
        .encode(
            opacity=alt.condition(hover, alt.value(1), alt.value(0)),
            tooltip=[
                alt.Tooltip("series:N", title=_("series")),
                alt.Tooltip("step:Q", title=_("step")),
                alt.Tooltip("value:Q", format=".4g", title=y_title),
            ],
        )
        .add_params(hover)
        .properties(data=alt.NamedData(name=HOVER_DATA))
    )
    layers: list = [line, points]
    if rule_at is not None:
        layers.append(alt.Chart().mark_rule(strokeDash=[4, 4], color="#888").encode(y=alt.datum(rule_at)))
    return chart_spec(alt.layer(*layers).properties(title=wrapped(title), description=title))


def stroke_dash(names: tuple[str, ...], dashes: tuple[tuple[float, ...], ...]) -> alt.StrokeDash:
    """Each series' dash (``theme.dash``), in the colour legend: optimizers whose lines overlap stay apart."""
    return alt.StrokeDash(
        "series:N",
        scale=alt.Scale(domain=list(names), range=[list(d) for d in dashes]),
        title=None,
        legend=legend(len(names)),
    )


def lines(
    series: dict[str, np.ndarray],
    title: str,
    y_title: str,
    *,
    log: bool = False,
    colors: dict[str, str] | None = None,
    dashes: dict[str, list[float]] | None = None,
    height: int = 280,
    rule_at: float | None = None,
) -> Chart:
    """Line chart of several series over steps with hover tooltips; log y when asked (non-positive values dropped).

    Optimizer ids among the keys of ``series`` are shown by display name, each in its own colour and dash
    (``colors`` and ``dashes`` give those of other keys, such as display names).
    """
    df = long_frame({series_label(n): v for n, v in series.items()})
    if log:
        df = df[df["value"] > 0]
    names = tuple(series_label(n) for n in series)
    palette = tuple((colors or {}).get(n) or color(n) for n in series)
    dash_of = tuple(tuple((dashes or {}).get(n) or dash(n)) for n in series)
    return Chart(
        _line_spec(
            title, y_title, log_labels(df["value"]) if log else "", names, palette, dash_of, rule_at, language()
        ),
        df,
        height_with_legend(height, len(names)),
    )


@lru_cache(maxsize=64)
def _band_spec(
    title: str,
    y_title: str,
    log: str,
    names: tuple[str, ...],
    colors: tuple[str, ...],
    dashes: tuple[tuple[float, ...], ...],
    lang: str,
) -> str:
    scale = alt.Scale(domain=list(names), range=list(colors))
    y_scale = alt.Scale(type="log") if log else alt.Scale(zero=False)
    y_band = y_axis("lo:Q", y_title, log)
    base = alt.Chart().encode(
        x=alt.X("step:Q", title=_("step")),
        color=alt.Color("series:N", scale=scale, title=None, legend=legend(len(names))),
    )
    area = base.mark_area(opacity=0.18).encode(y=y_band, y2="hi:Q")
    line = base.mark_line(strokeWidth=2).encode(
        y=alt.Y("median:Q", scale=y_scale),
        strokeDash=stroke_dash(names, dashes),
        tooltip=[
            alt.Tooltip("series:N", title=_("series")),
            alt.Tooltip("step:Q", title=_("step")),
            alt.Tooltip("median:Q", format=".4g", title=_("median")),
            alt.Tooltip("lo:Q", format=".4g", title="10 %"),
            alt.Tooltip("hi:Q", format=".4g", title="90 %"),
        ],
    )
    return chart_spec(alt.layer(area, line).properties(title=wrapped(title), description=title))


def band(frame: pd.DataFrame, title: str, y_title: str, *, log: bool = True, height: int = 320) -> Chart:
    """Median line with a 10–90 % band per optimizer; ``frame`` has step, series (optimizer ids), median, lo, hi."""
    if log:
        frame = frame[(frame["lo"] > 0) & (frame["median"] > 0)]
    ids = tuple(dict.fromkeys(frame["series"]))
    frame = frame.assign(series=frame["series"].map(series_label))
    spec = _band_spec(
        title,
        y_title,
        log_labels(pd.concat([frame["lo"], frame["hi"]])) if log else "",
        tuple(series_label(n) for n in ids),
        tuple(color(n) for n in ids),
        tuple(tuple(dash(n)) for n in ids),
        language(),
    )
    return Chart(spec, frame, height_with_legend(height, len(ids)))


@lru_cache(maxsize=8)
def _schedule_spec(lang: str) -> str:
    return chart_spec(
        alt.Chart()
        .mark_line(color="#4C6EF5", point=alt.OverlayMarkDef(size=12))
        .encode(
            x=alt.X("update:Q", title=_("update")),
            y=alt.Y("lr:Q", title=_("learning rate")),
            tooltip=[alt.Tooltip("update:Q", title=_("update")), alt.Tooltip("lr:Q", format=".4g")],
        )
        .properties(title=_("Learning-rate schedule"))
    )


def schedule_chart(lrs: np.ndarray, height: int = 200) -> Chart:
    """Small chart of the learning rate used at each update."""
    v = np.asarray(lrs, dtype=float)
    df = pd.DataFrame({"update": np.arange(1, len(v) + 1), "lr": v})
    return Chart(_schedule_spec(language()), df, height)


DASHED = [6, 4]  # a theoretical curve or a limit beside the measured one
DOTTED = [2, 3]  # a second limit near the first (Lesson 3: 2/η = 40 beside Adam's 38)


def with_dashes(chart: Chart, names: tuple[str, ...], dashed: tuple[str, ...], dotted: tuple[str, ...] = ()) -> Chart:
    """``chart`` (from ``lines``) with the ``dashed`` series drawn dashed, such as a theoretical rate beside
    the measured one, and the ``dotted`` ones dotted, so two limits that nearly coincide both show (no extra
    legend)."""
    return dataclasses.replace(chart, spec=_dashed_spec(chart.spec, names, dashed, dotted))


@lru_cache(maxsize=64)
def _dashed_spec(spec: str, names: tuple[str, ...], dashed: tuple[str, ...], dotted: tuple[str, ...] = ()) -> str:
    d = json.loads(spec)

    def pattern(n: str) -> list[int]:
        return DOTTED if n in dotted else DASHED if n in dashed else [1, 0]

    dash = {
        "field": "series",
        "type": "nominal",
        "legend": None,
        "scale": {"domain": list(names), "range": [pattern(n) for n in names]},
    }
    for layer in d.get("layer", []):
        mark = layer.get("mark")
        if (mark.get("type") if isinstance(mark, dict) else mark) == "line":
            layer.setdefault("encoding", {})["strokeDash"] = dash
    # Legend entries as strokes, dashed like their lines (a dashed circle would read as a blot).
    d.setdefault("config", {}).setdefault("legend", {}).update(
        symbolType="stroke", symbolStrokeWidth=2.5, symbolSize=500
    )
    dashes = {
        "signal": f"indexof({json.dumps(list(dotted))}, datum.value) >= 0 ? [2, 3] : "
        f"indexof({json.dumps(list(dashed))}, datum.value) >= 0 ? [5, 3] : [1, 0]"
    }
    for layer in d.get("layer", []):
        colour = layer.get("encoding", {}).get("color", {})
        if colour.get("legend"):
            colour["legend"]["encode"] = {"symbols": {"update": {"strokeDash": dashes}}}
    return json.dumps(d)


def with_notes(chart: Chart, notes: tuple[tuple[str, int, str, int], ...]) -> Chart:
    """``chart`` (from ``lines``) with a short text at points of its series: (series, step, text, dy in px),
    right-aligned at that point, such as each of two limits that nearly coincide named at the end of its line."""
    return dataclasses.replace(chart, spec=_notes_spec(chart.spec, notes))


@lru_cache(maxsize=64)
def _notes_spec(spec: str, notes: tuple[tuple[str, int, str, int], ...]) -> str:
    d = json.loads(spec)
    for series, step, text, dy in notes:
        d["layer"].append(
            {
                "mark": {"type": "text", "align": "right", "dy": dy, "fontSize": 12, "color": "#808495"},
                "transform": [{"filter": f"datum.series == {json.dumps(series)} && datum.step == {step}"}],
                "encoding": {
                    "x": {"field": "step", "type": "quantitative"},
                    "y": {"field": "value", "type": "quantitative"},
                    "text": {"value": text},
                },
            }
        )
    return json.dumps(d)


def all_positive(series: dict[str, np.ndarray] | np.ndarray) -> bool:
    """Whether every finite value is above zero, so that a log axis can show all of them."""
    arrays = series.values() if isinstance(series, dict) else [series]
    with np.errstate(invalid="ignore"):
        return all(bool(np.all(np.asarray(v)[np.isfinite(v)] > 0)) for v in arrays)


def curves(
    series: dict[str, tuple[np.ndarray, np.ndarray]],
    title: str,
    y_title: str,
    *,
    colors: dict[str, str],
    height: int = 280,
    rule_at: float | None = None,
) -> Chart:
    """Like ``lines``, for series recorded at their own steps: ``{label: (steps, values)}``."""
    frames = [
        pd.DataFrame({"step": np.asarray(s, dtype=float), "series": label, "value": np.asarray(v, dtype=float)})
        for label, (s, v) in series.items()
    ]
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["step", "series", "value"])
    df = df[np.isfinite(df["value"])]
    names = tuple(series)
    palette = tuple(colors[n] for n in names)
    return Chart(
        _line_spec(title, y_title, "", names, palette, tuple((1.0, 0.0) for _ in names), rule_at, language()),
        df,
        height_with_legend(height, len(names)),
    )


SIGNAL_GAP = 7.0  # vertical distance between two classes' rows in ``signals`` (a signal spans about ±3)


@lru_cache(maxsize=16)
def _signals_spec(title: str, x_title: str, classes: int, lang: str) -> str:
    ticks = [-SIGNAL_GAP * k for k in range(classes)]
    chart = (
        alt.Chart()
        .mark_line(strokeWidth=1.3, opacity=0.8)
        .encode(
            x=alt.X("sample:Q", title=x_title, scale=alt.Scale(nice=False)),
            y=alt.Y(
                "shifted:Q",
                title=_("class"),
                axis=alt.Axis(values=ticks, labelExpr=f"format(-datum.value / {SIGNAL_GAP:g}, 'd')", grid=False),
                scale=alt.Scale(nice=False),
            ),
            color=alt.Color("class:N", legend=None, scale=alt.Scale(scheme="tableau10")),
            detail="signal:N",
            tooltip=[alt.Tooltip("class:N", title=_("class")), alt.Tooltip("value:Q", format=".3g")],
        )
        .properties(title=title)
    )
    return chart_spec(chart)


def signals(x: np.ndarray, y: np.ndarray, per_class: int, title: str, x_title: str, height: int = 520) -> Chart:
    """The first ``per_class`` signals (rows of ``x``) of every class of ``y``, one row of lines per class
    (class k drawn ``SIGNAL_GAP`` × k below class 0), coloured by class."""
    classes = int(y.max()) + 1
    picked = np.concatenate([np.flatnonzero(y == k)[:per_class] for k in range(classes)])
    rows, length = len(picked), x.shape[1]
    df = pd.DataFrame(
        {
            "sample": np.tile(np.arange(length), rows),
            "value": x[picked].ravel(),
            "class": np.repeat(y[picked], length).astype(str),
            "signal": np.repeat(picked, length),
        }
    )
    df["shifted"] = df["value"] - SIGNAL_GAP * df["class"].astype(int)
    return Chart(_signals_spec(title, x_title, classes, language()), df, height)
