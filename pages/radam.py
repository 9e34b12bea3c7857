"""The radam page."""
from ui.optimizer_page import render

render("radam")
