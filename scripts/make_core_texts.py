"""Write ``ui/core_texts.py``: every user-visible English text of ``core`` wrapped in ``N_``.

``core`` knows nothing of languages; its texts are translated where ``ui`` shows them: the
metadata read from its records (optimizer names, intuitions and "try this" hints, hyperparameter helps,
schedule names, landscape and data-set descriptions) and every template marked ``N_("...")`` in
its source (the `core.messages.Message` texts of its errors, found by walking the syntax trees).
This file lists them so Babel extracts them into the ``messages`` catalog. Run
``python -m scripts.make_core_texts`` after changing a text in ``core``; a test checks it.
"""

from __future__ import annotations

import ast
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path

import core
from core import article, datasets, schedules
from core.hyper import Hyper
from core.optimizers import NETWORK_SPECS, SPECS

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "ui" / "core_texts.py"
HEADER = '''"""Every user-visible English text of ``core``, marked for translation (generated: do not edit).

Written by ``python -m scripts.make_core_texts``; ``tests/test_i18n.py`` checks it is current.
"""

from __future__ import annotations

from .i18n import N_

TEXTS = (
'''


def _hyper_texts(hypers: Iterable[Hyper]) -> Iterator[str]:
    for h in hypers:
        yield h.help
        yield h.title
        yield from (c.label for c in h.choices)


def marked_texts(package: Path = ROOT / "core") -> list[str]:
    """The literal strings of every ``N_("...")`` call in ``package``'s modules, in file and line order.

    ``N_`` takes only a string literal (the catalog cannot hold a text computed at run time): anything
    else stops the script with the place to fix.
    """
    out: list[str] = []
    for path in sorted(package.rglob("*.py")):
        found: list[tuple[int, int, str]] = []
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_":
                arg = node.args[0] if len(node.args) == 1 and not node.keywords else None
                if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                    raise SystemExit(f"{path.relative_to(ROOT)}:{node.lineno}: N_ takes one string literal")
                found.append((node.lineno, node.col_offset, arg.value))
        out += [text for *_where, text in sorted(found)]
    return out


def texts() -> list[str]:
    """The texts in a stable order, each once."""
    out: list[str] = []
    for spec in (*SPECS.values(), *NETWORK_SPECS.values()):
        out += [
            spec.display_name,
            spec.intuition,
            spec.try_this,
            *spec.state_labels.values(),
            *_hyper_texts(spec.hypers),
        ]
    for name in core.FUNCTIONS:
        f = core.get_function(name)
        out += [f.display_name, f.description]
    for cls in schedules.SCHEDULES.values():
        out += [cls.display_name, *_hyper_texts(cls.params)]
    for name in datasets.DATASETS:
        out.append(datasets.DISPLAY_NAMES[name])
    out += [v[2] for v in datasets._GENERATED.values()]
    out += list(datasets.DESCRIPTIONS.values())
    out += [article.STOP_RULE, *article.CONCLUSIONS.values()]
    out += marked_texts()
    return [t for t in dict.fromkeys(out) if t and t.strip()]


def source() -> str:
    return HEADER + "".join(f"    N_({t!r}),\n" for t in texts()) + ")\n"


if __name__ == "__main__":
    TARGET.write_text(source(), encoding="utf-8")
    subprocess.run(["ruff", "format", str(TARGET)], check=True)
    print(f"wrote {TARGET} ({len(texts())} texts)")
