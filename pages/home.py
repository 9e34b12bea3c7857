"""Home page."""

from ui.app import page
from ui.home import render

page(render)
