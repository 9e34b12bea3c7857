"""core.tune: the fixed-budget search, its scores, and the summaries the Fair race page draws."""

import importlib

import numpy as np
import pytest

import core
from core.formula import parse_formula
from core.run import Landscape
from core.tune import FLOOR, evaluate, halton, performance_profile, run_scores, search_space, starts, survival

tune_module = importlib.import_module("core.tune")  # the module: ``core.tune`` itself is the function
QUADRATIC_START = (-4.0, -6.0)


def _sweep_scores(f, lrs, steps, score, target=1e-3):
    """The score of every lr, computed here from plain ``simulate`` runs (not through core.tune)."""
    run = core.simulate(f, core.get_optimizer("gd", lr=lrs), np.tile(QUADRATIC_START, (len(lrs), 1)), steps)
    gap = np.maximum(run.values - f.min_value, 0.0)
    with np.errstate(all="ignore"):
        if score == "final":
            s = gap[-1]
        elif score == "steps":
            hit = gap <= target
            s = np.where(hit.any(axis=0), np.argmax(hit, axis=0), 2 * steps).astype(float)
        else:
            s = 10.0 ** np.log10(np.maximum(gap, FLOOR)).mean(axis=0)
    return np.where(run.diverged_at >= 0, np.inf, s)


@pytest.mark.parametrize("score", ["final", "steps", "auc"])
def test_tuned_gd_lr_is_as_good_as_a_dense_sweep(score):
    f = core.get_function("quadratic")
    lrs = np.geomspace(1e-4, 2.0, 2000)  # GD's lr range in the app
    best_sweep = _sweep_scores(f, lrs, 100, score).min()
    result = core.tune(f, "gd", budget=64, steps=100, score=score, x0=QUADRATIC_START)
    tuned = _sweep_scores(f, np.array([result.best["lr"]]), 100, score)[0]
    assert np.isfinite(best_sweep)
    assert tuned <= 1.10 * best_sweep, (score, result.best, tuned, best_sweep)
    assert result.score == pytest.approx(tuned, rel=1e-12)


def test_the_refinement_rounds_matter():
    """The global Halton round alone lands far from the optimum of the sharp quadratic valley."""
    f = core.get_function("quadratic")
    lrs = np.geomspace(1e-4, 2.0, 2000)
    best_sweep = _sweep_scores(f, lrs, 100, "final").min()
    coarse = core.tune(f, "gd", budget=32, steps=100, x0=QUADRATIC_START, rounds=1)
    assert coarse.score > 2 * best_sweep


def _diverges_everywhere(f, name):
    """True when even the smallest lr of the search diverges (nothing a tuner could do)."""
    low = search_space(name)[0].low
    run = core.simulate(f, core.get_optimizer(name, lr=low), f.start, 100, escape=f.escape_radius)
    return bool(run.diverged_at >= 0)


@pytest.mark.parametrize("fn", core.list_functions())
def test_tuned_settings_do_not_diverge_where_they_were_tuned(fn):
    f = core.get_function(fn)
    for name in core.OPTIMIZERS:
        result = core.tune(f, name, budget=32, steps=100)
        run = core.simulate(f, result.optimizer, f.start, 100, escape=f.escape_radius)
        if np.isinf(result.score):
            # Only Rprop on the unbounded saddle: its step grows 1.2× per step whatever the lr.
            assert (fn, name) == ("saddle", "rprop") and _diverges_everywhere(f, name)
            assert np.all(result.trials["diverged"] == 1.0)
        else:
            assert run.diverged_at == -1, (fn, name, result.best)
            assert np.isfinite(run.values).all()


def test_every_optimizer_gets_the_same_budget_in_a_few_batched_calls(monkeypatch):
    calls = []
    real = tune_module.simulate

    def counting(*args, **kwargs):
        calls.append(np.shape(args[2]))
        return real(*args, **kwargs)

    monkeypatch.setattr(tune_module, "simulate", counting)
    f = core.get_function("rosenbrock")
    x0 = starts(f, 3, seed=1)
    for name in core.OPTIMIZERS:
        calls.clear()
        result = core.tune(f, name, budget=40, steps=30, x0=x0, noise=0.1, seeds=2, rounds=4)
        assert len(result.trials["score"]) == 41, "the budget, and torch's defaults as one more trial"
        assert all(len(v) == 41 for v in result.trials.values())
        assert len(calls) == 4
        assert sum(shape[0] for shape in calls) == 41
        assert all(shape[1:] == (3, 2, 2) for shape in calls)


def test_best_is_the_best_finite_trial():
    f = core.get_function("quadratic")
    result = core.tune(f, "momentum", budget=48, steps=60)
    scores = result.trials["score"]
    i = int(np.argmin(scores))
    assert result.score == scores[i]
    assert result.best["lr"] == pytest.approx(result.trials["lr"][i], rel=1e-12)
    assert result.best["momentum"] == pytest.approx(result.trials["momentum"][i], rel=1e-12)
    assert np.isinf(scores[result.trials["diverged"] > 0]).all()
    assert (result.trials["diverged"] > 0).any(), "the lr range reaches unstable values on this bowl"
    assert set(result.trials["round"]) == {0, 1, 2, 3}


def test_search_space_follows_the_metadata():
    assert [d.column for d in search_space("gd")] == ["lr"]
    assert [d.column for d in search_space("adam")] == ["lr", "betas[0]"]
    assert [d.column for d in search_space("rmsprop")] == ["lr", "alpha", "momentum"]
    assert [d.column for d in search_space("adadelta")] == ["lr", "rho"]
    lr = search_space("adadelta")[0]
    assert (lr.low, lr.high, lr.log) == (1e-2, 50.0, True)
    assert [d.column for d in search_space("momentum", {"momentum": 0.5})] == ["lr"]


def test_pairs_tune_the_first_element_and_keep_the_second():
    f = core.get_function("himmelblau")
    result = core.tune(f, "adam", budget=24, steps=50)
    beta1, beta2 = result.best["betas"]
    assert beta2 == 0.999
    assert 0.0 < beta1 <= 0.999
    assert len(np.unique(result.trials["betas[0]"])) == 25, "24 searched and torch's default"
    assert isinstance(result.best["lr"], float)


def test_fixed_values_are_kept_and_not_searched():
    f = core.get_function("quadratic")
    result = core.tune(f, "adam", budget=16, steps=40, fixed={"betas": (0.5, 0.9), "eps_inside_sqrt": True})
    assert result.best["betas"] == (0.5, 0.9) and result.best["eps_inside_sqrt"] is True
    assert set(result.trials) == {"lr", "score", "diverged", "round"}
    nothing = core.tune(f, "gd", budget=16, steps=40, fixed={"lr": 0.1})
    assert nothing.best == {"lr": 0.1} and len(nothing.trials["score"]) == 1, "nothing to search: one trial"


def test_tuned_is_no_worse_than_the_demo_setting():
    f = core.get_function("quadratic")
    for name in core.OPTIMIZERS:
        spec = core.get_spec(name)
        demo = evaluate(f, name, {**spec.demo}, steps=100).scores.mean()
        searched = {d.hyper for d in search_space(name)}
        fixed = {k: v for k, v in spec.demo.items() if k not in searched}
        result = core.tune(f, name, budget=64, steps=100, fixed=fixed)
        assert result.score <= demo * 1.0000001 or not np.isfinite(demo), (name, result.score, demo)


def test_score_averages_the_runs_over_starts_and_seeds():
    f = core.get_function("six_hump_camel")
    x0 = starts(f, 5, seed=3)
    result = core.tune(f, "nesterov", budget=16, steps=80, x0=x0, score="auc")
    again = evaluate(f, "nesterov", result.best, steps=80, x0=x0, score="auc")
    assert again.scores.shape == (5, 1)
    assert result.score == pytest.approx(again.scores.mean(), rel=1e-9)
    noisy = evaluate(f, "nesterov", result.best, steps=80, x0=x0, seeds=4, noise=0.3, seed=2)
    assert noisy.scores.shape == noisy.reached_at.shape == (5, 4)
    assert len(np.unique(noisy.scores)) == 20


def test_noise_and_seed_change_the_result_reproducibly():
    f = core.get_function("rosenbrock")
    a = core.tune(f, "adam", budget=16, steps=50, noise=0.5, seeds=3, seed=1)
    b = core.tune(f, "adam", budget=16, steps=50, noise=0.5, seeds=3, seed=1)
    c = core.tune(f, "adam", budget=16, steps=50, noise=0.5, seeds=3, seed=2)
    np.testing.assert_array_equal(a.trials["score"], b.trials["score"])
    assert not np.array_equal(a.trials["lr"], c.trials["lr"])


def test_custom_formulas_and_unknown_minima_work():
    f = parse_formula("(x - 1)^2 + 3*(y + 2)^2")
    result = core.tune(f, "rmsprop", budget=24, steps=80, score="steps")
    assert np.isfinite(result.score) and result.score < 80
    saddle = core.get_function("saddle")
    down = core.tune(saddle, "gd", budget=16, steps=50)
    assert down.score < saddle.value(np.array(saddle.start)), "f itself is the score where f* is unknown"


def test_run_scores_per_metric():
    f = core.get_function("quadratic")
    opt = core.get_optimizer("gd", lr=np.array([0.4, 1e-4, 1.5]))
    run = core.simulate(f, opt, np.tile(QUADRATIC_START, (3, 1)), 20, escape=1e3)
    final = run_scores(f, run, "final", 0.1)
    steps = run_scores(f, run, "steps", 0.1)
    auc = run_scores(f, run, "auc", 0.1)
    assert final[0] == pytest.approx(run.values[-1, 0]) and np.isinf(final[2])
    assert steps[1] == 40.0, "a run that never reaches the target counts 2 × steps"
    assert steps[0] == int(np.argmax(run.values[:, 0] <= 0.1)) == 17
    assert auc[0] == pytest.approx(np.exp(np.log(np.maximum(run.values[:, 0], FLOOR)).mean()))
    assert np.isinf(steps[2]) and np.isinf(auc[2])
    with pytest.raises(ValueError, match="Invalid score"):
        run_scores(f, run, "fastest", 1e-3)


def test_invalid_arguments():
    f = core.get_function("quadratic")
    with pytest.raises(ValueError, match="Invalid score"):
        core.tune(f, "gd", score="best")
    with pytest.raises(ValueError, match="Invalid budget"):
        core.tune(f, "gd", budget=0)
    with pytest.raises(ValueError, match="Unknown optimizer"):
        core.tune(f, "sgd")


def test_halton_points():
    np.testing.assert_allclose(halton(4, 2), [[1 / 2, 1 / 3], [1 / 4, 2 / 3], [3 / 4, 1 / 9], [1 / 8, 4 / 9]])
    h = halton(256, 3, seed=5)
    assert h.shape == (256, 3) and (h >= 0).all() and (h < 1).all()
    np.testing.assert_array_equal(h, halton(256, 3, seed=5))
    assert not np.array_equal(h, halton(256, 3, seed=6))
    # evenly spread: every one of 16 equal slices of each axis holds 16 ± 2 points
    counts = np.stack([np.bincount((h[:, j] * 16).astype(int), minlength=16) for j in range(3)])
    assert counts.min() >= 14 and counts.max() <= 18
    assert halton(3, 0).shape == (3, 0)


def test_starts_are_seeded_and_inside_the_box():
    f = core.get_function("rosenbrock")
    s = starts(f, 50, seed=4)
    assert s.shape == (50, 2) and tuple(s[0]) == f.start
    xmin, xmax, ymin, ymax = f.box
    assert (s[:, 0] >= xmin).all() and (s[:, 0] <= xmax).all() and (s[:, 1] >= ymin).all() and (s[:, 1] <= ymax).all()
    np.testing.assert_array_equal(s, starts(f, 50, seed=4))
    assert starts(f, 1).shape == (1, 2)


def test_starts_near_a_start_stay_near_it_and_inside_the_box():
    f = core.get_function("quadratic")
    s = starts(f, 20, seed=1, x0=(-7.5, -6.0), spread=0.1)
    assert tuple(s[0]) == (-7.5, -6.0) and len(np.unique(s, axis=0)) == 20
    assert (np.abs(s - s[0]) <= 1.6 + 1e-12).all(), "within 10% of the box's side (16)"
    assert (s[:, 0] >= -8.0).all(), "clipped to the box"
    np.testing.assert_array_equal(s, starts(f, 20, seed=1, x0=(-7.5, -6.0), spread=0.1))


def test_included_settings_are_trials_so_tuning_never_scores_worse_than_them():
    f = core.get_function("quadratic")
    x0 = starts(f, 4, seed=2)
    good = {"lr": 0.47}  # GD's best lr here: a budget of 3 trials would not find it
    result = core.tune(f, "gd", budget=3, steps=100, x0=x0, include=[good, {}])
    assert result.trials["lr"][0] == 0.47 and result.trials["lr"][1] == core.get_spec("gd").hyper("lr").default
    assert len(result.trials["lr"]) == 5 and np.all(result.trials["round"][:4] == 0)
    assert result.score == pytest.approx(evaluate(f, "gd", good, steps=100, x0=x0).scores.mean())
    assert result.best["lr"] == 0.47
    pair = core.tune(f, "adam", budget=3, steps=50, include=[{"lr": 0.4, "betas": (0.5, 0.999)}])
    assert (pair.trials["lr"][0], pair.trials["betas[0]"][0]) == (0.4, 0.5)
    assert pair.score <= evaluate(f, "adam", {"lr": 0.4, "betas": (0.5, 0.999)}, steps=50).scores.mean()


def test_lion_tuned_on_its_page_is_not_won_by_a_lattice_coincidence():
    """From (−4, −6) Lion moves exactly ±lr per coordinate, so an lr that divides both coordinates (0.5) lands
    exactly on the minimum (0, 0) and scores 0 from that one start. The Tune button judges every trial from
    starts near the page's too: its lr does not divide both coordinates, its run never lands exactly on
    (0, 0), it is a slider value, and it scores no worse than the page's default on the same starts."""
    from core.defaults import landscape_hyperparameters
    from ui import controls
    from ui.tune import judged_starts, tune_args, tuned

    f, start = core.get_function("quadratic"), (-4.0, -6.0)
    default = landscape_hyperparameters("quadratic", "lion")
    result = tuned(*tune_args(Landscape("quadratic"), "lion", start, 50, default))
    lr = result.best["lr"]
    assert not all(float(c / lr).is_integer() for c in start), lr
    run = core.simulate(f, result.optimizer, start, 50)
    assert not np.any(np.all(run.points == 0.0, axis=1)), "lands exactly on the minimum"
    assert lr in controls.log_options(1e-4, 1.0, (default["lr"],))
    x0 = judged_starts(f, start)
    assert len(x0) > 1 and tuple(x0[0]) == start
    assert result.score <= evaluate(f, "lion", default, steps=50, x0=x0).scores.mean()


def test_survival_curve():
    frac = survival(np.array([[0, 3], [-1, 3]]), 5)
    np.testing.assert_allclose(frac, [0.25, 0.25, 0.25, 0.75, 0.75, 0.75])


def test_performance_profile():
    scores = np.array(
        [
            [1.0, 2.0, np.inf],  # problem 1: A best, B 2×, C failed
            [4.0, 2.0, 2.0],  # problem 2: B and C best, A 2×
            [0.0, 1e-13, 1.0],
        ]
    )  # problem 3: both at the floor count as ties
    rho = performance_profile(scores, [1.0, 2.0, 1e20])
    np.testing.assert_allclose(rho, [[2 / 3, 2 / 3, 1 / 3], [1.0, 1.0, 1 / 3], [1.0, 1.0, 2 / 3]])
    with pytest.raises(ValueError, match="scores >= 0"):
        performance_profile([[-1.0, 1.0]], [1.0])


def test_options_snap_every_trial_to_the_allowed_values():
    f = core.get_function("quadratic")
    lrs = [1e-3, 1e-2, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
    result = core.tune(f, "gd", budget=32, steps=100, options={"lr": lrs})
    assert set(result.trials["lr"]) <= set(lrs) and result.best["lr"] == 0.4
    # 0.5 is the nearest option to the continuous optimum (~0.47) but GD does not converge there (2/L)
    assert core.tune(f, "gd", budget=64, steps=100).best["lr"] == pytest.approx(0.47, rel=0.01)
    grid = np.round(np.arange(100) * 0.01, 2)
    nesterov = core.tune(f, "nesterov", budget=32, steps=50, options={"momentum": grid})
    assert nesterov.best["momentum"] in grid[1:] and np.all(nesterov.trials["momentum"] > 0)
    with pytest.raises(ValueError, match="not searched"):
        core.tune(f, "gd", options={"momentum": grid})
    with pytest.raises(ValueError, match="none inside"):
        core.tune(f, "gd", options={"lr": [5.0]})
