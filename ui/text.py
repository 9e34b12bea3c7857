"""Text that came from a user or a link, made safe for the element that shows it.

Streamlit renders Markdown (links, images, headings, HTML, autolinked addresses) in
``st.markdown``, captions, labels and alerts; a formula or URL value must never become any of
those. ``plain`` writes such text as escaped prose, ``code`` as a code span.
"""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&=\"'])")
# GitHub-flavoured Markdown links bare addresses even when their signs are escaped; a zero-width
# space inside "://", after "www" and after "@" stops it without changing what the reader sees.
_AUTOLINK = re.compile(r"(?i)(:)(//)|(www)(\\?\.)|(@)")
_ZWSP = "\u200b"


def _one_line(text: object, limit: int | None) -> str:
    line = " ".join(str(text).split())
    if limit is not None and len(line) > limit:
        line = line[: limit - 1] + "…"
    return line


def plain(text: object, limit: int | None = 80) -> str:
    """``text`` as literal Markdown prose: one line, at most ``limit`` characters, nothing interpreted."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", _one_line(text, limit))
    return _AUTOLINK.sub(lambda m: _ZWSP.join(g for g in m.groups() if g) + (_ZWSP if m.group(5) else ""), escaped)


def code(text: object, limit: int | None = 80) -> str:
    """``text`` as a Markdown code span (nothing inside one is interpreted), on one line."""
    line = _one_line(text, limit)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", line)), default=0) + 1)
    return f"{fence} {line} {fence}"


def table(rows: list[dict[str, str]], right: tuple[str, ...] = ()) -> str:
    """``rows`` (one dict of column -> text each) as a Markdown table; columns in ``right`` align right.

    Used where a table is small and static: a table element would make a fresh tab download and
    run a large grid module first. Every cell is escaped prose (names, numbers, "never").
    """
    if not rows:
        return ""
    columns = list(rows[0])
    head = "| " + " | ".join(plain(c, None) for c in columns) + " |"
    rule = "|" + "|".join("--:" if c in right else ":--" for c in columns) + "|"
    body = ["| " + " | ".join(plain(row.get(c, ""), None) for c in columns) + " |" for row in rows]
    return "\n".join([head, rule, *body])
