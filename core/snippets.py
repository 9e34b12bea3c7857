"""Short, runnable PyTorch programs that redo one of the app's runs with ``torch.optim``.

A snippet has the landscape written in torch ops (the ``torch`` text each built-in landscape carries beside ``f``,
a translation of the checked formula tree for a typed formula), the same start, optimizer class and
hyperparameters, and the same ``torch.optim.lr_scheduler`` with the app's parameter values.
Everything here is text: torch is never imported.

>>> from core.run import Landscape, Run
>>> print(snippet(Run.of(Landscape("quadratic"), "adam", {"lr": 0.1}, steps=20)).splitlines()[-1])
print(f"after {len(path) - 1} steps: x = {p[0].item():.6g}, y = {p[1].item():.6g}, f = {f(p).item():.6g}")
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .functions import get_function
from .messages import N_, CoreError, Message
from .optimizers import NETWORK_SPECS, get_spec
from .run import Formula, Run, Surface
from .schedules import get_schedule
from .workloads import Workload

# Functions of the formula language and their torch names (the two-argument min / max are elementwise).
_TORCH_CALLS = {"min": "torch.minimum", "max": "torch.maximum"}
_TORCH_CONSTANTS = {"pi": "math.pi", "e": "math.e", "x": "x", "y": "y"}
# Where the torch constructor's default differs from the app's starting value (SGD's momentum is 0 in torch).
TORCH_DEFAULTS: Mapping[str, Mapping[str, Any]] = {"SGD": {"momentum": 0.0, "nesterov": False}}
# Options of the app that torch.optim does not have: a run that turns one on has no snippet.
NOT_IN_TORCH = {"eps_inside_sqrt": N_("ε inside the square root (the article's variant)")}
MAX_FORMULA_CHARS = 300  # a translated formula longer than this is "not available" (not short any more)


class SnippetUnavailable(CoreError):
    """The run cannot be written as a torch.optim program (Lion, or a formula too long to be a snippet)."""


def torch_class(name: str) -> str:
    """The ``torch.optim`` class of optimizer ``name``; raises ``SnippetUnavailable`` for Lion and the like."""
    spec = get_spec(name)
    if not spec.torch_name:
        raise SnippetUnavailable(
            N_("{optimizer} is not in torch.optim, so there is no PyTorch snippet for it."), optimizer=spec.display_name
        )
    return spec.torch_name


def optimizer_class(name: str) -> str:
    """What the snippet constructs: ``torch.optim.X``, or for one that torch.optim lacks its reference
    package's class (``pytorch_optimizer.AdEMAMix``); raises ``SnippetUnavailable`` when there is neither."""
    ref = get_spec(name).reference
    if ref is not None and not get_spec(name).torch_name:
        return ref.path
    return f"torch.optim.{torch_class(name)}"


def _on_landscape(name: str) -> None:
    """Refuse the network-only optimizers (Muon, Adafactor): torch runs them on weight matrices, not on a 2-D point."""
    if name in NETWORK_SPECS:
        raise SnippetUnavailable(
            N_(
                "{optimizer} works on the weight matrices of a network, so there is no PyTorch snippet of it on a landscape."
            ),
            optimizer=get_spec(name).display_name,
        )


def optimizer_kwargs(name: str, hp: Mapping[str, Any], network: bool = False) -> dict[str, Any]:
    """The keyword arguments of the torch constructor: ``lr`` and every value that differs from torch's default.

    Muon and Adafactor are refused unless ``network`` (their program trains a network, ``core.network_program``).
    """
    if not network:
        _on_landscape(name)
    spec = get_spec(name)
    torch_defaults = TORCH_DEFAULTS.get(spec.torch_name, {})
    out: dict[str, Any] = {}
    for h in spec.hypers:
        value = _plain(hp.get(h.name, h.default))
        default = _plain(torch_defaults.get(h.name, h.default))
        if h.name in NOT_IN_TORCH:
            if value != default:
                raise SnippetUnavailable(
                    N_("{option} is not an option of torch.optim.{torch_class}."),
                    option=Message(NOT_IN_TORCH[h.name]),
                    torch_class=spec.torch_name,
                )
            continue
        if h.name == "lr" or value != default:
            out[h.name] = int(value) if h.kind == "int" else value
    return out


def schedule_call(schedule: tuple | None, lr: float) -> str | None:
    """``torch.optim.lr_scheduler.X(optimizer, ...)`` for the app's ``(name, ((param, value), ...))``, or None."""
    if schedule is None or schedule[0] == "constant":
        return None
    name = schedule[0]
    s = get_schedule(name, **dict(schedule[1]))
    full = {h.name: _plain(getattr(s, h.name)) for h in type(s).params}
    S = "torch.optim.lr_scheduler"
    if name == "multistep":
        milestones = list(getattr(s, "milestones"))  # noqa: B009 - a property of MultiStepLR only
        return f"{S}.MultiStepLR(optimizer, milestones={milestones!r}, gamma={full['gamma']!r})"
    if name == "warmup_cosine":
        w = full["warmup_steps"]
        return (
            f"{S}.SequentialLR(optimizer, [\n"
            f"    {S}.LinearLR(optimizer, start_factor={full['start_factor']!r}, end_factor=1.0, "
            f"total_iters={w!r}),\n"
            f"    {S}.CosineAnnealingLR(optimizer, T_max={full['T_max']!r}, eta_min={full['eta_min']!r}),\n"
            f"], milestones=[{w!r}])"
        )
    if name in ("one_cycle", "cyclic") and full["max_lr"] is None:
        full["max_lr"] = float(lr)  # the app's default: the optimizer's lr is the peak
    if name == "cyclic" and full["base_lr"] is None:
        full["base_lr"] = full["max_lr"] / 4.0  # the app's default: a quarter of max_lr
    return f"{S}.{type(s).__name__}(optimizer, {_kwargs(full)})"


def scheduler_steps(schedule: tuple | None, steps: int, loss: str) -> list[str]:
    """The training loop's lines (indented once) that step the scheduler of ``schedule_call`` after each update.

    ``loss`` is the expression of the objective at the new point (ReduceLROnPlateau reads it); a one-cycle
    schedule shorter than the run stops stepping at ``total_steps`` (torch would raise), where the app holds.
    """
    if schedule is None or schedule[0] == "constant":
        return []
    if schedule[0] == "plateau":
        return ["    with torch.no_grad():", f"        scheduler.step({loss})"]
    held = _one_cycle_total(schedule)
    if held is not None and held < steps:
        return [
            f"    if step < {held}:  # OneCycleLR stops at total_steps; the lr stays where it ended",
            "        scheduler.step()",
        ]
    return ["    scheduler.step()"]


def _one_cycle_total(schedule: tuple | None) -> int | None:
    """``total_steps`` of a one-cycle schedule, else None."""
    if schedule is None or schedule[0] != "one_cycle":
        return None
    return int(getattr(get_schedule("one_cycle", **dict(schedule[1])), "total_steps"))  # noqa: B009


def formula_torch(text: str) -> str:
    """A typed formula in torch ops, from its checked tree; raises ``FormulaError`` or ``SnippetUnavailable``."""
    from .formula import _read

    _, tree = _read(text)
    out = _node_torch(tree)
    if len(out) > MAX_FORMULA_CHARS:
        raise SnippetUnavailable(N_("The formula is too long to write as a short PyTorch snippet."))
    return out


def function_torch(surface: Surface) -> str:
    """f(x, y) in torch ops for a landscape (its ``torch`` text) or a typed formula (translated from its tree)."""
    if isinstance(surface, Formula):
        return formula_torch(surface.text)
    expr = surface.objective().torch
    if not expr:
        raise SnippetUnavailable(N_("No torch formula for the landscape {name}."), name=repr(surface.name))
    return expr


def snippet(run: Run, title: str = "") -> str:
    """A complete PyTorch program (float64) that redoes ``run`` (a landscape or formula run) with torch.

    Raises ``SnippetUnavailable`` (a ``ValueError``) when torch cannot express the run.
    """
    if isinstance(run.task, Workload):
        raise SnippetUnavailable(N_("A network run's program is written by core.network_program."))
    name, hp, schedule, noise, seed, steps = run.optimizer, run.hp, run.schedule, run.noise, run.seed, run.steps
    _on_landscape(name)
    cls = optimizer_class(name)
    ref = get_spec(name).reference if not cls.startswith("torch.") else None
    expr = function_torch(run.task)
    kwargs = optimizer_kwargs(name, hp)
    sched = schedule_call(schedule, kwargs["lr"])
    x, y = (_plain(float(v)) for v in run.x0())
    lines = [
        f"# {title}"
        if title
        else f"# {get_spec(name).display_name} with {ref.package if ref else 'torch.optim'}, as in Descent Lab",
        *(
            [f"# {get_spec(name).display_name} is not in torch.optim: this uses {ref.path} (pip install {ref.pip})."]
            if ref
            else []
        ),
        *(["import math", ""] if "math." in expr else []),
        "import torch",
        *([f"import {ref.module}"] if ref else []),
        "",
        "torch.set_default_dtype(torch.float64)",
        "",
        "",
        "def f(p):",
        "    x, y = p[0], p[1]",
        f"    return {expr}",
        "",
        "",
        f"p = torch.tensor([{x!r}, {y!r}], requires_grad=True)",
        f"optimizer = {cls}([p], {_kwargs(kwargs)})",
    ]
    if ref is not None and ref.train_mode:
        lines.append("optimizer.train()  # Schedule-Free steps in train mode: p is y, where gradients are taken")
    if sched:
        lines.append(f"scheduler = {sched}")
    if noise > 0:
        lines += [f"torch.manual_seed({int(seed)})  # noisy gradients: statistically like the app's run, not equal"]
    lines += [
        "path = [p.detach().clone()]",
        f"for step in range({int(steps)}):",
        "    optimizer.zero_grad()",
        "    f(p).backward()",
    ]
    if noise > 0:
        lines.append(f"    p.grad += {_plain(float(noise))!r} * torch.randn(2)")
    lines.append("    optimizer.step()")
    lines += scheduler_steps(schedule, steps, "f(p).item()")
    lines += [
        "    path.append(p.detach().clone())",
        'print(f"after {len(path) - 1} steps: x = {p[0].item():.6g}, y = {p[1].item():.6g}, f = {f(p).item():.6g}")',
    ]
    if ref is not None and ref.train_mode:
        lines += [
            "optimizer.eval()  # p becomes the averaged point x, the one to evaluate",
            'print(f"averaged point: x = {p[0].item():.6g}, y = {p[1].item():.6g}, f = {f(p).item():.6g}")',
        ]
    return "\n".join(lines) + "\n"


def article_program(title: str = "") -> str:
    """The article's five runs as one PyTorch program (float64, gradients by autograd) that prints where each ends.

    Its Adagrad, RMSprop and Adam put c inside the square root, √(v + c), which torch.optim's classes (√v + eps)
    do not offer, so every update rule is written out in tensor ops, as the article writes it (gradient descent
    and momentum are exactly ``torch.optim.SGD``); Adam stops as the article stops it. The program's
    ``paths`` are the app's ``core.article.run`` paths to rounding (a committed torch reference checks it).
    """
    from . import article

    hp = article.HYPERPARAMETERS
    gamma, alpha = hp["momentum"]["momentum"], hp["rmsprop"]["alpha"]
    beta1, beta2 = hp["adam"]["betas"]
    starts = ", ".join(f'"{n}": ({x!r}, {y!r})' for n, (x, y) in article.STARTS.items())
    return f"""# {title or "The article's five runs in PyTorch (Descent Lab)"}
# f(x, y) = 0.1x² + 2y², lr {article.LR!r}, {article.STEPS} steps, c = {article.EPS!r} inside the square root.
# torch.optim's Adagrad, RMSprop and Adam add eps outside it, sqrt(v) + eps; the article writes sqrt(v + c),
# so each update rule is written out here in tensor ops, as the article gives it. Gradient descent and
# momentum are exactly torch.optim.SGD(lr={article.LR!r}) and SGD(lr={article.LR!r}, momentum={gamma!r}).
import torch

torch.set_default_dtype(torch.float64)
LR, STEPS, C = {article.LR!r}, {article.STEPS}, {article.EPS!r}


def f(p):
    x, y = p[0], p[1]
    return {get_function(article.FUNCTION).torch}


def gd(g, s, t):
    return LR * g


def momentum(g, s, t):  # gamma = {gamma!r}; the first velocity is g itself, as in torch.optim.SGD
    s["v"] = g if t == 1 else {gamma!r} * s["v"] + g
    return LR * s["v"]


def adagrad(g, s, t):
    s["G"] = s.get("G", 0.0) + g * g
    return LR * g / torch.sqrt(s["G"] + C)


def rmsprop(g, s, t):  # gamma = {alpha!r}
    s["E"] = {alpha!r} * s.get("E", 0.0) + (1 - {alpha!r}) * g * g
    return LR * g / torch.sqrt(s["E"] + C)


def adam(g, s, t):  # beta = ({beta1!r}, {beta2!r}), with bias correction
    s["m"] = {beta1!r} * s.get("m", 0.0) + (1 - {beta1!r}) * g
    s["v"] = {beta2!r} * s.get("v", 0.0) + (1 - {beta2!r}) * g * g
    m_hat, v_hat = s["m"] / (1 - {beta1!r}**t), s["v"] / (1 - {beta2!r}**t)
    return LR * m_hat / torch.sqrt(v_hat + C)


def adam_stops(p):  # the article stops Adam as soon as {article.STOP_RULE}
    return bool(p[0].abs() <= 0.1 and p[1].abs() < 0.1)


STARTS = {{{starts}}}
RULES = {{"gd": gd, "momentum": momentum, "adagrad": adagrad, "rmsprop": rmsprop, "adam": adam}}
paths = {{}}
for name, rule in RULES.items():
    p = torch.tensor(STARTS[name], requires_grad=True)
    state, path = {{}}, [p.detach().clone()]
    for t in range(1, STEPS + 1):
        if name == "adam" and adam_stops(p):
            break
        (g,) = torch.autograd.grad(f(p), p)
        with torch.no_grad():
            p -= rule(g, state, t)
        path.append(p.detach().clone())
    paths[name] = torch.stack(path)
    x, y = path[-1].tolist()
    print(f"{{name:8}} {{len(path) - 1:2}} steps: x = {{x:.6g}}, y = {{y:.6g}}, f = {{f(path[-1]).item():.6g}}")
"""


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4}


def _node_torch(node: Any) -> str:
    """One formula node in torch ops, with parentheses wherever Python's precedence would change its meaning."""
    if node.op == "num":
        return repr(node.leaf)
    if node.op == "name":
        return _TORCH_CONSTANTS[node.leaf]
    if node.op == "neg":
        return "-" + _wrapped(node.args[0], _PRECEDENCE[node.op] + 1)
    if node.op in _PRECEDENCE:
        mine = _PRECEDENCE[node.op]
        left = _wrapped(node.args[0], mine + (node.op == "**"))
        right = _wrapped(node.args[1], mine + (node.op in ("-", "/")))
        return f"{left} {node.op} {right}"
    args = ", ".join(_const_tensor(n) for n in node.args)
    return f"{_TORCH_CALLS.get(node.op, 'torch.' + node.op)}({args})"


def _wrapped(node: Any, least: int) -> str:
    """``node`` in torch ops, parenthesised when it binds less tightly than ``least``."""
    text = _node_torch(node)
    return f"({text})" if _PRECEDENCE.get(node.op, 9) < least else text


def _const_tensor(node: Any) -> str:
    """An argument of a torch function: constants become tensors (torch.sin(2.0) is refused), others stay."""
    if node.value is None:
        return _node_torch(node)
    return f"torch.tensor({node.value!r})"


def _plain(value: Any) -> Any:
    """NumPy scalars and tuples as plain Python values, so ``repr`` writes valid, exact source."""
    if isinstance(value, (tuple, list)):
        return tuple(_plain(v) for v in value)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return float(value)
    return value


def _kwargs(kwargs: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in kwargs.items())


__all__ = [
    "MAX_FORMULA_CHARS",
    "SnippetUnavailable",
    "formula_torch",
    "function_torch",
    "optimizer_class",
    "optimizer_kwargs",
    "schedule_call",
    "scheduler_steps",
    "snippet",
    "torch_class",
]
