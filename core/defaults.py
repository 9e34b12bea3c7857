"""Starting hyperparameters per landscape: the optimizer's demo values with an lr that suits the landscape.

The lrs come from ``core/data/landscape_defaults.json``, written by
``scripts/make_landscape_defaults.py`` (a batched tuning run), so no page computes them on load.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from .functions import Objective
from .optimizers import get_optimizer, get_spec
from .simulate import simulate
from .tune import tune as _tune

CHECK_STEPS = (50, 500)  # a suggested lr keeps runs of these lengths on the landscape

DATA = Path(__file__).with_name("data") / "landscape_defaults.json"


def demo_hyperparameters(name: str) -> dict[str, Any]:
    """torch's defaults for optimizer ``name`` overridden by its demo values (those of the article's quadratic)."""
    spec = get_spec(name)
    return {**spec.defaults, **spec.demo}


@functools.cache
def _table() -> dict[str, dict[str, float]]:
    return json.loads(DATA.read_text()) if DATA.exists() else {}


def landscape_hyperparameters(function: str, name: str) -> dict[str, Any]:
    """The hyperparameters optimizer ``name`` starts from on built-in landscape ``function``."""
    out = demo_hyperparameters(name)
    lr = _table().get(function, {}).get(name)
    if lr is not None:
        out["lr"] = lr
    return out


def suggest_lr(f: Objective, name: str, options: list[float], budget: int = 32) -> float:
    """An lr among ``options`` for optimizer ``name`` on ``f``: tuned, then lowered until it is stable.

    Tuned by the area under the loss curve over 100 steps from ``f.start`` (the other hyperparameters
    at their demo values), then lowered option by option until runs of ``CHECK_STEPS`` stay finite;
    the smallest option when none does.
    """
    demo = demo_hyperparameters(name)
    fixed = {k: v for k, v in demo.items() if k != "lr"}
    result = _tune(f, name, budget=budget, steps=100, score="auc", fixed=fixed, options={"lr": options})
    lr = float(result.best["lr"]) if result.score < float("inf") else min(options)
    for candidate in sorted((o for o in options if o <= lr), reverse=True):
        opt = get_optimizer(name, **{**demo, "lr": candidate})
        if all(
            simulate(f, opt, f.start, n, record="last", escape=f.escape_radius).diverged_at < 0 for n in CHECK_STEPS
        ):
            return candidate
    return min(options)
