"""The adamw page."""
from ui.optimizer_page import render

render("adamw")
