"""Learning-rate sweeps and summary metrics."""

import numpy as np

import core
from core import metrics
from core.sweeps import lr_sweep
from core.theory import gd_stability_limit


def test_gd_sweep_diverges_just_above_two_over_l():
    f = core.get_function("quadratic")
    lrs = np.geomspace(1e-3, 3.0, 300)
    s = lr_sweep(f, core.get_optimizer("gd"), (-4.0, -6.0), 200, lrs, escape=1e6)
    assert gd_stability_limit(f) == 0.5
    assert 0.5 <= s.divergence_threshold < 0.55
    assert np.all(s.diverged_at[lrs < 0.49] == -1)
    growing = (lrs > 0.5) & (lrs < s.divergence_threshold)
    assert np.all(s.final_gap[growing] > f.value(np.array([-4.0, -6.0])))


def test_sweep_matches_single_runs():
    f = core.get_function("himmelblau")
    lrs = np.array([1e-3, 1e-2, 3e-2])
    s = lr_sweep(f, core.get_optimizer("adam", betas=(0.9, 0.99)), (0.0, 0.0), 100, lrs)
    for lr, gap in zip(lrs, s.final_gap, strict=False):
        run = core.simulate(f, core.get_optimizer("adam", lr=float(lr), betas=(0.9, 0.99)), [0.0, 0.0], 100)
        assert np.isclose(gap, run.values[-1] - f.min_value, rtol=1e-9, atol=1e-12)


def test_metrics_summary():
    f = core.get_function("quadratic")
    run = core.simulate(f, core.get_optimizer("gd", lr=0.4), [-4.0, -6.0], 100)
    s = metrics.summary(f, run)
    assert s["diverged_at"] == -1 and s["final_loss"] < 1e-6
    assert s["steps_to_tol"] == int(np.argmax(run.values <= 1e-3))
    assert np.isclose(s["path_length"], np.sum(np.linalg.norm(np.diff(run.points, axis=0), axis=1)))
    eff = metrics.effective_step_sizes(f, run.points)
    np.testing.assert_allclose(eff[:10], 0.4, rtol=1e-9)


def test_one_definition_of_divergence_counts_gd_just_past_two_over_l():
    """GD at lr 0.51 on the quadratic stays on the landscape for 50 steps but its gap grows ×49: it diverged."""
    f = core.get_function("quadratic")
    lrs = np.array([0.45, 0.5, 0.51, 0.6])
    run = core.simulate(f, core.get_optimizer("gd", lr=lrs), np.tile([-4.0, -6.0], (4, 1)), 50, escape=f.escape_radius)
    assert run.diverged_at.tolist()[:3] == [-1, -1, -1] and run.diverged_at[3] == 17  # left the landscape
    at = metrics.diverged_at(f, run)
    assert at[0] == -1 and at[1] == -1 and 0 < at[2] < 50 and 0 < at[3] <= 17
    gap = metrics.gap(f, run.values)
    for i in (2, 3):  # from the step it diverged to the end, the gap stays above GROWTH × its start
        assert np.all(gap[at[i] :, i] > metrics.GROWTH * gap[0, i]) and gap[at[i] - 1, i] <= metrics.GROWTH * gap[0, i]
    single = core.simulate(f, core.get_optimizer("gd", lr=0.51), [-4.0, -6.0], 50, escape=f.escape_radius)
    assert metrics.summary(f, single)["diverged_at"] == at[2]
    sweep = lr_sweep(
        f, core.get_optimizer("gd"), (-4.0, -6.0), 100, np.geomspace(1e-3, 3.0, 200), escape=f.escape_radius
    )
    assert 0.5 < sweep.divergence_threshold < 0.52  # the page's first grid lr past 2/L = 0.5 (0.511) counts
    assert metrics.DIVERGENCE_RULE.format(growth=f"{metrics.GROWTH:g}").startswith("A run has diverged")
