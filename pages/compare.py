"""Compare several optimizers, or reproduce the article."""

from ui.app import page
from ui.compare import render

page(render)
