"""Reproduce MNIST-1D: the paper's table beside the measured one, its signals, and a live run under a CPU cap."""

from ui.app import page
from ui.mnist1d import render

page(render)
