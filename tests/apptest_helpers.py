"""Helpers for driving the app with ``streamlit.testing.v1.AppTest``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qsl

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest

ENTRY = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")


def open_page(page: str, query: dict[str, str] | None = None, timeout: float = 60) -> AppTest:
    """A fresh session of the app showing ``page`` (with optional URL query parameters)."""
    at = AppTest.from_file(ENTRY, default_timeout=timeout)
    at.run()
    at.switch_page(page)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def count(at: AppTest, kind: str) -> int:
    """Number of elements of ``kind`` (e.g. "image", "vega_lite_chart") anywhere on the page."""

    def walk(node) -> int:
        return (getattr(node, "type", None) == kind) + sum(walk(c) for c in getattr(node, "children", {}).values())

    return walk(at._tree)


def charts(at: AppTest) -> list[tuple[dict, pd.DataFrame]]:
    """Every Vega-Lite chart on the page: its spec and its (first) named dataset as a table."""

    def walk(node):
        if getattr(node, "type", None) in ("arrow_vega_lite_chart", "vega_lite_chart"):
            yield node
        for c in getattr(node, "children", {}).values():
            yield from walk(c)

    out = []
    for node in walk(at._tree):
        proto = node.proto
        data = pd.DataFrame()
        if proto.datasets:
            data = pa.ipc.open_stream(proto.datasets[0].data.data).read_all().to_pandas()
        spec = json.loads(proto.spec)
        if isinstance(spec.get("title"), list):  # a title wrapped into lines (ui.charts.wrapped): the one text it is
            spec["title"] = spec.get("description", " ".join(spec["title"]))
        out.append((spec, data))
    return out


def images(at: AppTest) -> list:
    def walk(node):
        if getattr(node, "type", None) == "image":
            yield node
        for c in getattr(node, "children", {}).values():
            yield from walk(c)

    return list(walk(at._tree))


def image_ids(at: AppTest) -> list[str]:
    """Identifiers of the images drawn (they change when the picture changes)."""
    return [str(img.proto) for img in images(at)]


def page_link_protos(at: AppTest) -> list:
    """Every ``st.page_link`` element drawn (popovers and expanders included), as protos."""

    def walk(node):
        if getattr(node, "type", None) == "page_link":
            yield node.proto
        for c in getattr(node, "children", {}).values():
            yield from walk(c)

    return list(walk(at._tree))


def page_links(at: AppTest) -> list[tuple[str, dict[str, str]]]:
    """Every page link drawn: (page file, query parameters)."""
    return [(f"pages/{p.page or 'home'}.py", dict(parse_qsl(p.query_string))) for p in page_link_protos(at)]


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def show_tab(at: AppTest, key: str, label: str) -> AppTest:
    """Select tab ``label`` of the tabs with ``key`` (only the open tab is drawn) and rerun."""
    at.session_state[key] = label
    return at.run()


def markdown_tables(at: AppTest) -> list[pd.DataFrame]:
    """Every Markdown table on the page (as ``ui.text.table`` writes them): cells unescaped, numbers as numbers."""
    out = []
    for md in at.markdown:
        lines = md.value.strip().splitlines()
        if len(lines) < 2 or not lines[0].startswith("|") or not re.fullmatch(r"\|(:?-+:?\|)+", lines[1]):
            continue
        rows = [[_unescape(c) for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]] for line in lines]
        out.append(pd.DataFrame(rows[2:], columns=rows[0]).apply(_numbers))
    return out


def _numbers(column: pd.Series) -> pd.Series:
    """A column of numbers as numbers (as a table element would give them); any other column as text."""
    try:
        return pd.to_numeric(column)
    except (ValueError, TypeError):
        return column


def _unescape(cell: str) -> str:
    return re.sub(r"\\(.)", r"\1", cell.replace("\u200b", "")).strip()
