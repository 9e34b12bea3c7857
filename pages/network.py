"""Network lab page."""

from ui.app import page
from ui.network import render

page(render)
