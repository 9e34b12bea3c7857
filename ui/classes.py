"""The per-class test accuracy table: one row per class, one column per trained network.

Shared by the pages that train classifiers of ten or so classes (the network lab's digits, the
MNIST-1D page): ``class_columns`` scores trained parameters class by class (``core.classes``),
``show_class_table`` draws such columns, from one network or several, as a small Markdown table.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from core.classes import class_accuracy

from . import layout
from .i18n import _


def class_columns(network: Any, thetas: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Test accuracy per class ``(classes,)`` of each named network θ ``(D,)`` of ``network``, in one batched pass."""
    if not thetas:
        return {}
    stacked = np.stack([np.asarray(t, dtype=float) for t in thetas.values()])
    return dict(zip(thetas, class_accuracy(network, stacked), strict=True))


def class_frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """The table: a "class" column (0, 1, …), then one column of accuracies (0–1) per name."""
    classes = max((len(c) for c in columns.values()), default=0)
    return pd.DataFrame({_("class"): [str(k) for k in range(classes)], **columns})


def show_class_table(columns: dict[str, np.ndarray], heading: str, where: Any = st) -> pd.DataFrame:
    """``class_frame(columns)`` under ``heading`` (Markdown), accuracies as percentages; returns the table."""
    frame = class_frame(columns)
    where.markdown(heading)
    layout.markdown_table(frame, {name: "{:.0%}" for name in columns}, where=where)
    return frame
