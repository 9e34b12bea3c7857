"""Basins of attraction page."""

from ui.app import page
from ui.basins import render

page(render)
