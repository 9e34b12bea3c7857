"""Run the network lab's PyTorch programs with real torch and compare their last line with the app (needs torch).

Not a test (tests never import torch). From the repository root:

    python -m scripts.check_network_programs

Every case of ``tests/reference/network_program_cases.py`` is written by ``core.network_program``, run in a
fresh Python, and its printed ``final train loss = …`` (6 significant digits) must equal the app's own
final training loss of the same seed-0 network. ``tests/reference/make_network_programs.py`` records the
same runs for the test that has no torch.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.reference.network_program_cases import CASES, app_line, program


def run_program(code: str, lines: int = 1) -> Any:
    """Run a program in a fresh interpreter (one thread) and return its last printed line (or last ``lines``, last first)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "program.py"
        path.write_text(code, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, str(path)],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"},
        )
    if done.returncode:
        raise RuntimeError(done.stderr)
    out = done.stdout.strip().splitlines()[::-1]
    return out[0] if lines == 1 else out[:lines]


def main() -> int:
    ok = 0
    for cid, case in CASES.items():
        torch_line, want = run_program(program(case)), app_line(case)
        ok += torch_line == want
        print(f"{'ok  ' if torch_line == want else 'FAIL'} {cid:32s} torch: {torch_line}   app: {want}")
    print(f"{ok} passed, {len(CASES) - ok} failed")
    return 0 if ok == len(CASES) else 1


if __name__ == "__main__":
    raise SystemExit(main())
