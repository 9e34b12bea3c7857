"""The momentum page."""
from ui.optimizer_page import render

render("momentum")
