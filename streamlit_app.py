"""Descent Lab: see how gradient-descent optimizers behave. Entrypoint: navigation only."""
import streamlit as st

from ui.pages import SECTIONS

st.set_page_config(page_title="Descent Lab", page_icon="⛰️", layout="wide")
navigation = st.navigation({
    section: [st.Page(path, title=title, icon=icon) for path, title, icon in pages]
    for section, pages in SECTIONS.items()
})
navigation.run()
