"""Lesson: momentum (a guided page with live figures)."""
from ui.app import page
from ui.lessons.momentum import render

page(render)
