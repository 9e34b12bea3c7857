"""Widgets generated from core's metadata, each bound to the URL through a ``PageState``."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import streamlit as st

import core
from core.defaults import demo_hyperparameters, landscape_hyperparameters, suggest_lr
from core.hyper import Hyper

from . import layout
from . import state as s
from .i18n import _, optimizer_name
from .problem import CUSTOM, Formula, Landscape, Surface, objective
from .state import PageState

MAX_STEPS = 500
EXTRA_DEFAULTS = {"sched": "constant", "noise": 0.0}  # the "Schedule and gradient noise" section's settings
PERSIST = "page"  # a control hidden for a run (an invalid formula) keeps its value
_MANTISSAS = (1, 1.5, 2, 3, 4, 5, 6, 8)


def log_options(lo: float, hi: float, extra: tuple[float, ...] = ()) -> list[float]:
    """Round values spaced evenly on a log axis between ``lo`` and ``hi`` (plus ``extra``)."""
    values = set(v for v in extra if lo <= v <= hi and v > 0)
    for k in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1):
        for m in _MANTISSAS:
            v = float(f"{m}e{k}")
            if lo * (1 - 1e-12) <= v <= hi * (1 + 1e-12):
                values.add(v)
    return sorted(values)


def _decimals(v: float) -> int:
    for d in range(0, 5):
        if abs(round(v, d) - v) < 1e-12:
            return d
    return 4


def _linear_step(*values: float) -> float:
    return 10.0 ** -max(2, *(_decimals(v) for v in values))


def number(
    ps: PageState,
    name: str,
    label: str,
    lo: float,
    hi: float,
    default: float,
    *,
    log: bool = False,
    help: str | None = None,
    where=st,
    on_change=None,
) -> float:
    """A float slider (log-spaced values when ``log``) bound to URL parameter ``name``.

    A log slider takes any value in [lo, hi] from the link or from the number box beside it
    (``free_box``): the value joins the slider's round steps.
    """
    if log:
        key = ps.init(name, default, s.parse_float(lo, hi))
        options = log_options(lo, hi, (default, float(st.session_state[key])))
        value = where.select_slider(
            label,
            options=options,
            key=key,
            help=help,
            format_func=lambda v: f"{v:g}",
            on_change=on_change,
            persist_state=PERSIST,
        )
    else:
        step = _linear_step(lo, hi, default)
        key = ps.init(name, default, s.on_grid(lo, step)(s.parse_float(lo, hi)))
        value = where.slider(
            label,
            min_value=float(lo),
            max_value=float(hi),
            step=step,
            key=key,
            help=help,
            format=f"%.{_decimals(step)}f",
            on_change=on_change,
            persist_state=PERSIST,
        )
        value = round(float(value), _decimals(step))
    ps.publish(name, value)
    return float(value)


def number_box(ps: PageState, name: str, label: str, lo: float, hi: float, default: float, where=st) -> float:
    """A number box (not a slider), so values set by a button land exactly; bound to URL parameter ``name``."""
    key = ps.init(name, default, s.parse_float(lo, hi))
    value = float(
        where.number_input(label, min_value=lo, max_value=hi, step=0.01, format="%.6g", key=key, persist_state=PERSIST)
    )
    ps.publish(name, value)
    return value


def integer(
    ps: PageState,
    name: str,
    label: str,
    lo: int,
    hi: int,
    default: int,
    help: str | None = None,
    where=st,
    on_change=None,
) -> int:
    key = ps.init(name, default, s.parse_int(lo, hi))
    value = int(
        where.slider(label, min_value=lo, max_value=hi, key=key, help=help, on_change=on_change, persist_state=PERSIST)
    )
    ps.publish(name, value)
    return value


def toggle(
    ps: PageState, name: str, label: str, default: bool, help: str | None = None, where=st, on_change=None
) -> bool:
    key = ps.init(name, default, s.parse_bool)
    value = bool(where.toggle(label, key=key, help=help, on_change=on_change, persist_state=PERSIST))
    ps.publish(name, value)
    return value


def choice(
    ps: PageState,
    name: str,
    label: str,
    options: list[str],
    default: str,
    labels: dict | None = None,
    where=st,
    on_change=None,
    help: str | None = None,
) -> str:
    key = ps.init(name, default, s.parse_choice(options))
    fmt = (lambda o: labels.get(o, o)) if labels else str
    value = where.selectbox(
        label, options, key=key, format_func=fmt, on_change=on_change, help=help, persist_state=PERSIST
    )
    ps.publish(name, value)
    return value


def hyperparameters(
    ps: PageState, spec: core.OptimizerSpec, landscape: Surface, prefix: str = "", where=st, more: bool = False
) -> dict[str, Any]:
    """One control per hyperparameter of ``spec``, starting from values that suit ``landscape``.

    With ``more``, the ones a tuning search leaves alone (ε, weight decay, switches) go into a
    "More options" section under the others (``section``).
    """
    defaults = starting_hyperparameters(landscape, spec.name)
    if not more:
        return params(ps, spec.hypers, defaults, prefix, where, follows_landscape=True)
    main = where.container()
    rest = tuple(h for h in spec.hypers if not h.tunable)
    box = section(ps, prefix + "more", _("More options"), url_defaults(rest, defaults, prefix), where)
    out = params(ps, tuple(h for h in spec.hypers if h.tunable), defaults, prefix, main, follows_landscape=True)
    out |= params(ps, rest, defaults, prefix, box, follows_landscape=True)
    return {h.name: out[h.name] for h in spec.hypers if h.name in out}


def section(ps: PageState, name: str, label: str, defaults: dict[str, Any], where=st, icon: str | None = None) -> Any:
    """A folded group of settings most runs leave alone; ``defaults`` maps their URL names to default values.

    It starts open when one of them has another value (from the link or earlier in the session),
    so nothing set is hidden. Closed, its controls are not drawn (a fresh tab has less to lay out):
    the caller gets a ``Folded`` stand-in, and the settings keep their values all the same.
    """
    key = ps.key(name + "#open")
    if key not in st.session_state:
        st.session_state[key] = any(_differs(ps, n, d) for n, d in defaults.items())
    box = where.expander(label, key=key, on_change="rerun", icon=icon)
    return box if box.open else Folded()


def hyper_section(ps: PageState, spec: core.OptimizerSpec, start: dict[str, Any], where=st) -> Any:
    """``section`` for one optimizer's hyperparameters (URL names ``<name>.…``, starting from ``start``),
    labelled with its name: pages that list several optimizers fold each one."""
    prefix = f"{spec.name}."
    return section(ps, prefix + "hp", optimizer_name(spec.name), url_defaults(spec.hypers, start, prefix), where)


class Folded:
    """Where a closed section's controls go: each returns its current value, kept in the session (the
    widgets persist their state) or first set from the link by ``PageState.init``, and draws nothing."""

    def _value(self, *args: Any, key: str, **kwargs: Any) -> Any:
        return st.session_state[key]

    slider = select_slider = toggle = selectbox = number_input = multiselect = _value

    def button(self, *args: Any, **kwargs: Any) -> bool:
        return False

    def _nothing(self, *args: Any, **kwargs: Any) -> None:
        return None

    latex = caption = markdown = _nothing

    def container(self) -> Folded:
        return self


def url_defaults(hypers: tuple[Hyper, ...], defaults: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """URL name -> default value (a choice's token) of every control ``params`` draws for ``hypers``."""
    out: dict[str, Any] = {}
    for h in hypers:
        d = defaults.get(h.name, h.default)
        if not h.shown or d is None:
            continue
        url = prefix + h.url_name
        if h.kind == "choice":
            out[url] = h.token(d)
        elif h.kind == "pair":
            out |= {url + str(i): d[i] for i in range(len(d))}
        else:
            out[url] = d
    return out


def _differs(ps: PageState, name: str, default: Any) -> bool:
    """Whether setting ``name`` has another value than ``default``, in this session or else in the link."""
    key = ps.key(name)
    current = s.format_value(st.session_state[key]) if key in st.session_state else st.query_params.get(name)
    if current is None:
        return False
    wanted = s.format_value(default)
    try:
        return float(current) != float(wanted)
    except ValueError:
        return current != wanted


def starting_hyperparameters(landscape: Surface, name: str) -> dict[str, Any]:
    """Where optimizer ``name``'s controls start on ``landscape``: a committed lr per built-in landscape,
    one suggested from the formula itself for a custom one."""
    if isinstance(landscape, Formula):
        return {**demo_hyperparameters(name), "lr": _formula_lr(landscape, name)}
    return landscape_hyperparameters(landscape.name, name)


@st.cache_data(max_entries=256, show_spinner=False)
def _formula_lr(landscape: Surface, name: str) -> float:
    """An lr suggested by a short tuning run on the formula (lowered until runs stay on the landscape)."""
    h = core.get_spec(name).hyper("lr")
    lo, hi = h.elements()[0][3]
    options = log_options(lo, hi, (demo_hyperparameters(name)["lr"],))
    try:
        return suggest_lr(objective(landscape), name, options, budget=12)
    except ValueError:
        return float(demo_hyperparameters(name)["lr"])


def params(
    ps: PageState,
    hypers: tuple[Hyper, ...],
    defaults: dict[str, Any],
    prefix: str = "",
    where=st,
    follows_landscape: bool = False,
) -> dict[str, Any]:
    """Controls for a list of ``Hyper`` records, each drawn as its ``kind`` says; hidden ones are skipped.

    With ``follows_landscape``, values the user has not chosen restart from the new defaults
    when the landscape changes, and a value the user sets is kept from then on.
    """
    out: dict[str, Any] = {}
    for h in hypers:
        default = defaults.get(h.name, h.default)
        if not h.shown or default is None:
            continue
        url = prefix + h.url_name
        label = _(h.title) if h.title else f"`{h.name}`"
        chosen = None
        if follows_landscape:
            for n in h.url_names(prefix):
                ps.depends_on_landscape(n)
            chosen = functools.partial(_mark_all, ps, h.url_names(prefix))
        if h.kind == "bool":
            out[h.name] = toggle(ps, url, label, default, help=_(h.help), where=where, on_change=chosen)
        elif h.kind == "choice":
            out[h.name] = _choice_control(ps, url, label, h, default, where, chosen)
        elif h.kind == "int":
            lo, hi = int(h.ui[0]), int(max(h.ui[1], default))  # type: ignore[index, arg-type]
            out[h.name] = integer(ps, url, label, lo, hi, int(default), help=_(h.help), where=where, on_change=chosen)
        else:
            out[h.name] = _float_controls(ps, url, h, default, where, chosen)
    return out


def _mark_all(ps: PageState, names: tuple[str, ...]) -> None:
    for n in names:
        ps.mark_explicit(n)


def _choice_control(ps: PageState, url: str, label: str, h: Hyper, default: Any, where, on_change=None) -> Any:
    """A select box over ``h.choices``: the URL holds the option's token, the caller gets its value."""
    tokens = {c.token: c for c in h.choices}
    default_token = h.token(default)
    picked = choice(
        ps,
        url,
        label,
        list(tokens),
        default_token,
        labels={t: _(c.label) for t, c in tokens.items()},
        where=where,
        help=_(h.help),
        on_change=on_change,
    )
    return tokens[picked].value


def _float_controls(ps: PageState, url: str, h: Hyper, default: Any, where, on_change=None) -> Any:
    """One slider per element of a float or pair hyperparameter (a fixed element gets no slider)."""
    values = []
    for i, element in enumerate(h.elements()):
        label, ui, log = element[0], element[3], element[4]
        d = default[i] if h.kind == "pair" else default
        lo, hi = ui
        if lo == hi:
            values.append(float(d))
            continue
        code = f"`{h.name}`" if h.kind != "pair" else f"`{h.name}[{i}]`"
        text = _(h.title) if h.title else (code if label == h.name else f"{label} · {code}")
        name = f"{url}{i if h.kind == 'pair' else ''}"
        values.append(number(ps, name, text, lo, hi, d, log=log, help=_(h.help), where=where, on_change=on_change))
        if log:
            _exact_box(ps, name, lo, hi, where, on_change)
    return tuple(values) if h.kind == "pair" else values[0]


def _exact_box(ps: PageState, name: str, lo: float, hi: float, where, on_change=None) -> None:
    """A number box under a log slider for a value between its steps; typing one moves the slider there.

    A value outside the slider's range is not refused with a bare red border: it is brought to the nearest end
    and a line under the box says why (issue 24: "3.0" on /gd)."""
    box = ps.key(name) + "#exact"
    st.session_state[box] = float(st.session_state[ps.key(name)])
    where.number_input(
        _("exact value"),
        format="%.6g",
        step=None,
        key=box,
        label_visibility="collapsed",
        on_change=_take_exact,
        args=(ps, name, box, lo, hi, on_change),
    )
    why = st.session_state.pop(box + "#why", None)
    if why:
        where.caption(why)


def out_of_range(name: str, value: float, lo: float, hi: float) -> str:
    """Why a typed ``value`` of URL parameter ``name`` outside [lo, hi] was moved to the nearest end."""
    why = _("{value} is outside this slider's range ({lo} to {hi}), so it is set to {kept}.").format(
        value=f"{value:g}", lo=f"{lo:g}", hi=f"{hi:g}", kept=f"{min(max(value, lo), hi):g}"
    )
    if name.endswith("lr") and value > hi:
        why += " " + _("The learning-rate sweep (Explore) tries larger learning rates side by side.")
    return why


def _take_exact(ps: PageState, name: str, box: str, lo: float, hi: float, on_change) -> None:
    typed = float(st.session_state[box])
    if not lo <= typed <= hi:
        st.session_state[box + "#why"] = out_of_range(name, typed, lo, hi)
        typed = min(max(typed, lo), hi)
    st.session_state[ps.key(name)] = typed
    if on_change is not None:
        on_change()


def schedule_picker(ps: PageState, steps: int, optimizers: tuple[str, ...] = (), where=st) -> tuple | None:
    """Choose a ``torch.optim.lr_scheduler``-style schedule for ``optimizers``; ``None`` means a constant lr."""
    from core.schedules import SCHEDULES, default_params

    names = list(SCHEDULES)
    labels = {
        n: _(SCHEDULES[n].display_name)
        if SCHEDULES[n].display_name == SCHEDULES[n].__name__
        else f"{_(SCHEDULES[n].display_name)} · {SCHEDULES[n].__name__}"
        for n in names
    }
    name = choice(
        ps,
        "sched",
        _("Learning-rate schedule"),
        names,
        "constant",
        labels=labels,
        where=where,
        help=_("Schedules of torch.optim.lr_scheduler, with torch's names and formulas."),
    )
    if name == "constant":
        return None
    cls = SCHEDULES[name]
    where.latex(r"\small " + layout.stacked(cls.latex))  # stacked and small: the sidebar is narrow
    chosen = params(ps, cls.params, default_params(name, steps, optimizers), prefix="s.", where=where)
    return (name, tuple(sorted(chosen.items())))


def function_picker(ps: PageState, where=st, default: str = "quadratic") -> Surface:
    """Choose a landscape: a built-in function with controls for its parameters (the tunable quadratic's κ and
    angle), or a formula."""
    names = [*core.list_functions(), CUSTOM]
    labels = {n: _(core.get_function(n).display_name) for n in core.list_functions()}
    for n in core.list_functions():  # a parametrised one's template, its values left open: "(κ = …, angle = …°)"
        f = core.get_function(n)
        if f.params:
            labels[n] = _(f.name_format).format(**{h.name: "…" for h in f.params})
    labels[CUSTOM] = _("Your own formula…")
    name = choice(
        ps,
        "fn",
        _("Landscape"),
        names,
        default,
        labels=labels,
        where=where,
        on_change=lambda: ps.new_landscape(always=("x0", "y0")),
    )
    if name != CUSTOM and core.get_function(name).params:
        return Landscape.of(name, **params(ps, core.get_function(name).params, {}, where=where))
    if name == CUSTOM:
        from core.formula import EXAMPLES

        key = ps.init("formula", next(iter(EXAMPLES.values())), s.parse_text(300))
        text = where.text_input(
            "f(x, y) =",
            key=key,
            max_chars=300,
            persist_state=PERSIST,
            help=_(
                "Operators + - * / ** (or ^), numbers, x, y, pi, e and functions such as "
                "sin, cos, exp, log, sqrt, abs, tanh, atan2, min, max."
            ),
        )
        ps.publish("formula", text)
        lim = number(
            ps,
            "boxr",
            _("Plot box half-width"),
            0.5,
            100.0,
            5.0,
            where=where,
            help=_("The plot shows x and y in [−w, w]."),
        )
        return Formula(text, (-lim, lim, -lim, lim))
    return Landscape(name)


def landscape(ps: PageState, where=st, default: str = "quadratic") -> tuple[Surface, core.Objective] | None:
    """The function picker and the chosen objective; a formula that cannot be used is reported
    in the page and gives ``None``."""
    key = function_picker(ps, where=where, default=default)
    try:
        return key, objective(key)
    except ValueError as err:
        layout.formula_error(err)
        ps.cut_short()
        return None


@dataclass(frozen=True)
class Setup:
    """What every run needs besides the optimizer: the landscape, a start and a step count."""

    key: Surface
    f: core.Objective
    x0: tuple[float, float]
    steps: int


def setup(
    ps: PageState, where=st, default: str = "quadratic", steps: int = 50, start_map: bool = False
) -> Setup | None:
    """Landscape, start (optionally with a clickable map) and steps; ``None`` when the formula is unusable."""
    picked = landscape(ps, where=where, default=default)
    if picked is None:
        return None
    key, f = picked
    x0 = start_picker(ps, f, where=where)
    if start_map:
        from .startmap import start_map as draw_map

        with layout.on_demand(_("Pick the start on a map"), ps.key("mapopen"), where=where) as shown:
            if shown:
                draw_map(ps, key, *x0)
    return Setup(key, f, x0, steps_picker(ps, default=steps, where=where))


def optimizers(ps: PageState, default: list[str], where=st) -> list[str]:
    """A multiselect of optimizers by display name, bound to URL parameter ``opts``."""
    labels = {n: optimizer_name(n) for n in core.OPTIMIZERS}
    return multi(ps, "opts", _("Optimizers"), list(core.OPTIMIZERS), default, labels=labels, where=where)


def start_picker(
    ps: PageState, f: core.Objective, where=st, default: tuple[float, float] | None = None
) -> tuple[float, float]:
    """Start point sliders over the function's box."""
    xmin, xmax, ymin, ymax = f.box
    dx, dy = default or f.start
    step_x = 10 ** math.floor(math.log10((xmax - xmin) / 200))
    step_y = 10 ** math.floor(math.log10((ymax - ymin) / 200))
    out = []
    for name, lo, hi, d, step in (("x0", xmin, xmax, dx, step_x), ("y0", ymin, ymax, dy, step_y)):
        key = ps.init(name, float(d), s.parse_float(lo, hi))
        value = st.session_state[key]
        if not lo <= value <= hi:
            st.session_state[key] = float(min(max(value, lo), hi))
        v = where.slider(
            _("start {axis}").format(axis=name[0]), min_value=float(lo), max_value=float(hi), step=float(step), key=key
        )
        ps.publish(name, float(v))
        out.append(float(v))
    return out[0], out[1]


def steps_picker(ps: PageState, default: int = 50, where=st) -> int:
    return integer(
        ps,
        "steps",
        _("Steps"),
        1,
        MAX_STEPS,
        default,
        where=where,
        help=_("Number of updates (at most {n}).").format(n=MAX_STEPS),
    )


def multi(
    ps: PageState, name: str, label: str, options: list[str], default: list[str], labels: dict | None = None, where=st
) -> list[str]:
    """A multiselect bound to a comma-separated URL parameter."""
    key = ps.init(name, list(default), s.parse_choices(options))
    fmt = (lambda o: labels.get(o, o)) if labels else str
    value = list(where.multiselect(label, options, key=key, format_func=fmt, persist_state=PERSIST))
    ps.publish(name, value)
    return value
