"""The yardstick for first loads: the least a page of this kind can be (one slider, one Altair chart, one contour)."""

import io

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
from matplotlib.figure import Figure


def chart_and_contour(lr: float) -> None:
    """One Altair line chart and one matplotlib contour image, drawn for ``lr``."""
    x = np.arange(50)
    st.altair_chart(alt.Chart(pd.DataFrame({"step": x, "f": np.exp(-lr * x)})).mark_line().encode(x="step", y="f"))
    fig = Figure(figsize=(5.6, 4.4))
    ax = fig.add_subplot()
    X, Y = np.meshgrid(np.linspace(-8, 8, 160), np.linspace(-8, 8, 160))
    ax.contourf(X, Y, np.sqrt(0.1 * X**2 + 2 * Y**2), levels=30)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    st.image(buf.getvalue())


if __name__ == "__main__":  # run as the page (``streamlit run``), not imported by floor_app
    chart_and_contour(st.slider("lr", 0.01, 1.0, 0.4))
