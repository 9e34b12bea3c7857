"""The nadam page."""
from ui.optimizer_page import render

render("nadam")
