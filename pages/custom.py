"""Your own function page."""
from ui.custom import render

render()
