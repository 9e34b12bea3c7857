"""Hyperparameter descriptions: default, allowed interval, UI range and help.

An optimizer declares its hyperparameters once with these records; validation,
the app's controls and the docs are all generated from them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .messages import N_, CoreError, Message


@dataclass(frozen=True)
class Interval:
    """A real interval such as ``[0, 1)`` used to validate a hyperparameter."""

    low: float = -math.inf
    high: float = math.inf
    low_closed: bool = True
    high_closed: bool = True

    def contains(self, value: Any) -> bool:
        """True when every element of ``value`` is finite-or-allowed and inside."""
        arr = np.asarray(value, dtype=float)
        if np.isnan(arr).any():
            return False
        lo_ok = arr >= self.low if self.low_closed else arr > self.low
        hi_ok = arr <= self.high if self.high_closed else arr < self.high
        return bool(np.all(lo_ok & hi_ok))

    def __str__(self) -> str:
        lo = "[" if self.low_closed and math.isfinite(self.low) else "("
        hi = "]" if self.high_closed and math.isfinite(self.high) else ")"
        fmt = lambda v: "inf" if v == math.inf else "-inf" if v == -math.inf else f"{v:g}"
        return f"{lo}{fmt(self.low)}, {fmt(self.high)}{hi}"


NONNEG = Interval(0.0)
POSITIVE = Interval(0.0, low_closed=False)
UNIT_OPEN = Interval(0.0, 1.0, high_closed=False)
UNIT_CLOSED = Interval(0.0, 1.0)


Kind = Literal["float", "pair", "bool", "int", "choice"]


@dataclass(frozen=True)
class Choice:
    """One option of a ``"choice"`` hyperparameter: its URL token, its value and its label."""

    token: str
    value: Any
    label: str


@dataclass(frozen=True)
class Hyper:
    """One hyperparameter: torch's name and default, its valid interval, and UI hints.

    ``kind`` is a closed vocabulary: ``"float"``; ``"pair"`` (a tuple such as ``betas``, of as many
    elements as ``labels``: two, or three for AdEMAMix's and Adan's betas; ``bounds``, ``ui``, ``log``
    and ``labels`` hold one entry per element); ``"bool"``;
    ``"int"``; ``"choice"`` (one of ``choices``). ``shown=False`` marks a value fixed by the
    optimizer itself (Nesterov's ``nesterov``); ``tunable`` marks what a tuning search varies;
    ``optional`` allows ``None`` (meaning "taken from elsewhere", such as ``max_lr``).
    ``url`` and ``title`` override the URL parameter name and the control's label.
    """

    name: str
    default: Any
    bounds: Interval | tuple[Interval, Interval] | None = None
    ui: tuple[float, float] | tuple[tuple[float, float], tuple[float, float]] | None = None
    log: bool | tuple[bool, bool] = False
    help: str = ""
    kind: Kind = "float"
    labels: tuple[str, ...] = ()
    symbol: str = ""
    choices: tuple[Choice, ...] = ()
    shown: bool = True
    tunable: bool = False
    optional: bool = False
    url: str = ""
    title: str = ""

    @property
    def url_name(self) -> str:
        """The short name of this parameter in a link."""
        return self.url or self.name

    def url_names(self, prefix: str = "") -> tuple[str, ...]:
        """Its parameters in a link, after ``prefix``: one per element of a pair, else one."""
        base = prefix + self.url_name
        return tuple(f"{base}{i}" for i in range(len(self.labels))) if self.kind == "pair" else (base,)

    def token(self, value: Any) -> str:
        """A choice's link token for its option ``value``."""
        return next(c.token for c in self.choices if c.value == value)

    def elements(self) -> list[tuple[str, Any, Interval | None, Any, bool]]:
        """(label, default, bounds, ui range, log) for each scalar inside this parameter."""
        if self.kind != "pair":
            return [(self.symbol or self.name, self.default, self.bounds, self.ui, bool(self.log))]  # type: ignore[list-item]
        n = len(self.labels)
        logs = self.log if isinstance(self.log, tuple) else (self.log,) * n
        return [
            (self.labels[i], self.default[i], self.bounds[i], self.ui[i], logs[i])  # type: ignore[index]
            for i in range(n)
        ]

    def validate(self, value: Any) -> Any:
        """Return ``value`` normalised (floats / float arrays, ints, choice values) or raise ``ValueError``."""
        if value is None and self.optional:
            return None
        if self.kind == "bool":
            if isinstance(value, (bool, np.bool_)):
                return bool(value)
            raise CoreError(N_("Invalid {name}: {value} (expected True or False)"), name=self.name, value=repr(value))
        if self.kind == "choice":
            for c in self.choices:
                if _same(value, c.value):
                    return c.value
            options = ", ".join(repr(c.value) for c in self.choices)
            raise CoreError(
                N_("Invalid {name}: {value} (expected one of {options})"),
                name=self.name,
                value=repr(value),
                options=options,
            )
        if self.kind == "int":
            number = _check_number(self.name, value, self.bounds)  # type: ignore[arg-type]
            if np.ndim(number) != 0 or number != int(number):
                raise CoreError(
                    N_("Invalid {name}: {value} (expected an integer in {bounds})"),
                    name=self.name,
                    value=repr(value),
                    bounds=str(self.bounds),
                )
            return int(number)
        if self.kind == "pair":
            if not isinstance(value, (tuple, list)) or len(value) != len(self.labels):
                if len(self.labels) != 2:
                    raise CoreError(
                        N_("Invalid {name}: {value} (expected {n} numbers)"),
                        name=self.name,
                        value=repr(value),
                        n=str(len(self.labels)),
                    )
                raise CoreError(
                    N_("Invalid {name}: {value} (expected a pair of numbers)"), name=self.name, value=repr(value)
                )
            return tuple(
                _check_number(f"{self.name}[{i}] ({self.labels[i]})", v, self.bounds[i])  # type: ignore[index]
                for i, v in enumerate(value)
            )
        return _check_number(self.name, value, self.bounds)  # type: ignore[arg-type]


def _same(value: Any, option: Any) -> bool:
    """Equal and of the same kind (``True`` is not the option ``1``, nor ``"1"``)."""
    if isinstance(option, bool):
        return isinstance(value, (bool, np.bool_)) and bool(value) == option
    return type(value) is type(option) and value == option


_NOT_A_NUMBER = N_("Invalid {name}: {value} (expected a number)")


def _check_number(name: str, value: Any, bounds: Interval | None) -> Any:
    """Convert ``value`` to a float (or float array) and check it lies in ``bounds``."""
    if isinstance(value, (bool, np.bool_, str)):
        raise CoreError(_NOT_A_NUMBER, name=name, value=repr(value))
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise CoreError(_NOT_A_NUMBER, name=name, value=repr(value)) from None
    if not np.isfinite(arr).all():
        raise CoreError(N_("Invalid {name} value: {value} (must be a finite number)"), name=name, value=repr(value))
    if bounds is not None and not bounds.contains(arr):
        shown = (
            str(value)
            if arr.ndim == 0
            else Message(
                N_("array with values in [{low}, {high}]"), low=f"{np.nanmin(arr):g}", high=f"{np.nanmax(arr):g}"
            )
        )
        raise CoreError(
            N_("Invalid {name} value: {value} (allowed range {bounds})"), name=name, value=shown, bounds=str(bounds)
        )
    return float(arr) if arr.ndim == 0 else arr
