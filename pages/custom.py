"""Your own function page."""

from ui.app import page
from ui.custom import render

page(render)
