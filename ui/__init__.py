"""Streamlit building blocks shared by the pages: state, controls, cached runs, charts."""
