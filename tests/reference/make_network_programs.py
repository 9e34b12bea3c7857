"""Regenerate ``network_programs.json``: each network-lab PyTorch program's hash and what torch printed.

Needs torch and scikit-learn (neither is a test requirement). From the repository root:

    python -m tests.reference.make_network_programs

For every case of ``network_program_cases.py`` it writes the program with ``core.network_program``,
runs it in a fresh Python (``scripts.check_network_programs.run_program``) and records the SHA-256 of
the program text with the line torch printed last. ``tests/test_network_programs.py`` then checks,
without torch, that the program is still exactly that text and that the app prints the same line.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from scripts.check_network_programs import run_program
from tests.reference.network_program_cases import CASES, app_line, program

TARGET = Path(__file__).with_name("network_programs.json")


def digest(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def main() -> int:
    version = subprocess.run(
        [sys.executable, "-c", "import torch, sklearn; print(torch.__version__, sklearn.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    cases = {}
    for cid, case in CASES.items():
        code = program(case)
        # The program as written, plus one line after its end that prints the loss to all its digits.
        full, printed = run_program(code + "print(repr(loss))\n", lines=2)
        cases[cid] = {"sha256": digest(code), "torch": printed, "torch_loss": float(full)}
        same = "ok  " if cases[cid]["torch"] == app_line(case) else "DIFF"
        print(f"{same} {cid:32s} {cases[cid]['torch']}")
    record = {"torch_version": version[0], "sklearn_version": version[1], "cases": cases}
    TARGET.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(cases)} cases to {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
