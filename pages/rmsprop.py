"""The rmsprop page."""
from ui.optimizer_page import render

render("rmsprop")
