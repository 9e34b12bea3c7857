"""Lesson 1: why five optimizers move as they do on the article's bowl, told with its own numbers."""

from ui.app import page
from ui.lessons.article import render

page(render)
