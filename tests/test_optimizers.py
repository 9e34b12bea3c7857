"""Optimizer catalogue, validation, batching and simulate's contract."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import core
from tests.reference.cases import CASES

QUAD = core.get_function("quadratic")


def test_catalogue_names():
    assert core.OPTIMIZERS == (
        "gd",
        "momentum",
        "nesterov",
        "adagrad",
        "rmsprop",
        "adam",
        "adamw",
        "nadam",
        "radam",
        "adamax",
        "adadelta",
        "rprop",
        "lion",
        "schedulefree_adamw",
        "schedulefree_sgd",
        "prodigy",
        "ademamix",
        "adopt",
        "adan",
    )
    assert core.list_optimizers() == list(core.OPTIMIZERS)
    assert {"lamb", "soap"} <= set(core.NETWORK_OPTIMIZERS)


@pytest.mark.parametrize("name", core.OPTIMIZERS)
def test_metadata_is_complete(name):
    spec = core.get_spec(name)
    assert spec.display_name and spec.paper and spec.rule_latex and spec.intuition and spec.try_this
    assert 1840 < spec.year < 2030
    for h in spec.hypers:
        assert h.help
        assert h.validate(h.default) == h.default
        if h.kind == "choice":
            assert len({c.token for c in h.choices}) == len(h.choices) >= 2
        elif h.kind in ("float", "pair"):
            for _label, default, bounds, ui, _log in h.elements():
                assert (default is None and h.optional) or bounds.contains(default), (name, h.name)
                assert ui[0] <= ui[1]
    core.get_optimizer(name, **spec.demo)


@pytest.mark.parametrize(
    "name,kwargs,word",
    [
        ("gd", {"lr": -0.1}, "lr"),
        ("adam", {"betas": (1.0, 0.999)}, "betas[0]"),
        ("adam", {"betas": (0.9, -0.1)}, "betas[1]"),
        ("adam", {"eps": -1.0}, "eps"),
        ("rmsprop", {"alpha": 1.5}, "alpha"),
        ("momentum", {"momentum": -0.5}, "momentum"),
        ("adam", {"lr": float("nan")}, "lr"),
        ("adam", {"lr": float("inf")}, "lr"),
        ("adam", {"lr": "fast"}, "lr"),
        ("adam", {"amsgrad": "yes"}, "amsgrad"),
        ("adam", {"momentum": 0.9}, "momentum"),
        ("rprop", {"etas": (1.5, 1.2)}, "etas"),
        ("rprop", {"step_sizes": (1.0, 0.1)}, "step_sizes"),
        ("nesterov", {"momentum": 0.0}, "nesterov"),
        ("gd", {"lr": np.array([0.1, -1.0])}, "lr"),
    ],
)
def test_invalid_hyperparameters_raise_value_error(name, kwargs, word):
    with pytest.raises(ValueError, match=word.replace("[", r"\[").replace("]", r"\]")):
        core.get_optimizer(name, **kwargs)


def test_unknown_optimizer():
    with pytest.raises(ValueError, match="valid names"):
        core.get_optimizer("sgdx")


def test_range_is_in_message():
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        core.get_optimizer("adam", betas=(0.9, 1.0))


def test_defaults_follow_torch():
    assert core.get_optimizer("adam").hyperparameters["lr"] == 1e-3
    assert core.get_optimizer("adamw").hyperparameters["weight_decay"] == 1e-2
    assert core.get_optimizer("adagrad").hyperparameters["eps"] == 1e-10
    assert core.get_optimizer("rmsprop").hyperparameters["alpha"] == 0.99
    assert core.get_optimizer("nadam").hyperparameters["momentum_decay"] == 4e-3
    assert core.get_optimizer("rprop").hyperparameters["step_sizes"] == (1e-6, 50.0)
    assert core.get_optimizer("lion").hyperparameters["betas"] == (0.9, 0.99)


def test_same_optimizer_object_twice_gives_identical_results():
    opt = core.get_optimizer("adam", lr=0.1)
    f = core.get_function("rosenbrock")
    a = core.simulate(f, opt, [-1.5, 2.5], 50)
    b = core.simulate(f, opt, [-1.5, 2.5], 50)
    np.testing.assert_array_equal(a.points, b.points)


def test_hyperparameter_arrays_match_separate_runs():
    lrs = np.geomspace(1e-3, 1.0, 7)
    f = core.get_function("himmelblau")
    batch = core.simulate(
        f, core.get_optimizer("adam", lr=lrs, betas=(np.full(7, 0.8), 0.99)), np.tile([0.5, -0.5], (7, 1)), 40
    )
    for i, lr in enumerate(lrs):
        single = core.simulate(f, core.get_optimizer("adam", lr=float(lr), betas=(0.8, 0.99)), [0.5, -0.5], 40)
        np.testing.assert_allclose(batch.points[:, i], single.points, rtol=1e-12, atol=1e-14)


def test_grid_of_starts_shapes_and_record_last():
    f = core.get_function("himmelblau")
    xs = np.stack(np.meshgrid(np.linspace(-4, 4, 5), np.linspace(-4, 4, 3)), axis=-1)
    full = core.simulate(f, core.get_optimizer("momentum", lr=0.01), xs, 30)
    last = core.simulate(f, core.get_optimizer("momentum", lr=0.01), xs, 30, record="last")
    assert full.points.shape == (31, 3, 5, 2) and full.values.shape == (31, 3, 5)
    assert last.points.shape == (2, 3, 5, 2) and last.diverged_at.shape == (3, 5)
    np.testing.assert_array_equal(last.points[1], full.points[-1])
    np.testing.assert_array_equal(last.points[0], xs)


def test_record_state_shapes():
    run = core.simulate(
        QUAD, core.get_optimizer("adam", lr=0.1, amsgrad=True), np.zeros((4, 2)) + 1, 10, record_state=True
    )
    assert set(run.state) == {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    assert run.state["exp_avg"].shape == (11, 4, 2)
    np.testing.assert_array_equal(run.state["exp_avg"][0], 0)


def test_divergence_is_recorded_without_warnings_and_isolated():
    lrs = np.array([0.1, 0.4, 100.0, 1e6])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = core.simulate(QUAD, core.get_optimizer("gd", lr=lrs), np.tile([-4.0, -6.0], (4, 1)), 400)
    assert run.diverged_at[0] == -1 and run.diverged_at[1] == -1
    assert run.diverged_at[2] > 0 and run.diverged_at[3] > 0
    assert run.diverged_at[3] <= run.diverged_at[2]
    alone = core.simulate(QUAD, core.get_optimizer("gd", lr=0.1), [-4.0, -6.0], 400)
    np.testing.assert_array_equal(run.points[:, 0], alone.points)


def test_escape_radius_flags_blow_up_early():
    run = core.simulate(QUAD, core.get_optimizer("gd", lr=0.6), [-4.0, -6.0], 100, escape=1e3)
    assert 0 < run.diverged_at < 20


def test_lion_hand_computed_steps():
    opt = core.get_optimizer("lion", lr=0.1, betas=(0.9, 0.99), weight_decay=0.5)
    run = core.simulate(QUAD, opt, [-4.0, 2.0], 3)
    x, m = np.array([-4.0, 2.0]), np.zeros(2)
    for _ in range(3):
        g = np.array([0.2, 4.0]) * x
        x = x * (1 - 0.1 * 0.5)
        x = x - 0.1 * np.sign(0.9 * m + 0.1 * g)
        m = 0.99 * m + 0.01 * g
    np.testing.assert_allclose(run.points[-1], x, rtol=1e-14)


def test_stop_rule_freezes_only_stopped_members():
    run = core.simulate(
        QUAD,
        core.get_optimizer("gd", lr=0.4),
        [[-4.0, -6.0], [0.05, 0.05]],
        10,
        stop_when=lambda x, y: (np.abs(x) < 0.1) & (np.abs(y) < 0.1),
    )
    assert run.stopped_at.tolist() == [-1, 1]
    np.testing.assert_array_equal(run.points[1:, 1], np.broadcast_to(run.points[1, 1], (10, 2)))


def test_noise_is_reproducible_with_a_seed():
    opt = core.get_optimizer("gd", lr=0.1)
    a = core.simulate(QUAD, opt, np.tile([1.0, 1.0], (5, 1)), 20, noise=0.5, seed=3)
    b = core.simulate(QUAD, opt, np.tile([1.0, 1.0], (5, 1)), 20, noise=0.5, seed=3)
    c = core.simulate(QUAD, opt, np.tile([1.0, 1.0], (5, 1)), 20, noise=0.5, seed=4)
    np.testing.assert_array_equal(a.points, b.points)
    assert not np.array_equal(a.points, c.points)
    assert len({tuple(p) for p in a.points[-1]}) == 5


def test_bad_simulate_arguments():
    opt = core.get_optimizer("gd")
    for kwargs in ({"steps": -1}, {"steps": 2.5}, {"record": "some"}):
        with pytest.raises(ValueError):
            core.simulate(QUAD, opt, [0.0, 1.0], **{"steps": 5, **kwargs})
    with pytest.raises(ValueError, match="x0"):
        core.simulate(QUAD, opt, [0.0, 1.0, 2.0], 5)
    with pytest.raises(ValueError, match="broadcast"):
        core.simulate(QUAD, core.get_optimizer("gd", lr=np.ones(3)), np.zeros((4, 2)), 5)


def _hyper_value(h, data):
    if h.kind == "bool":
        return data.draw(st.booleans())
    if h.kind == "choice":
        return data.draw(st.sampled_from([c.value for c in h.choices]))
    vals = []
    for _, _, _bounds, ui, log in h.elements():
        lo, hi = ui
        if log and lo > 0:
            v = float(np.exp(data.draw(st.floats(np.log(lo), np.log(hi)))))
        else:
            v = data.draw(st.floats(lo, hi))
        vals.append(v)
    return tuple(vals) if h.kind == "pair" else vals[0]


@settings(max_examples=150, deadline=None)
@given(
    data=st.data(),
    name=st.sampled_from(core.OPTIMIZERS),
    fn=st.sampled_from(core.list_functions()),
    steps=st.integers(0, 60),
    batch=st.sampled_from([(), (3,), (2, 2)]),
)
def test_property_any_valid_setting_runs_cleanly(data, name, fn, steps, batch):
    spec = core.get_spec(name)
    hp = {h.name: _hyper_value(h, data) for h in spec.hypers}
    try:
        opt = core.get_optimizer(name, **hp)
    except ValueError:
        return  # a cross-parameter rule (e.g. Rprop's min <= max) rejected it, cleanly
    f = core.get_function(fn)
    xmin, xmax, ymin, ymax = f.box
    x0 = np.stack(
        [data.draw(st.floats(xmin, xmax)) + np.zeros(batch), data.draw(st.floats(ymin, ymax)) + np.zeros(batch)], -1
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = core.simulate(f, opt, x0, steps)
    assert run.points.shape == (steps + 1, *batch, 2)
    assert run.values.shape == (steps + 1, *batch)
    finite = np.isfinite(run.points).all(axis=-1).all(axis=0)
    assert np.all(finite | (run.diverged_at >= 0))


@pytest.mark.parametrize("noise", [0.0, 0.3])
def test_divergence_steps_agree_between_record_modes(noise):
    """record="last" finds divergence steps by replaying only the diverged runs: same answer as "all"."""
    f = core.get_function("rosenbrock")
    lrs = np.geomspace(1e-4, 0.05, 40)
    opt = core.get_optimizer("momentum", lr=lrs, momentum=0.9)
    x0 = np.tile([-1.5, 2.5], (40, 1))
    full = core.simulate(f, opt, x0, 300, noise=noise, seed=7)
    last = core.simulate(f, opt, x0, 300, record="last", noise=noise, seed=7)
    assert (full.diverged_at >= 0).any() and (full.diverged_at < 0).any()
    np.testing.assert_array_equal(last.diverged_at, full.diverged_at)
    np.testing.assert_array_equal(last.points[-1], full.points[-1])


@pytest.mark.parametrize("name", core.OPTIMIZERS)
def test_maximize_is_torchs_flag_on_every_torch_optimizer(name):
    spec = core.get_spec(name)
    if not spec.torch_name:
        with pytest.raises(ValueError, match=r"unexpected hyperparameter.*maximize"):
            core.get_optimizer(name, maximize=True)
        return
    (h,) = [h for h in spec.hypers if h.name == "maximize"]
    assert (h.kind, h.default, spec.defaults["maximize"]) == ("bool", False, False)
    assert any(hp.get("maximize") for _, n, hp, _, _ in CASES if n == name), "needs a torch reference case"


def test_maximize_negates_the_gradient_before_weight_decay():
    """torch: g <- -g, then g <- g + wd * x; so weight decay still pulls towards the origin."""
    run = core.simulate(QUAD, core.get_optimizer("gd", lr=0.1, weight_decay=0.5, maximize=True), [-4.0, 2.0], 3)
    x = np.array([-4.0, 2.0])
    for _ in range(3):
        x = x - 0.1 * (-np.array([0.2, 4.0]) * x + 0.5 * x)
    np.testing.assert_allclose(run.points[-1], x, rtol=1e-14)


def test_maximize_climbs_and_the_default_descends():
    f = core.get_function("himmelblau")
    up = core.simulate(f, core.get_optimizer("adam", lr=0.01, maximize=True), [0.5, -0.5], 50)
    down = core.simulate(f, core.get_optimizer("adam", lr=0.01), [0.5, -0.5], 50)
    assert up.values[-1] > up.values[0] and down.values[-1] < down.values[0]
