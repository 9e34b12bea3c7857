"""Learning-rate sweep page."""

from ui.app import page
from ui.sweep import render

page(render)
