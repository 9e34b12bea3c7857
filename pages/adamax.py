"""The adamax page."""
from ui.optimizer_page import render

render("adamax")
