"""The nesterov page."""
from ui.optimizer_page import render

render("nesterov")
