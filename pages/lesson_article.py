"""Lesson: article (a guided page with live figures)."""
from ui.app import page
from ui.lessons.article import render

page(render)
