"""Descent Lab: see how gradient-descent optimizers behave."""
import streamlit as st

st.title("Descent Lab")
st.write("The app pages are on their way; the numerical core lives in `core/`.")
