"""Learning-rate sweep page."""
from ui.sweep import render

render()
