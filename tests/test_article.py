"""The article's runs, recomputed independently with its plain scalar update rules.

The setting (README, "The article"): f = 0.1x² + 2y², lr 0.4, 20 steps, c = 1e-6 inside the square
root; GD, Momentum (γ = 0.5), Adagrad, RMSprop (γ = 0.9) from (−4, −6); Adam (β = 0.9, 0.999) from
(−6, −6), stopped once |x| ≤ 0.1 and |y| < 0.1. The rules below are written out from the article,
not taken from ``core``, so they check ``core.article`` rather than restate it.
"""

import math

import numpy as np
import pytest

import core
from core import article

LR, C = 0.4, 1e-6


def grad(x, y):
    return 0.2 * x, 4 * y


def scalar_run(method, steps=20):
    x, y = article.STARTS[method]
    path = [(x, y)]
    v = [0.0, 0.0]
    s = [0.0, 0.0]
    for t in range(1, steps + 1):
        g = grad(x, y)
        new = []
        for i, (p, gi) in enumerate(zip((x, y), g, strict=False)):
            if method == "gd":
                p = p - LR * gi
            elif method == "momentum":
                v[i] = 0.5 * v[i] + gi
                p = p - LR * v[i]
            elif method == "adagrad":
                s[i] = s[i] + gi * gi
                p = p - LR * gi / math.sqrt(s[i] + C)
            elif method == "rmsprop":
                s[i] = 0.9 * s[i] + 0.1 * gi * gi
                p = p - LR * gi / math.sqrt(s[i] + C)
            elif method == "adam":
                v[i] = 0.9 * v[i] + 0.1 * gi
                s[i] = 0.999 * s[i] + 0.001 * gi * gi
                mhat, shat = v[i] / (1 - 0.9**t), s[i] / (1 - 0.999**t)
                p = p - LR * mhat / math.sqrt(shat + C)
            new.append(p)
        x, y = new
        path.append((x, y))
        if method == "adam" and abs(x) <= 0.1 and abs(y) < 0.1:
            break
    return np.array(path)


@pytest.mark.parametrize("method", core.ARTICLE_OPTIMIZERS)
def test_article_runs_reproduced(method):
    expected = scalar_run(method)
    run = article.run(method)
    got = run.points[: len(expected)]
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    frozen = run.points[len(expected) - 1 :]
    np.testing.assert_array_equal(frozen, np.broadcast_to(frozen[0], frozen.shape))


def test_adam_stops_after_17_updates():
    assert article.run("adam").stopped_at == 17
    assert all(article.run(m).stopped_at == -1 for m in ("gd", "momentum", "adagrad", "rmsprop"))


def test_article_setting_numbers():
    assert article.LR == 0.4 and article.STEPS == 20 and article.EPS == 1e-6
    assert article.STARTS["adam"] == (-6.0, -6.0) and article.STARTS["gd"] == (-4.0, -6.0)
    assert article.BOX == (-8.0, 8.0, -8.0, 8.0)
    f = core.get_function("quadratic")
    assert f.value(np.array([1.0, 1.0])) == pytest.approx(2.1)


def test_eps_position_matters():
    """PyTorch's convention (eps outside the root) gives a different first Adagrad step."""
    f = core.get_function("quadratic")
    outside = core.simulate(f, core.get_optimizer("adagrad", lr=LR, eps=1e-1), [-4.0, -6.0], 1).points[1]
    inside = core.simulate(
        f, core.get_optimizer("adagrad", lr=LR, eps=1e-1, eps_inside_sqrt=True), [-4.0, -6.0], 1
    ).points[1]
    g = np.array([-0.8, -24.0])
    np.testing.assert_allclose(outside, [-4.0, -6.0] - LR * g / (np.abs(g) + 0.1))
    np.testing.assert_allclose(inside, [-4.0, -6.0] - LR * g / np.sqrt(g * g + 0.1))


def test_findings_measure_the_articles_own_yardstick():
    """The stopping rule applied to every method's run, beside the app's f − f* ≤ 1e-3."""
    found = {m: article.findings(m) for m in core.ARTICLE_OPTIMIZERS}
    assert [found[m]["stop_rule_step"] for m in core.ARTICLE_OPTIMIZERS] == [-1, 18, -1, 20, 17]
    assert found["momentum"]["steps_to_tol"] == 18 and found["adam"]["steps_to_tol"] == -1
    assert found["adam"]["stopped_at"] == 17
    assert found["adam"]["unstopped_final_loss"] > 50 * found["adam"]["final_loss"]


def test_article_program_redoes_the_article_in_torch():
    """The page's PyTorch program of the article (its update rules in tensor ops, c inside the square root, Adam's
    early stop), run with real torch by ``tests/reference/make_article_reference.py``, gives the app's paths."""
    from core.snippets import article_program
    from tests.reference.make_article_reference import OUT, program_digest

    reference = np.load(OUT)
    assert str(reference["digest"]) == program_digest(article_program()), "run make_article_reference again"
    for name in article.ARTICLE_OPTIMIZERS:
        run = article.run(name)
        torch_path = reference[name]
        updates = run.stopped_at if run.stopped_at >= 0 else article.STEPS
        assert len(torch_path) == updates + 1
        np.testing.assert_allclose(torch_path, run.points[: updates + 1], rtol=1e-12, atol=1e-15)
    assert len(reference["adam"]) - 1 == article.findings("adam")["stopped_at"] < article.STEPS
