"""The lion page."""
from ui.optimizer_page import render

render("lion")
