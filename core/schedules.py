"""Learning-rate schedules that mirror ``torch.optim.lr_scheduler``, vectorised over a batch.

A schedule is a frozen dataclass with torch's parameter names and defaults. ``simulate``
calls ``schedule.start(hp, n)`` once and then ``runner.hyper(t, loss)`` before update ``t``;
the returned dict overrides the optimizer's hyperparameters for that update. The lr of update
``t`` is the one torch's scheduler holds after ``t - 1`` calls of ``scheduler.step()``
(the usual ``optimizer.step(); scheduler.step()`` loop), so epoch ``e = t - 1`` below.

>>> s = get_schedule("step", step_size=2, gamma=0.5)
>>> s.lrs(1.0, 5).tolist()
[1.0, 1.0, 0.5, 0.5, 0.25]
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .hyper import NONNEG, POSITIVE, UNIT_CLOSED, Choice, Hyper, Interval
from .messages import N_, CoreError, Message

# ``default=None`` for ``max_lr`` (``optional``) means "use the optimizer's lr".
AT_LEAST_1 = Interval(1.0)
UNIT_HALF_OPEN = Interval(0.0, 1.0, high_closed=False)  # [0, 1)
FACTOR = Interval(0.0, 1.0, low_closed=False)  # (0, 1]


# The peak lr of the cyclic schedules (one-cycle and cyclic); None takes the optimizer's own lr.
_MAX_LR = Hyper(
    "max_lr",
    None,
    POSITIVE,
    (1e-4, 2.0),
    log=True,
    optional=True,
    symbol="η_max",
    help="Peak learning rate (None: the optimizer's lr).",
)


def _int(name: str, default: int, low: int, ui: tuple[float, float], help: str) -> Hyper:
    return Hyper(name, default, Interval(float(low)), ui, kind="int", help=help)


def _is_number(value: Any) -> bool:
    """A real number (an int, a float or a NumPy number), not a bool or a string."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _choice(name: str, default: str, options: tuple[str, ...], help: str) -> Hyper:
    return Hyper(name, default, kind="choice", choices=tuple(Choice(o, o, o) for o in options), help=help)


class Schedule:
    """Common behaviour: validation on construction, runners and the closed-form ``lrs``.

    Subclasses define ``_lr(base_lr, e)`` (vectorised in both) or override ``start``.
    """

    name: ClassVar[str]
    display_name: ClassVar[str]
    latex: ClassVar[str]
    params: ClassVar[tuple[Hyper, ...]]
    needs_loss: ClassVar[bool] = False

    def __post_init__(self) -> None:
        for h in self.params:
            object.__setattr__(self, h.name, h.validate(getattr(self, h.name)))

    def _lr(self, base_lr: Any, e: Any) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    @classmethod
    def _torch_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        """``params`` with torch's spelling of a parameter turned into this class's (none by default)."""
        return params

    def start(self, hp: Mapping[str, Any], n: int) -> Any:
        """A runner for one ``simulate`` call; ``hp`` are the flattened hyperparameters."""
        return _ClosedFormRunner(self, hp["lr"])

    def lrs(self, base_lr: Any, steps: int) -> np.ndarray:
        """The lr of updates ``1..steps``: ``(steps,)``, or ``(steps, N)`` for an array ``base_lr``."""
        e = np.arange(steps, dtype=float)
        base = np.asarray(base_lr, dtype=float)
        if base.ndim:
            e = e[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.broadcast_to(self._lr(base, e), e.shape[:1] + base.shape).astype(float)


class _ClosedFormRunner:
    """Runner for schedules whose lr is a function of the epoch alone."""

    needs_loss = False

    def __init__(self, schedule: Schedule, base_lr: Any) -> None:
        self.schedule = schedule
        self.base_lr = base_lr

    def hyper(self, t: int, loss: Any = None) -> dict[str, Any]:
        with np.errstate(divide="ignore", invalid="ignore"):
            lr = self.schedule._lr(np.asarray(self.base_lr, dtype=float), float(t - 1))
        return {"lr": float(lr) if np.ndim(lr) == 0 else np.asarray(lr, dtype=float)}


@dataclass(frozen=True)
class Constant(Schedule):
    """The optimizer's own lr at every step (no scheduler). Not torch's ``ConstantLR``."""

    name: ClassVar[str] = "constant"
    display_name: ClassVar[str] = "Constant"
    latex: ClassVar[str] = r"\eta_t = \eta"
    params: ClassVar[tuple[Hyper, ...]] = ()

    def _lr(self, base_lr: Any, e: Any) -> Any:
        return base_lr + 0.0 * e


@dataclass(frozen=True)
class StepLR(Schedule):
    """Multiply the lr by ``gamma`` every ``step_size`` updates (torch ``StepLR``)."""

    step_size: int
    gamma: float = 0.1

    name: ClassVar[str] = "step"
    display_name: ClassVar[str] = "Step decay"
    latex: ClassVar[str] = r"\eta_t = \eta\,\gamma^{\lfloor t / s \rfloor}"
    params: ClassVar[tuple[Hyper, ...]] = (
        _int("step_size", 30, 1, (1, 200), "Number of updates between two decays."),
        Hyper("gamma", 0.1, FACTOR, (0.05, 1.0), symbol="γ", help="Factor applied to the lr at each decay."),
    )

    def _lr(self, base_lr: Any, e: Any) -> Any:
        return base_lr * self.gamma ** np.floor_divide(e, self.step_size)


@dataclass(frozen=True)
class MultiStepLR(Schedule):
    """Multiply the lr by ``gamma`` at each milestone (torch ``MultiStepLR``).

    ``get_schedule("multistep", milestones=[30, 80])`` takes torch's list. The first three
    milestones are also held as ints so that the app can draw each as a slider and put it in a link
    (0 means "unused"); any further ones are kept in ``more_milestones``. ``milestones`` is all of
    them without the zeros, sorted (a repeated milestone decays twice, as in torch).
    """

    milestone_1: int
    milestone_2: int = 0
    milestone_3: int = 0
    gamma: float = 0.1
    more_milestones: tuple[int, ...] = ()

    name: ClassVar[str] = "multistep"
    display_name: ClassVar[str] = "Multi-step decay"
    latex: ClassVar[str] = r"\eta_t = \eta\,\gamma^{\#\{i \,:\, m_i \le t\}}"
    params: ClassVar[tuple[Hyper, ...]] = (
        _int("milestone_1", 30, 0, (0, 1000), "Update at which the lr is first multiplied by gamma (0: unused)."),
        _int("milestone_2", 0, 0, (0, 1000), "A second milestone (0: unused)."),
        _int("milestone_3", 0, 0, (0, 1000), "A third milestone (0: unused)."),
        Hyper("gamma", 0.1, FACTOR, (0.05, 1.0), symbol="γ", help="Factor applied to the lr at each milestone."),
    )

    @classmethod
    def _torch_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        """torch's ``milestones=[...]`` (positive ints, any number) as ``milestone_1..3`` and ``more_milestones``."""
        if "milestones" not in params:
            return params
        rest = {k: v for k, v in params.items() if k != "milestones"}
        given = params["milestones"]
        try:
            values = list(given) if not isinstance(given, (str, bytes)) else [given]
            ms = sorted(int(m) for m in values if _is_number(m) and float(m) == int(m) >= 1)
        except (TypeError, ValueError, OverflowError):
            values, ms = [given], []
        if len(ms) != len(values) or any(k.startswith("milestone_") for k in rest):
            raise CoreError(N_("Invalid milestones: {value} (expected a list of positive integers)"), value=repr(given))
        firsts = {f"milestone_{i + 1}": ms[i] if i < len(ms) else 0 for i in range(3)}
        return {**rest, **firsts, "more_milestones": tuple(ms[3:])}

    @property
    def milestones(self) -> tuple[int, ...]:
        """torch's ``milestones``: the non-zero ones, sorted."""
        firsts = (self.milestone_1, self.milestone_2, self.milestone_3)
        return tuple(sorted(m for m in (*firsts, *self.more_milestones) if m > 0))

    def _lr(self, base_lr: Any, e: Any) -> Any:
        passed = sum((np.asarray(e) >= m).astype(int) for m in self.milestones)
        return base_lr * self.gamma**passed


@dataclass(frozen=True)
class ExponentialLR(Schedule):
    """Multiply the lr by ``gamma`` after every update (torch ``ExponentialLR``)."""

    gamma: float

    name: ClassVar[str] = "exponential"
    display_name: ClassVar[str] = "Exponential decay"
    latex: ClassVar[str] = r"\eta_t = \eta\,\gamma^{t}"
    params: ClassVar[tuple[Hyper, ...]] = (
        Hyper("gamma", 0.95, FACTOR, (0.8, 1.0), symbol="γ", help="Factor applied to the lr after every update."),
    )

    def _lr(self, base_lr: Any, e: Any) -> Any:
        return base_lr * self.gamma ** np.asarray(e)


@dataclass(frozen=True)
class PolynomialLR(Schedule):
    """Decay the lr polynomially to zero in ``total_iters`` updates, then keep it at zero."""

    total_iters: int = 5
    power: float = 1.0

    name: ClassVar[str] = "polynomial"
    display_name: ClassVar[str] = "Polynomial decay"
    latex: ClassVar[str] = r"\eta_t = \eta\,\left(1 - \frac{\min(t, T)}{T}\right)^{p}"
    params: ClassVar[tuple[Hyper, ...]] = (
        _int("total_iters", 5, 1, (1, 1000), "Number of updates until the lr reaches zero."),
        Hyper("power", 1.0, NONNEG, (0.1, 5.0), symbol="p", help="Shape of the decay: 1 is linear."),
    )

    def _lr(self, base_lr: Any, e: Any) -> Any:
        return base_lr * (1.0 - np.minimum(self.total_iters, e) / self.total_iters) ** self.power


@dataclass(frozen=True)
class LinearLR(Schedule):
    """Scale the lr linearly from ``start_factor`` to ``end_factor`` in ``total_iters`` updates (torch ``LinearLR``)."""

    start_factor: float = 1.0 / 3
    end_factor: float = 1.0
    total_iters: int = 5

    name: ClassVar[str] = "linear"
    display_name: ClassVar[str] = "Linear"
    latex: ClassVar[str] = r"\eta_t = \eta\left(f_0 + (f_1 - f_0)\frac{\min(t, T)}{T}\right)"
    params: ClassVar[tuple[Hyper, ...]] = (
        Hyper(
            "start_factor",
            1.0 / 3,
            FACTOR,
            (0.01, 1.0),
            log=True,
            symbol="f₀",
            help="The first update uses this fraction of the lr.",
        ),
        Hyper(
            "end_factor",
            1.0,
            UNIT_CLOSED,
            (0.0, 1.0),
            symbol="f₁",
            help="Fraction of the lr reached after total_iters updates and kept afterwards.",
        ),
        _int("total_iters", 5, 1, (1, 1000), "Number of updates of the linear change."),
    )

    def _lr(self, base_lr: Any, e: Any) -> Any:
        done = np.minimum(self.total_iters, e) / self.total_iters
        return base_lr * (self.start_factor + (self.end_factor - self.start_factor) * done)


def _cosine(base_lr: Any, eta_min: float, e: Any, t_max: int) -> Any:
    """Closed form of torch's recursive ``CosineAnnealingLR``: periodic with period ``2 T_max``."""
    return eta_min + (base_lr - eta_min) * (1.0 + np.cos(math.pi * np.asarray(e) / t_max)) / 2.0


@dataclass(frozen=True)
class CosineAnnealingLR(Schedule):
    """Cosine decay from the lr to ``eta_min`` in ``T_max`` updates; beyond, it rises again (torch)."""

    T_max: int
    eta_min: float = 0.0

    name: ClassVar[str] = "cosine"
    display_name: ClassVar[str] = "Cosine annealing"
    latex: ClassVar[str] = (
        r"\eta_t = \eta_{\min} + \tfrac{1}{2}(\eta - \eta_{\min}) \\"
        r"\times \left(1 + \cos\frac{\pi t}{T_{\max}}\right)"
    )
    params: ClassVar[tuple[Hyper, ...]] = (
        _int("T_max", 100, 1, (1, 1000), "Updates in half a cosine period (lr reaches eta_min there)."),
        Hyper("eta_min", 0.0, NONNEG, (0.0, 0.1), symbol="η_min", help="Lowest learning rate."),
    )

    def _lr(self, base_lr: Any, e: Any) -> Any:
        return _cosine(base_lr, self.eta_min, e, self.T_max)


@dataclass(frozen=True)
class CosineAnnealingWarmRestarts(Schedule):
    """Cosine decay to ``eta_min`` in ``T_0`` updates, then a restart, each period ``T_mult`` times longer (SGDR)."""

    T_0: int
    T_mult: int = 1
    eta_min: float = 0.0

    name: ClassVar[str] = "cosine_warm_restarts"
    display_name: ClassVar[str] = "Cosine with warm restarts"
    latex: ClassVar[str] = (
        r"\eta_t = \eta_{\min} + \tfrac{1}{2}(\eta - \eta_{\min}) \\"
        r"\times \left(1 + \cos\frac{\pi T_{\text{cur}}}{T_i}\right),\quad T_i = T_0 T_{\text{mult}}^{i}"
    )
    params: ClassVar[tuple[Hyper, ...]] = (
        _int("T_0", 10, 1, (1, 500), "Updates until the first restart."),
        _int("T_mult", 1, 1, (1, 4), "Each period is this many times longer than the previous one."),
        Hyper("eta_min", 0.0, NONNEG, (0.0, 0.1), symbol="η_min", help="Lowest learning rate."),
    )

    def _lr(self, base_lr: Any, e: Any) -> Any:
        e = np.asarray(e, dtype=float)
        starts = [0]  # the epochs at which a period begins
        while starts[-1] <= np.max(e, initial=0.0):
            starts.append(starts[-1] + self.T_0 * self.T_mult ** (len(starts) - 1))
        i = np.searchsorted(starts, e, side="right") - 1
        return _cosine(base_lr, self.eta_min, e - np.take(starts, i), self.T_0 * self.T_mult**i)


@dataclass(frozen=True)
class WarmupCosine(Schedule):
    """Linear warm-up from ``start_factor·lr`` for ``warmup_steps`` updates, then cosine annealing.

    Equals torch's ``SequentialLR([LinearLR(start_factor, 1.0, warmup_steps),
    CosineAnnealingLR(T_max, eta_min)], milestones=[warmup_steps])``.
    """

    warmup_steps: int
    T_max: int
    start_factor: float = 0.01
    eta_min: float = 0.0

    name: ClassVar[str] = "warmup_cosine"
    display_name: ClassVar[str] = "Linear warm-up + cosine"
    latex: ClassVar[str] = (
        r"\eta_t = \begin{cases} \eta\left(f + (1-f)\frac{t}{W}\right) & t < W \\"
        r" \eta_{\min} + \tfrac{1}{2}(\eta - \eta_{\min})"
        r"\left(1 + \cos\frac{\pi (t-W)}{T_{\max}}\right)"
        r" & t \ge W \end{cases}"
    )
    params: ClassVar[tuple[Hyper, ...]] = (
        _int("warmup_steps", 10, 0, (0, 200), "Updates spent ramping the lr up linearly."),
        _int("T_max", 90, 1, (1, 1000), "Updates of the cosine phase until the lr reaches eta_min."),
        Hyper(
            "start_factor",
            0.01,
            FACTOR,
            (0.001, 1.0),
            log=True,
            symbol="f",
            help="The warm-up starts at this fraction of the lr.",
        ),
        Hyper("eta_min", 0.0, NONNEG, (0.0, 0.1), symbol="η_min", help="Lowest learning rate."),
    )

    def _lr(self, base_lr: Any, e: Any) -> Any:
        e = np.asarray(e)
        w = self.warmup_steps
        warm = base_lr * (self.start_factor + (1.0 - self.start_factor) * e / max(w, 1))
        return np.where(e < w, warm, _cosine(base_lr, self.eta_min, e - w, self.T_max))


CYCLE_MOMENTUM_ERROR = Message(N_("optimizer must support momentum or beta1 with `cycle_momentum` option enabled"))


class _MomentumCycle(Schedule):
    """A schedule that sets the lr and, with ``cycle_momentum``, the momentum or β₁ (as torch does).

    Subclasses define ``_values(base_lr, e) -> (lr, momentum)``; ``base_lr`` is the optimizer's lr.
    """

    cycle_momentum: bool

    def _values(self, base_lr: Any, e: Any) -> tuple[Any, Any]:  # pragma: no cover - overridden
        raise NotImplementedError

    def _lr(self, base_lr: Any, e: Any) -> Any:
        return self._values(base_lr, e)[0]

    def momentums(self, steps: int) -> np.ndarray:
        """The momentum (or β₁) of updates ``1..steps`` when ``cycle_momentum`` is on."""
        return np.broadcast_to(self._values(1.0, np.arange(steps, dtype=float))[1], (steps,)).astype(float)

    def start(self, hp: Mapping[str, Any], n: int) -> _MomentumCycleRunner:
        return _MomentumCycleRunner(self, hp)


class _MomentumCycleRunner:
    """Sets lr, and momentum or β₁, from the schedule's formulas at each update.

    Like torch, it refuses an optimizer with neither ``momentum`` nor ``betas`` when
    ``cycle_momentum`` is on, and sets the momentum of ``SGD`` / ``RMSprop`` even when it is 0.
    """

    needs_loss = False

    def __init__(self, schedule: _MomentumCycle, hp: Mapping[str, Any]) -> None:
        self.schedule = schedule
        self.base_lr = np.asarray(hp["lr"], dtype=float)
        self.key = None
        if schedule.cycle_momentum:
            self.key = "betas" if "betas" in hp else "momentum" if "momentum" in hp else None
            if self.key is None:
                raise CoreError(CYCLE_MOMENTUM_ERROR)
        self.betas = hp.get("betas")

    def hyper(self, t: int, loss: Any = None) -> dict[str, Any]:
        lr, mom = self.schedule._values(self.base_lr, float(t - 1))
        out: dict[str, Any] = {"lr": float(lr) if np.ndim(lr) == 0 else lr}
        if self.key == "betas":
            out["betas"] = (float(mom), *(self.betas or ())[1:])
        elif self.key == "momentum":
            out["momentum"] = float(mom)
        return out


@dataclass(frozen=True)
class OneCycleLR(_MomentumCycle):
    """Smith's 1cycle policy: lr up to ``max_lr`` then down far below, momentum the opposite way.

    Sets the lr itself (the optimizer's lr only serves as ``max_lr`` when that is None). With
    ``cycle_momentum`` it also sets ``momentum``, or ``betas[0]`` for Adam-like optimizers, and
    refuses optimizers with neither, as torch does. torch raises after ``total_steps`` scheduler
    steps; here the lr and momentum then stay at torch's last values.
    """

    max_lr: float | None
    total_steps: int
    pct_start: float = 0.3
    anneal_strategy: str = "cos"
    cycle_momentum: bool = True
    base_momentum: float = 0.85
    max_momentum: float = 0.95
    div_factor: float = 25.0
    final_div_factor: float = 1e4
    three_phase: bool = False

    name: ClassVar[str] = "one_cycle"
    display_name: ClassVar[str] = "One-cycle"
    latex: ClassVar[str] = (
        r"\eta: \tfrac{\eta_{\max}}{d} \nearrow \eta_{\max} \searrow "
        r"\tfrac{\eta_{\max}}{d\,d_f},"
        r"\quad \mu: \mu_{\max} \searrow \mu_{\text{base}} \nearrow \mu_{\max}"
    )
    params: ClassVar[tuple[Hyper, ...]] = (
        _MAX_LR,
        _int("total_steps", 100, 1, (1, 1000), "Length of the cycle, in updates."),
        Hyper("pct_start", 0.3, UNIT_CLOSED, (0.0, 1.0), help="Fraction of the cycle spent increasing the lr."),
        _choice("anneal_strategy", "cos", ("cos", "linear"), "Shape of the ramps: cosine or linear."),
        Hyper("cycle_momentum", True, kind="bool", help="Cycle the momentum (or β₁) inversely to the lr."),
        Hyper("base_momentum", 0.85, UNIT_HALF_OPEN, (0.0, 0.99), symbol="μ_base", help="Momentum when the lr peaks."),
        Hyper(
            "max_momentum",
            0.95,
            UNIT_HALF_OPEN,
            (0.0, 0.99),
            symbol="μ_max",
            help="Momentum at the start and the end of the cycle.",
        ),
        Hyper(
            "div_factor",
            25.0,
            POSITIVE,
            (1.0, 100.0),
            log=True,
            symbol="d",
            help="The lr starts at max_lr / div_factor.",
        ),
        Hyper(
            "final_div_factor",
            1e4,
            POSITIVE,
            (1.0, 1e5),
            log=True,
            symbol="d_f",
            help="The lr ends at max_lr / (div_factor · final_div_factor).",
        ),
        Hyper(
            "three_phase",
            False,
            kind="bool",
            help="Go back down to the initial lr before the final annealing (three phases).",
        ),
    )

    def _phases(self) -> list[tuple[float, str, str, str, str]]:
        """torch's phase table: (end_step, start_lr, end_lr, start_momentum, end_momentum)."""
        T, p = self.total_steps, self.pct_start
        if self.three_phase:
            return [
                (float(p * T) - 1, "initial", "max", "max_m", "base_m"),
                (float(2 * p * T) - 2, "max", "initial", "base_m", "max_m"),
                (T - 1, "initial", "min", "max_m", "max_m"),
            ]
        return [(float(p * T) - 1, "initial", "max", "max_m", "base_m"), (T - 1, "max", "min", "base_m", "max_m")]

    def _anneal(self, start: Any, end: Any, pct: Any) -> Any:
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (np.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def _values(self, base_lr: Any, e: Any) -> tuple[Any, Any]:
        """(lr, momentum) at epochs ``e``; epochs past ``total_steps`` hold the value there."""
        max_lr = base_lr if self.max_lr is None else self.max_lr
        initial = max_lr / self.div_factor
        levels = {
            "initial": initial,
            "max": max_lr,
            "min": initial / self.final_div_factor,
            "max_m": self.max_momentum,
            "base_m": self.base_momentum,
        }
        e = np.minimum(np.asarray(e, dtype=float), self.total_steps)
        phases = self._phases()
        conds, lrs, moms = [], [], []
        start = 0.0
        for i, (end, lr0, lr1, m0, m1) in enumerate(phases):
            conds.append(e <= end if i < len(phases) - 1 else np.ones_like(e, dtype=bool))
            with np.errstate(divide="ignore", invalid="ignore"):
                pct = np.where(end == start, 1.0, (e - start) / (end - start))  # torch: ZeroDivisionError
            lrs.append(self._anneal(levels[lr0], levels[lr1], pct))
            moms.append(self._anneal(levels[m0], levels[m1], pct))
            start = end
        shape = np.broadcast_shapes(np.shape(e), np.shape(max_lr))
        lr = np.select([np.broadcast_to(c, shape) for c in conds], [np.broadcast_to(v, shape) for v in lrs])
        mom = np.select(conds, moms)
        return lr, mom


@dataclass(frozen=True)
class CyclicLR(_MomentumCycle):
    """Smith's cyclical lr: up from ``base_lr`` to ``max_lr`` and back, momentum the opposite way (torch ``CyclicLR``).

    torch requires ``base_lr`` (which replaces the optimizer's lr) and ``max_lr``. Here both may be
    None: ``max_lr`` is then the optimizer's lr and ``base_lr`` a quarter of ``max_lr`` (Smith's
    advice of a 3-4x range), so the optimizer's lr is the peak, as for ``one_cycle``.
    ``cycle_momentum`` sets ``momentum`` or ``betas[0]`` and refuses optimizers with neither, as torch.
    """

    base_lr: float | None = None
    max_lr: float | None = None
    step_size_up: int = 2000
    step_size_down: int | None = None
    mode: str = "triangular"
    gamma: float = 1.0
    cycle_momentum: bool = True
    base_momentum: float = 0.8
    max_momentum: float = 0.9

    name: ClassVar[str] = "cyclic"
    display_name: ClassVar[str] = "Cyclical"
    latex: ClassVar[str] = (
        r"\eta: \eta_{\text{base}} \nearrow \eta_{\max} \searrow \eta_{\text{base}} \cdots,"
        r"\quad \mu: \mu_{\max} \searrow \mu_{\text{base}} \nearrow \mu_{\max} \cdots"
    )
    params: ClassVar[tuple[Hyper, ...]] = (
        Hyper(
            "base_lr",
            None,
            NONNEG,
            (1e-4, 2.0),
            log=True,
            optional=True,
            symbol="η_base",
            help="Lowest learning rate, where each cycle starts (None: max_lr / 4).",
        ),
        _MAX_LR,
        _int("step_size_up", 2000, 1, (1, 500), "Updates from base_lr up to max_lr."),
        Hyper(
            "step_size_down",
            None,
            Interval(0.0),
            (0, 500),
            kind="int",
            optional=True,
            help="Updates from max_lr back down to base_lr (None: step_size_up).",
        ),
        _choice(
            "mode",
            "triangular",
            ("triangular", "triangular2", "exp_range"),
            "Amplitude of the cycles: constant, halved each cycle, or times gamma per update.",
        ),
        Hyper(
            "gamma", 1.0, FACTOR, (0.9, 1.0), symbol="γ", help="exp_range multiplies the amplitude by this each update."
        ),
        Hyper("cycle_momentum", True, kind="bool", help="Cycle the momentum (or β₁) inversely to the lr."),
        Hyper("base_momentum", 0.8, UNIT_HALF_OPEN, (0.0, 0.99), symbol="μ_base", help="Momentum when the lr peaks."),
        Hyper(
            "max_momentum", 0.9, UNIT_HALF_OPEN, (0.0, 0.99), symbol="μ_max", help="Momentum when the lr is at base_lr."
        ),
    )

    def _values(self, base_lr: Any, e: Any) -> tuple[Any, Any]:
        """(lr, momentum) at epochs ``e``, torch's ``CyclicLR.get_lr`` vectorised."""
        max_lr = base_lr if self.max_lr is None else self.max_lr
        low = max_lr / 4.0 if self.base_lr is None else self.base_lr
        up = float(self.step_size_up)
        total = up + (up if self.step_size_down is None else float(self.step_size_down))
        ratio = up / total
        e = np.asarray(e, dtype=float)
        cycle = np.floor(1 + e / total)
        x = 1.0 + e / total - cycle
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(x <= ratio, x / ratio, (x - 1) / (ratio - 1))
        amplitude = {"triangular": 1.0, "triangular2": 1 / (2.0 ** (cycle - 1)), "exp_range": self.gamma**e}[self.mode]
        lr = low + (max_lr - low) * scale * amplitude
        momentum = self.max_momentum - (self.max_momentum - self.base_momentum) * scale * amplitude
        return lr, momentum


@dataclass(frozen=True)
class ReduceLROnPlateau(Schedule):
    """Cut the lr by ``factor`` when the loss has not improved for ``patience`` updates.

    Works per trajectory: each one has its own best loss, counters and lr (torch semantics
    applied element-wise). The loss seen before update ``t`` is f after update ``t - 1``.
    """

    mode: str = "min"
    factor: float = 0.1
    patience: int = 10
    threshold: float = 1e-4
    threshold_mode: str = "rel"
    cooldown: int = 0
    min_lr: float = 0.0
    eps: float = 1e-8

    name: ClassVar[str] = "plateau"
    display_name: ClassVar[str] = "Reduce on plateau"
    latex: ClassVar[str] = (
        r"\eta \leftarrow \max(\gamma\,\eta,\ \eta_{\min})"
        r" \\ \text{after more than } P \text{ updates}\\ \text{without improvement}"
    )
    needs_loss: ClassVar[bool] = True
    params: ClassVar[tuple[Hyper, ...]] = (
        _choice("mode", "min", ("min", "max"), "Whether the monitored quantity should decrease or increase."),
        Hyper("factor", 0.1, UNIT_HALF_OPEN, (0.05, 0.95), symbol="γ", help="Factor applied to the lr at each cut."),
        _int("patience", 10, 0, (0, 50), "Updates without improvement tolerated before a cut."),
        Hyper("threshold", 1e-4, NONNEG, (0.0, 0.1), help="Minimal change that counts as an improvement."),
        _choice("threshold_mode", "rel", ("rel", "abs"), "Whether threshold is relative or absolute."),
        _int("cooldown", 0, 0, (0, 50), "Updates to wait after a cut before counting again."),
        Hyper("min_lr", 0.0, NONNEG, (0.0, 0.1), symbol="η_min", help="The lr is never cut below this."),
        Hyper("eps", 1e-8, NONNEG, (0.0, 1e-4), help="Cuts smaller than this are skipped."),
    )

    def start(self, hp: Mapping[str, Any], n: int) -> _PlateauRunner:
        return _PlateauRunner(self, hp["lr"], n)

    def lrs(self, base_lr: Any, steps: int) -> np.ndarray:
        raise TypeError("ReduceLROnPlateau depends on the losses: use lrs_for_losses(base_lr, losses)")

    def lrs_for_losses(self, base_lr: Any, losses: Any) -> np.ndarray:
        """The lr of updates ``1..K`` given ``losses[k]`` = f after update ``k + 1``; shape of ``losses``.

        ``losses`` is ``(K,)`` or ``(K, N)``; the last loss does not affect any returned lr.
        """
        losses = np.asarray(losses, dtype=float)
        flat = losses.reshape(len(losses), -1)
        base = np.broadcast_to(np.asarray(base_lr, dtype=float), flat.shape[1:])
        runner = self.start({"lr": base}, flat.shape[1])
        out = [runner.hyper(t, flat[t - 2] if t > 1 else None)["lr"] for t in range(1, len(flat) + 1)]
        return np.asarray(out).reshape(losses.shape)


class _PlateauRunner:
    """Per-trajectory state of ``ReduceLROnPlateau``: arrays of shape ``(N,)``."""

    needs_loss = True

    def __init__(self, s: ReduceLROnPlateau, base_lr: Any, n: int) -> None:
        self.s = s
        self.lr = np.array(np.broadcast_to(np.asarray(base_lr, dtype=float), (n,)))
        self.best = np.full(n, np.inf if s.mode == "min" else -np.inf)
        self.num_bad_epochs = np.zeros(n, dtype=int)
        self.cooldown_counter = np.zeros(n, dtype=int)

    def _is_better(self, a: np.ndarray) -> np.ndarray:
        s, best = self.s, self.best
        if s.mode == "min":
            return a < (best * (1.0 - s.threshold) if s.threshold_mode == "rel" else best - s.threshold)
        return a > (best * (s.threshold + 1.0) if s.threshold_mode == "rel" else best + s.threshold)

    def step(self, loss: Any) -> None:
        """torch's ``ReduceLROnPlateau.step(loss)``, element-wise."""
        s = self.s
        current = np.broadcast_to(np.asarray(loss, dtype=float), self.lr.shape)
        with np.errstate(invalid="ignore", over="ignore"):
            better = self._is_better(current)
        self.best = np.where(better, current, self.best)
        self.num_bad_epochs = np.where(better, 0, self.num_bad_epochs + 1)
        cooling = self.cooldown_counter > 0
        self.cooldown_counter = self.cooldown_counter - cooling
        self.num_bad_epochs[cooling] = 0
        cut = self.num_bad_epochs > s.patience
        new_lr = np.maximum(self.lr * s.factor, s.min_lr)
        self.lr = np.where(cut & (self.lr - new_lr > s.eps), new_lr, self.lr)
        self.cooldown_counter[cut] = s.cooldown
        self.num_bad_epochs[cut] = 0

    def hyper(self, t: int, loss: Any = None) -> dict[str, Any]:
        if t > 1:
            self.step(loss)
        return {"lr": self.lr.copy()}


SCHEDULES: dict[str, type[Schedule]] = {
    cls.name: cls
    for cls in (
        Constant,
        StepLR,
        MultiStepLR,
        ExponentialLR,
        PolynomialLR,
        LinearLR,
        CosineAnnealingLR,
        CosineAnnealingWarmRestarts,
        WarmupCosine,
        OneCycleLR,
        CyclicLR,
        ReduceLROnPlateau,
    )
}


def _schedule_class(name: str) -> type[Schedule]:
    try:
        return SCHEDULES[name]
    except KeyError:
        raise CoreError(
            N_("Unknown schedule {name}; valid names are: {names}"), name=repr(name), names=", ".join(SCHEDULES)
        ) from None


def get_schedule(name: str, **params: Any) -> Schedule:
    """A validated schedule; missing parameters take the defaults listed in ``params``."""
    cls = _schedule_class(name)
    params = cls._torch_params(dict(params))
    known = {h.name: h for h in cls.params}
    # fields of the class that are not controls (MultiStepLR's milestones beyond three) are passed on as given
    extra = {k: params.pop(k) for k in inspect.signature(cls).parameters if k not in known and k in params}
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise CoreError(
            N_("{schedule} got unexpected parameter(s) {unknown}; valid ones are: {valid}"),
            schedule=name,
            unknown=", ".join(unknown),
            valid=", ".join(known) or Message(N_("(none)")),
        )
    return cls(**{k: params.get(k, h.default) for k, h in known.items()}, **extra)


def default_params(name: str, steps: int, optimizers: tuple[str, ...] = ()) -> dict[str, Any]:
    """Sensible parameters of schedule ``name`` for a run of ``steps`` updates of ``optimizers``.

    Step counts (``T_max``, ``total_steps``, ``total_iters``, ...) are scaled to the run so that
    the whole schedule is visible; ``cycle_momentum`` is off when one of the optimizers has neither
    a momentum nor betas (torch refuses it there); everything else is torch's default.
    """
    cls = _schedule_class(name)
    steps = max(int(steps), 1)
    out = {h.name: h.default for h in cls.params}
    warmup = max(1, round(0.1 * steps)) if steps > 1 else 0
    quarter = max(1, steps // 4)
    scaled = {
        "step": {"step_size": quarter},
        "multistep": {"milestone_1": max(1, round(0.5 * steps)), "milestone_2": max(1, round(0.75 * steps))},
        "polynomial": {"total_iters": steps},
        "linear": {"total_iters": steps},
        "cosine": {"T_max": steps},
        "cosine_warm_restarts": {"T_0": quarter},
        "warmup_cosine": {"warmup_steps": warmup, "T_max": max(1, steps - warmup)},
        "one_cycle": {"total_steps": steps},
        "cyclic": {"step_size_up": max(1, steps // 8), "step_size_down": max(1, steps // 8)},
    }
    out.update(scaled.get(name, {}))
    if "cycle_momentum" in out and not all(_has_momentum(o) for o in optimizers):
        out["cycle_momentum"] = False
    return out


def _has_momentum(optimizer: str) -> bool:
    from .optimizers import get_spec

    return any(h.name in ("momentum", "betas") for h in get_spec(optimizer).hypers)


__all__ = [
    "SCHEDULES",
    "Constant",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "LinearLR",
    "MultiStepLR",
    "OneCycleLR",
    "PolynomialLR",
    "ReduceLROnPlateau",
    "Schedule",
    "StepLR",
    "WarmupCosine",
    "default_params",
    "get_schedule",
]
