"""Lesson 2: conditioning and momentum, textbook rates beside measured ones."""

from ui.app import page
from ui.lessons.momentum import render

page(render)
