"""Descent Lab: see how gradient-descent optimizers behave. Entrypoint: the navigation."""

from ui.app import run_app

run_app()
