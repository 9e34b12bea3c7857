"""Text that came from a user or a link, made safe for the element that shows it.

Streamlit renders Markdown (links, images, headings, HTML) in ``st.markdown``, captions, labels
and alerts; a formula or URL value must never become any of those. One helper per target.
"""
from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&=\"'])")


def plain(text: object, limit: int = 80) -> str:
    """``text`` as literal Markdown: one line, at most ``limit`` characters, every special sign escaped."""
    one_line = " ".join(str(text).split())
    if len(one_line) > limit:
        one_line = one_line[: limit - 1] + "…"
    return _MARKDOWN_SPECIAL.sub(r"\\\1", one_line)
