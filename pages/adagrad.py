"""The adagrad page."""
from ui.optimizer_page import render

render("adagrad")
