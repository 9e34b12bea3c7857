"""The adam page."""
from ui.optimizer_page import render

render("adam")
