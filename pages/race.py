"""Fair race page: every optimizer tuned with the same budget, then compared."""

from ui.app import page
from ui.race import render

page(render)
