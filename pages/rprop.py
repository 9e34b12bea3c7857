"""The rprop page."""
from ui.optimizer_page import render

render("rprop")
