"""The ademamix page."""

from ui.app import page
from ui.optimizer_page import render

page(lambda: render("ademamix"))
