"""The minimal page plus Compare's controls and text, in plain Streamlit: what Compare's widgets alone cost a fresh tab.

The chart and contour of ``minimal_app.py``; around them, the same widget types and counts that Compare
shows on first sight (sidebar and main area), with none of the app's code. Its ratio to the minimal page is
the least Compare can reach while keeping those controls in view.
"""

import streamlit as st
from minimal_app import chart_and_contour  # beside this script: streamlit run puts its folder on the path

OPTIMIZERS = ["Gradient descent", "Momentum (heavy ball)", "Nesterov", "Adagrad", "RMSprop", "Adam", "AdamW"]

side = st.sidebar
side.radio("Language", ["English", "中文"])
side.button("Lecture deck", icon=":material/slideshow:")
side.toggle("Article setting", help="The article's settings.")
chosen = side.multiselect("Optimizers", OPTIMIZERS, OPTIMIZERS[:5])
side.header("Landscape")
side.selectbox("Landscape", ["Quadratic bowl", "Rosenbrock", "Saddle"])
side.slider("start x", -8.0, 8.0, -4.0)
side.slider("start y", -8.0, 8.0, -6.0)
side.slider("Steps", 1, 500, 50, help="Updates per run.")
side.expander("Schedule and gradient noise").write("…")
side.header("Hyperparameters")
for name in chosen:
    side.expander(name).write("…")

st.title("Compare optimizers")
st.button("Reproduce the article", type="primary")
row = st.container(horizontal=True, vertical_alignment="bottom")  # the player (ui/player.py)
row.button("Play")
row.button("Reset")
row.button("End")
row.container(width=150).selectbox("Speed", ["auto · 10 s", "1 steps/s", "10 steps/s"])
lr = st.slider("lr", 0.01, 1.0, 0.4)
st.markdown(r"$$ f(x, y) = 0.1\,x^2 + 2\,y^2 $$")
st.caption("An elongated bowl whose curvature differs 20-fold between the axes.")
chart_and_contour(lr)
st.caption("Start ○, ends ✕, known minima ★")
