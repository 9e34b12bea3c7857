"""The gd page."""
from ui.optimizer_page import render

render("gd")
