"""Conditioning lab: measured convergence rates on the tunable quadratic against the textbook ones."""

from ui.app import page
from ui.conditioning import render

page(render)
