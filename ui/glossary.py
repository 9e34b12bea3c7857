"""The glossary: the terms the app uses (optimizers, hyperparameters, landscapes), in both languages.

A teacher preparing a lecture in Chinese finds here which Chinese word the app uses for which English one:
in Chinese the table has a column for each language, in English the term and its meaning. Optimizer names
come from their specs (``i18n.optimizer_name``), so the glossary says what every page says.
"""

from __future__ import annotations

import core

from .i18n import DEFAULT, N_, _, language, optimizer_name
from .text import table

OPTIMIZERS = ("gd", "momentum", "nesterov")  # the optimizers with a Chinese name; Adam and the others keep theirs
# (English term, its meaning in one line): the term is translated by the catalog, as everywhere in the app.
TERMS = (
    (N_("Adaptive optimizer"), N_("Scales each coordinate's step by that coordinate's own gradient history.")),
    (N_("Learning rate (η, lr)"), N_("How far each update moves: the multiple of the gradient or update direction.")),
    (N_("Momentum coefficient (μ, β)"), N_("Fraction of the previous velocity kept each step.")),
    (N_("Betas (β₁, β₂)"), N_("Decay rates of Adam's running averages of the gradient and of its square.")),
    (N_("Epsilon (ε, eps)"), N_("A small number added to a denominator so that the step stays finite.")),
    (N_("Weight decay (λ)"), N_("Pulls the parameters towards zero each step (an L2 penalty).")),
    (N_("Bias correction"), N_("Adam's division by 1 − βᵗ, which undoes its averages' start at zero.")),
    (N_("Learning-rate schedule"), N_("How the learning rate changes over the steps: warm-up, decay, cycles.")),
    (N_("Warm-up"), N_("A learning rate that starts small and rises over the first steps.")),
    (N_("Gradient noise"), N_("Random noise added to every gradient, standing in for a minibatch's error.")),
    (N_("Minibatch"), N_("A sample of the training set whose gradient stands in for the full one.")),
    (N_("Loss landscape"), N_("The function being minimised, drawn over the parameters.")),
    (N_("Level sets"), N_("Curves of equal loss: the contour lines of the landscape.")),
    (N_("Gradient (∇f)"), N_("The direction of steepest ascent; its length is the slope.")),
    (N_("Global minimum"), N_("The lowest point of the landscape.")),
    (N_("Local minimum"), N_("Lower than every point near it, but not the lowest overall.")),
    (N_("Saddle point"), N_("A flat point that is a minimum along one direction and a maximum along another.")),
    (N_("Curvature"), N_("How fast the slope changes along a direction: an eigenvalue of the Hessian.")),
    (N_("Hessian (H)"), N_("The matrix of second derivatives; its eigenvalues are the curvatures.")),
    (N_("Condition number (κ)"), N_("Largest curvature over smallest: how long and narrow a valley is.")),
    (
        N_("Stability limit (2/L)"),
        N_("The largest lr at which gradient descent does not diverge (L: largest curvature)."),
    ),
    (N_("Diverge"), N_("The loss grows without bound instead of settling.")),
    (N_("Oscillate"), N_("Swing back and forth across a valley instead of following it.")),
    (N_("Converge"), N_("Settle at a minimum.")),
    (N_("Basin of attraction"), N_("Every start from which an optimizer ends at the same minimum.")),
    (N_("Performance profile"), N_("The share of problems each optimizer solves within τ times the best cost.")),
    (N_("Tuning budget"), N_("How many trials each optimizer gets to search its hyperparameters.")),
)
OPTIMIZER_MEANINGS = {
    "gd": N_("Steps against the gradient, a fixed multiple of it."),
    "momentum": N_("Gradient descent with a velocity: a running sum of past gradients."),
    "nesterov": N_("Momentum that takes the gradient where the velocity is about to carry it."),
}


def rows() -> list[tuple[str, str, str]]:
    """(term in the current language, English term, meaning in the current language), optimizers first."""
    named = [(optimizer_name(n), core.get_spec(n).display_name, _(OPTIMIZER_MEANINGS[n])) for n in OPTIMIZERS]
    return [*named, *((_(term), term, _(meaning)) for term, meaning in TERMS)]


def glossary_table() -> str:
    """The glossary as a Markdown table: Chinese, English and meaning in Chinese; term and meaning in English."""
    if language() == DEFAULT:
        return table([{_("Term"): en, _("Meaning"): meaning} for _shown, en, meaning in rows()])
    return table([{_("Chinese"): shown, _("English"): en, _("Meaning"): meaning} for shown, en, meaning in rows()])
