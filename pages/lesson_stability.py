"""Lesson: stability (a guided page with live figures)."""
from ui.app import page
from ui.lessons.stability import render

page(render)
