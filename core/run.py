"""One description of a run: what is optimised, by which optimizer with which settings, for how long, from where.

A ``Run`` is frozen and hashable, so a page caches by it, an export and a PyTorch program are written from
it, and ``to_query`` / ``from_query`` turn it into the app's link parameters and back: a link, a deck entry
and a cache key say the same thing. What is optimised is a ``Landscape`` (a built-in function with the values
of its parameters, such as the tunable quadratic's κ and angle), a ``Formula`` typed by the user, or a network
``Workload`` (``core.workloads``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .defaults import demo_hyperparameters, landscape_hyperparameters
from .functions import FUNCTIONS, Objective, get_function
from .hyper import Hyper
from .messages import N_, CoreError
from .optimizers import get_optimizer, get_spec
from .schedules import Schedule, default_params, get_schedule
from .workloads import Workload

Items = tuple[tuple[str, Any], ...]  # (name, value) pairs: hashable settings
CUSTOM = "custom"  # the landscape choice that is a typed formula
FORMULA_CHARS = 300
BOX_LIMITS = (0.5, 100.0)  # a formula's plot box is [-w, w]² with w in this range
MAX_STEPS = 500  # updates a 2-D page runs at most
PAGE_STEPS = 50  # an optimizer page's steps when the link names none
NOISE_LIMITS = (0.0, 10.0)
SEED_LIMITS = (0, 999)


def format_value(value: Any) -> str:
    """Short, exact text of a link value: ``1``/``0`` for booleans; a float in 12 significant digits when that is
    the same number, else in full, so ``from_query`` reads back exactly the run that was written."""
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, (float, np.floating)):
        short = float(f"{float(value):.12g}")
        return repr(short if short == float(value) else float(value))
    if isinstance(value, (list, tuple)):
        return ",".join(format_value(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class Landscape:
    """A built-in landscape of ``core.functions`` and the values of its parameters (none for most)."""

    name: str
    values: Items = ()

    @classmethod
    def of(cls, name: str, **values: Any) -> Landscape:
        """The landscape ``name`` with ``values`` checked and every parameter filled (missing ones at defaults)."""
        return cls(name, get_function(name, **values).settings if values else _defaults(name))

    def objective(self) -> Objective:
        """The objective (raises ``CoreError`` for an unknown name or a parameter out of range)."""
        return get_function(self.name, **dict(self.values))

    def to_query(self) -> dict[str, str]:
        """``fn`` and one link parameter per landscape parameter."""
        hypers = {h.name: h for h in FUNCTIONS[self.name].params} if self.name in FUNCTIONS else {}
        return {"fn": self.name, **{hypers[k].url_name: format_value(v) for k, v in self.values if k in hypers}}


@dataclass(frozen=True)
class Formula:
    """A formula in x and y typed by the user, plotted (and started) on ``box``."""

    text: str
    box: tuple[float, float, float, float] = (-5.0, 5.0, -5.0, 5.0)

    def objective(self) -> Objective:
        """The checked objective (raises ``FormulaError``, a ``ValueError``, with the reason)."""
        from .formula import parse_formula

        return parse_formula(self.text, self.box)

    def to_query(self) -> dict[str, str]:
        """``fn=custom``, the text and the half-width of the box."""
        return {"fn": CUSTOM, "formula": self.text, "boxr": format_value(float(self.box[1]))}


Surface = Landscape | Formula  # a 2-D objective a page plots
Task = Landscape | Formula | Workload


def _defaults(name: str) -> Items:
    """Every parameter of built-in landscape ``name`` at its default."""
    return tuple((h.name, h.default) for h in FUNCTIONS[name].params) if name in FUNCTIONS else ()


@dataclass(frozen=True)
class Run:
    """What one run (or one batch of seeded copies) is: task, optimizer and hyperparameters, schedule, length,
    start, gradient noise and seeds.

    ``hyper`` holds the hyperparameters the run sets (missing ones take torch's defaults). ``schedule`` is
    ``(name, params)`` of ``core.schedules`` or ``None`` for a constant lr. ``start`` is the 2-D start (``None``: the landscape's own); a network's
    starts are its ``seeds`` seeded initialisations.
    """

    task: Task
    optimizer: str
    hyper: Items = ()
    steps: int = 50
    start: tuple[float, ...] | None = None
    schedule: tuple[str, Items] | None = None
    noise: float = 0.0
    seed: int = 0
    seeds: int = 1

    def __post_init__(self) -> None:
        """Hold every hyperparameter and schedule parameter, so two descriptions of the same run are equal."""
        object.__setattr__(
            self, "hyper", tuple(sorted({**get_spec(self.optimizer).defaults, **dict(self.hyper)}.items()))
        )
        if self.schedule is not None:
            s = get_schedule(self.schedule[0], **dict(self.schedule[1]))
            full = {h.name: getattr(s, h.name) for h in type(s).params}
            object.__setattr__(
                self, "schedule", (self.schedule[0], tuple(sorted({**full, **dict(self.schedule[1])}.items())))
            )

    @classmethod
    def of(
        cls,
        task: Task,
        optimizer: str,
        hyper: Mapping[str, Any] | None = None,
        schedule: tuple[str, Mapping[str, Any] | Items] | None = None,
        **options: Any,
    ) -> Run:
        """A run from plain dicts (hyperparameters and schedule parameters sorted into hashable items)."""
        sched = None
        if schedule is not None and schedule[0] != "constant":
            sched = (schedule[0], tuple(sorted(dict(schedule[1]).items())))
        if options.get("start") is not None:
            options["start"] = tuple(float(v) for v in options["start"])
        return cls(task, optimizer, tuple(sorted(dict(hyper or {}).items())), schedule=sched, **options)

    @property
    def hp(self) -> dict[str, Any]:
        """The hyperparameters as a dict."""
        return dict(self.hyper)

    @property
    def surface(self) -> Surface:
        """The landscape or formula of a 2-D run (a network run has none)."""
        if isinstance(self.task, Workload):
            raise CoreError(N_("A network run has no 2-D landscape."))
        return self.task

    def objective(self) -> Any:
        """The objective the run optimises (a 2-D ``Objective`` or a network)."""
        return self.task.network() if isinstance(self.task, Workload) else self.task.objective()

    def x0(self) -> tuple[float, ...]:
        """The 2-D start: the given one or the landscape's."""
        return self.start if self.start is not None else tuple(self.objective().start)

    def make_schedule(self) -> Schedule | None:
        """The schedule object, or ``None`` for a constant lr."""
        return None if self.schedule is None else get_schedule(self.schedule[0], **dict(self.schedule[1]))

    def with_(self, **changes: Any) -> Run:
        """A copy with ``changes`` (``hyper`` may be a dict)."""
        if isinstance(changes.get("hyper"), Mapping):
            changes["hyper"] = tuple(sorted(changes["hyper"].items()))
        return type(self)(**{**self._fields(), **changes})

    def _fields(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    def to_query(self) -> dict[str, str]:
        """The link to this run on its optimizer's page (``/<optimizer>?...``): every setting that differs from
        where the page starts (``page_defaults``), the landscape, the steps and, if given, the start."""
        if isinstance(self.task, Workload):
            raise CoreError(N_("A network run is linked from the Network lab, not from an optimizer's page."))
        q = self.task.to_query()
        page = page_defaults(self.task, self.optimizer)
        for h in get_spec(self.optimizer).hypers:
            value = self.hp.get(h.name)
            if h.shown and value is not None and (h.name == "lr" or not _same(value, page.get(h.name, h.default))):
                q.update(_hyper_query(h, value, ""))
        q["steps"] = str(int(self.steps))
        if self.start is not None:
            q["x0"], q["y0"] = (format_value(float(v)) for v in self.start)
        if self.schedule is not None:
            name, params = self.schedule
            q["sched"] = name
            start = default_params(name, self.steps, (self.optimizer,))
            for h in type(get_schedule(name)).params:
                value = dict(params).get(h.name)
                if value is not None and not _same(value, start.get(h.name, h.default)):
                    q.update(_hyper_query(h, value, "s."))
        if self.noise > 0:
            q["noise"] = format_value(float(self.noise))
            if self.seed:
                q["seed"] = str(int(self.seed))
        return q

    @classmethod
    def from_query(cls, optimizer: str, query: Mapping[str, str]) -> Run:
        """The run a link to optimizer ``optimizer``'s page describes, read as the page reads it (what the link
        leaves out is at ``page_defaults``). Raises ``CoreError`` naming a value that cannot be read or is out of
        range (the page itself keeps the other settings and says what it replaced)."""
        spec = get_spec(optimizer)
        task = _surface(query)
        hp = page_defaults(task, optimizer)
        for h in spec.hypers:
            if h.shown and hp.get(h.name) is not None:
                hp[h.name] = h.validate(_read_hyper(h, query, "", hp[h.name]))
        get_optimizer(optimizer, **hp)  # the optimizer's own checks (e.g. betas against each other)
        steps = int(_number(query, "steps", PAGE_STEPS, (1, MAX_STEPS), whole=True))
        schedule: tuple[str, Items] | None = None
        name = query.get("sched", "constant")
        if name != "constant":
            given = default_params(name, steps, (optimizer,))
            for h in type(get_schedule(name)).params:
                given[h.name] = _read_hyper(h, query, "s.", given.get(h.name, h.default))
            schedule = (name, tuple(sorted(given.items())))
            get_schedule(name, **given)
        start = None
        if "x0" in query or "y0" in query:
            f0 = task.objective().start
            start = (_number(query, "x0", f0[0]), _number(query, "y0", f0[1]))
        noise = _number(query, "noise", 0.0, NOISE_LIMITS)
        seed = int(_number(query, "seed", 0, SEED_LIMITS, whole=True)) if noise > 0 else 0
        return cls.of(task, optimizer, hp, schedule, steps=steps, start=start, noise=noise, seed=seed)


def page_defaults(task: Surface, optimizer: str) -> dict[str, Any]:
    """The hyperparameters an optimizer's page starts from on ``task``: ``core.defaults``' lr for a built-in
    landscape (the page suggests one for a formula by a short tuning run, so a formula's link always names it)."""
    if isinstance(task, Landscape):
        return landscape_hyperparameters(task.name, optimizer)
    return demo_hyperparameters(optimizer)


def _same(a: Any, b: Any) -> bool:
    """Equal as link values (a pair and a list, 1 and 1.0)."""
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _surface(query: Mapping[str, str]) -> Surface:
    """The landscape or formula of a link (``fn`` and its parameters)."""
    name = query.get("fn", "quadratic")
    if name == CUSTOM:
        text = query.get("formula", "")
        if len(text) > FORMULA_CHARS:
            raise CoreError(N_("The formula is longer than {n} characters."), n=str(FORMULA_CHARS))
        w = _number(query, "boxr", 5.0, BOX_LIMITS)
        return Formula(text, (-w, w, -w, w))
    if name not in FUNCTIONS:
        raise CoreError(
            N_("unknown function {name}; valid names are: {names}"), name=repr(name), names=", ".join(FUNCTIONS)
        )
    values = {h.name: h.validate(_read_hyper(h, query, "", h.default)) for h in FUNCTIONS[name].params}
    return Landscape.of(name, **values) if values else Landscape(name)


def _hyper_query(h: Hyper, value: Any, prefix: str) -> dict[str, str]:
    """``h``'s value as link parameters (a choice by its token, a pair as one parameter per element)."""
    names = h.url_names(prefix)
    if h.kind == "pair":
        return {n: format_value(float(v)) for n, v in zip(names, value, strict=True)}
    if h.kind == "choice":
        return {names[0]: h.token(value)}
    if h.kind == "int":
        return {names[0]: str(int(value))}
    return {names[0]: format_value(value if h.kind == "bool" else float(value))}


def _read_hyper(h: Hyper, query: Mapping[str, str], prefix: str, default: Any) -> Any:
    """``h``'s value in ``query`` (``default`` where a parameter is absent)."""
    names = h.url_names(prefix)
    if h.kind == "pair":
        return tuple(
            _number(query, n, default[i] if default is not None else h.default[i]) for i, n in enumerate(names)
        )
    raw = query.get(names[0])
    if raw is None:
        return default
    if h.kind == "bool":
        if raw not in ("0", "1"):
            raise CoreError(N_("Invalid {name}: {value} (expected True or False)"), name=names[0], value=repr(raw))
        return raw == "1"
    if h.kind == "choice":
        for c in h.choices:
            if c.token == raw:
                return c.value
        raise CoreError(
            N_("Invalid {name}: {value} (expected one of {options})"),
            name=names[0],
            value=repr(raw),
            options=", ".join(c.token for c in h.choices),
        )
    return _number(query, names[0], default, whole=h.kind == "int")


def _number(
    query: Mapping[str, str], name: str, default: Any, limits: tuple[float, float] | None = None, whole: bool = False
) -> Any:
    """The number ``query[name]`` (``default`` when absent), finite, inside ``limits`` and whole if asked."""
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise CoreError(N_("Invalid {name}: {value} (expected a number)"), name=name, value=repr(raw)) from None
    if not math.isfinite(value) or (limits is not None and not limits[0] <= value <= limits[1]):
        raise CoreError(
            N_("Invalid {name} value: {value} (allowed range {bounds})"),
            name=name,
            value=raw,
            bounds=f"[{limits[0]:g}, {limits[1]:g}]" if limits else "finite",
        )
    if whole and value != int(value):
        raise CoreError(
            N_("Invalid {name}: {value} (expected an integer in {bounds})"), name=name, value=raw, bounds=str(limits)
        )
    return int(value) if whole else value
