"""The adadelta page."""
from ui.optimizer_page import render

render("adadelta")
