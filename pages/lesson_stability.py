"""Lesson 3: stability and curvature, sharpness against 2/lr and what Adam sees."""

from ui.app import page
from ui.lessons.stability import render

page(render)
