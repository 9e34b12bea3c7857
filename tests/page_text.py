"""Every text a page shows, read from AppTest's element protos: for checks of what a reader sees.

``page_texts`` walks the rendered tree and gathers each element's strings (Markdown, titles, captions,
alerts, widget labels, options and helps, metric labels and values, tab and expander labels, image
captions), every string cell of a table or dataframe and of a Vega-Lite chart's data, and the strings of
a chart's spec (titles, axis and legend titles, a legend's domain). Code blocks are left out: a program's
comments are English by design.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pyarrow as pa
from google.protobuf.message import Message as Proto
from streamlit.testing.v1 import AppTest

# Proto fields that hold no text a reader sees (identifiers, keys, styles, encoded data handled apart).
_SKIP = {
    "id",
    "form_id",
    "key",
    "element_id",
    "url",
    "icon",
    "css",
    "spec",
    "data",
    "datasets",
    "theme",
    "selection_mode",
}
_SKIP_KINDS = {"code", "html"}


def _repeated(value: object) -> bool:
    return hasattr(value, "__len__") and not isinstance(value, (str, bytes, Proto))


def _strings(proto: Proto) -> Iterator[str]:
    for field, value in proto.ListFields():
        if field.name in _SKIP:
            continue
        items = value if _repeated(value) else [value]
        for item in items:
            if isinstance(item, str):
                yield item
            elif isinstance(item, Proto):
                yield from _strings(item)


def _arrow_strings(data: bytes) -> Iterator[str]:
    if not data:
        return
    try:
        table = pa.ipc.open_stream(data).read_all()
    except pa.ArrowInvalid:
        return
    yield from (str(c) for c in table.column_names)
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            yield from (v for v in column.to_pylist() if isinstance(v, str))


def _spec_strings(spec: object) -> Iterator[str]:
    """The strings of a Vega-Lite spec that can reach the screen: titles, labels, a scale's domain."""
    if isinstance(spec, dict):
        for k, v in spec.items():
            if k in ("title", "domain", "text", "subtitle") or k.endswith("Expr"):
                yield from (s for s in _flat(v) if isinstance(s, str))
            if isinstance(v, (dict, list)):
                yield from _spec_strings(v)
    elif isinstance(spec, list):
        for v in spec:
            yield from _spec_strings(v)


def _flat(value: object) -> Iterator[object]:
    if isinstance(value, list):
        for v in value:
            yield from _flat(v)
    elif isinstance(value, dict):
        yield from _flat(value.get("text", []))
    else:
        yield value


def page_texts(at: AppTest) -> list[str]:
    """Every text on the page (see the module's docstring), in tree order."""
    out: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if getattr(node, "type", None) not in _SKIP_KINDS and isinstance(proto, Proto):
            out.extend(_strings(proto))
            spec = getattr(proto, "spec", "")  # a Vega-Lite chart: its spec and its datasets
            if isinstance(spec, str) and spec.startswith("{"):
                out.extend(_spec_strings(json.loads(spec)))
            for dataset in getattr(proto, "datasets", ()):
                out.extend(_arrow_strings(dataset.data.data))
            data = getattr(proto, "data", None)  # a dataframe or table: Arrow IPC bytes
            out.extend(_arrow_strings(data if isinstance(data, bytes) else getattr(data, "data", b"")))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return [t for t in out if t.strip()]
