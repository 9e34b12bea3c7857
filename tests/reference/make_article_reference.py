"""Regenerate ``torch_article.npz``: the paths of the article's PyTorch program (``core.snippets.article_program``)
run with real torch.

Needs torch (not a test requirement). From the repository root:

    python -m tests.reference.make_article_reference

The program is executed as the page shows it; its ``paths`` (one ``(T, 2)`` array per optimizer, Adam's cut
where the article stops it) are stored with the SHA-256 of the program's text, so the test knows the
reference belongs to the program the page shows today.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from pathlib import Path

import numpy as np

from core.snippets import article_program

OUT = Path(__file__).with_name("torch_article.npz")


def program_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def main() -> None:
    text = article_program()
    scope: dict = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(text, "article_program", "exec"), scope)  # our own generated program, as a user runs it
    paths = {name: path.numpy() for name, path in scope["paths"].items()}
    np.savez_compressed(OUT, digest=np.array(program_digest(text)), printed=np.array(printed.getvalue()), **paths)
    print(printed.getvalue(), end="")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
