"""Compare several optimizers, or reproduce the article."""
from ui.compare import render

render()
