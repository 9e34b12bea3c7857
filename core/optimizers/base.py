"""The optimizer record: metadata plus a pure ``init``/``step`` pair over arrays.

``init`` allocates the state buffers for a batch and ``step`` updates the points and buffers
in place, as torch.optim does (unlike optax, whose updates return new state). Points, gradients and
buffers have the layout ``(2, N)`` (coordinate first) so that per-trajectory
hyperparameters of shape ``(N,)`` broadcast along the contiguous axis.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from ..hyper import Hyper
from ..messages import N_, CoreError
from .common import MAXIMIZE
from .reference import Reference

State = dict[str, Any]
InitFn = Callable[[np.ndarray, Mapping[str, Any]], State]
StepFn = Callable[[np.ndarray, np.ndarray, State, int, Mapping[str, Any]], None]


@dataclass(frozen=True)
class OptimizerSpec:
    """Everything the core and the app know about one optimizer, as plain data.

    ``init(x, hp)`` returns the state buffers for points ``x`` of shape ``(2, N)``;
    ``step(x, g, state, t, hp)`` applies update number ``t`` (1-based) in place.
    Buffers whose name starts with ``_`` are scratch space, not recorded state.
    A spec with a ``torch_name`` gets torch's ``maximize`` flag appended to ``hypers`` and handled
    here, once for all of them: every torch.optim optimizer negates the gradient before anything else.
    """

    name: str
    display_name: str
    year: int
    paper: str
    paper_url: str
    rule_latex: str
    intuition: str
    try_this: str
    hypers: tuple[Hyper, ...]
    init: InitFn
    step: StepFn
    state_labels: Mapping[str, str] = field(default_factory=dict)
    velocity: str | None = None
    adaptive: bool = False
    demo: Mapping[str, Any] = field(default_factory=dict)
    check: Callable[[Mapping[str, Any]], None] | None = None
    torch_name: str = ""
    torch_maximize: bool = True  # whether torch's class takes ``maximize`` (torch.optim.Muon does not)
    reference: Reference | None = None  # the package reproduced, for one that torch.optim lacks

    def __post_init__(self) -> None:
        """Add torch's ``maximize`` to torch-backed specs, so no update rule has to handle it."""
        if self.torch_name and self.torch_maximize and all(h.name != MAXIMIZE.name for h in self.hypers):
            object.__setattr__(self, "hypers", (*self.hypers, MAXIMIZE))
            object.__setattr__(self, "step", _maximizing(self.step))

    def hyper(self, name: str) -> Hyper:
        """The hyperparameter called ``name``."""
        for h in self.hypers:
            if h.name == name:
                return h
        raise KeyError(name)

    @property
    def defaults(self) -> dict[str, Any]:
        """torch.optim's defaults, by keyword."""
        return {h.name: h.default for h in self.hypers}


@dataclass(frozen=True, eq=False)
class Optimizer:
    """An immutable, validated choice of hyperparameters for one optimizer."""

    spec: OptimizerSpec
    hyperparameters: Mapping[str, Any]

    @property
    def name(self) -> str:
        return self.spec.name

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={_short(v)}" for k, v in self.hyperparameters.items())
        return f"{self.spec.name}({args})"

    def __reduce__(self):
        """Pickle by name and arguments, so cached results survive reloads."""
        return (_rebuild, (self.spec.name, dict(self.hyperparameters)))


def _maximizing(step: StepFn) -> StepFn:
    """``step`` preceded by torch's ``maximize``: the gradient is negated in place when it is set."""

    def step_with_maximize(x: np.ndarray, g: np.ndarray, state: State, t: int, hp: Mapping[str, Any]) -> None:
        if hp.get("maximize", False):
            np.negative(g, out=g)
        step(x, g, state, t, hp)

    return step_with_maximize


def _short(v: Any) -> str:
    return f"array{np.shape(v)}" if isinstance(v, np.ndarray) else repr(v)


def _rebuild(name: str, hp: dict[str, Any]) -> Optimizer:
    from . import get_optimizer

    return get_optimizer(name, **hp)


def make_optimizer(spec: OptimizerSpec, **hyperparameters: Any) -> Optimizer:
    """Validate ``hyperparameters`` against ``spec`` (like torch does) and fill defaults."""
    known = {h.name: h for h in spec.hypers}
    unknown = sorted(set(hyperparameters) - set(known))
    if unknown:
        raise CoreError(
            N_("{optimizer} got unexpected hyperparameter(s) {unknown}; valid ones are: {valid}"),
            optimizer=spec.name,
            unknown=", ".join(unknown),
            valid=", ".join(known),
        )
    values = {name: h.validate(hyperparameters.get(name, h.default)) for name, h in known.items()}
    if spec.check is not None:
        spec.check(values)
    return Optimizer(spec, MappingProxyType(values))


def lerp_(a: np.ndarray, b: np.ndarray, w: Any, tmp: np.ndarray) -> None:
    """``a <- lerp(a, b, w)`` in place, with torch's two-branch formula (bitwise equal on scalars)."""
    np.subtract(b, a, out=tmp)
    if np.ndim(w) == 0:
        if abs(w) < 0.5:
            tmp *= w
            a += tmp
        else:
            tmp *= 1.0 - w
            np.subtract(b, tmp, out=a)
        return
    small = np.abs(w) < 0.5
    low = a + w * tmp
    high = b - tmp * (1.0 - w)
    np.copyto(a, np.where(small, low, high))


def weight_decayed(x: np.ndarray, g: np.ndarray, wd: Any) -> np.ndarray:
    """torch's coupled L2 penalty ``g + wd * x`` (returns ``g`` itself when ``wd`` is 0)."""
    if np.ndim(wd) == 0 and wd == 0:
        return g
    g += wd * x
    return g


def decay_weights_(x: np.ndarray, lr: Any, wd: Any) -> None:
    """Decoupled weight decay ``x <- x * (1 - lr * wd)`` (AdamW, Lion)."""
    if np.ndim(wd) == 0 and wd == 0:
        return
    x *= 1 - lr * wd
