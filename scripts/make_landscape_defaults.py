"""Write ``core/data/landscape_defaults.json``: a learning rate per built-in landscape and optimizer.

A page opened on a landscape starts from these values, so fresh defaults converge (or at least
do not diverge) everywhere. Each lr is tuned with ``core.tune`` over the lr slider's own values
(the other hyperparameters stay at the optimizer's demo values), scored by the area under the
loss curve over 100 steps, then lowered step by step until runs of 50 and 500 steps stay finite.
The article's quadratic keeps the article's lr (the demo values). Run from the repository root:

    python -m scripts.make_landscape_defaults
"""

from __future__ import annotations

import json

import core
from core.defaults import DATA, demo_hyperparameters, suggest_lr
from ui.controls import log_options

KEEP_DEMO = ("quadratic",)


def lr_options(name: str) -> list[float]:
    """The values of optimizer ``name``'s lr slider."""
    h = core.get_spec(name).hyper("lr")
    return log_options(*h.ui, (demo_hyperparameters(name)["lr"],))


def main() -> None:
    table: dict[str, dict[str, float]] = {}
    for fn in core.list_functions():
        if fn in KEEP_DEMO:
            continue
        f = core.get_function(fn)
        table[fn] = {name: suggest_lr(f, name, lr_options(name)) for name in core.OPTIMIZERS}
        print(fn, table[fn])
    DATA.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    print(f"wrote {DATA}")


if __name__ == "__main__":
    main()
