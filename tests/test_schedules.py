"""Learning-rate schedules: values against torch.optim.lr_scheduler, batching, and use in ``simulate``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import core
from core.schedules import (
    CYCLE_MOMENTUM_ERROR,
    SCHEDULES,
    Constant,
    CosineAnnealingWarmRestarts,
    CyclicLR,
    LinearLR,
    MultiStepLR,
    OneCycleLR,
    ReduceLROnPlateau,
    StepLR,
    default_params,
    get_schedule,
)

REF = np.load(Path(__file__).parent / "reference" / "torch_schedules.npz")
STEPS = int(REF["steps"])
LR = float(REF["base_lr"])
LOSSES = REF["losses"]  # (3, STEPS): losses[k][t] = f after update t + 1
CASES = sorted({k.split("/")[0] for k in REF.files if "/" in k and not k.startswith(("traj_", "refusal/"))})
TRAJECTORIES = sorted({k.split("/")[0] for k in REF.files if k.startswith("traj_")})
MOMENTUM_CYCLES = ("one_cycle", "cyclic")
QUAD = core.get_function("quadratic")
HP = {
    "sgd": {"lr": LR, "momentum": 0.9, "dampening": 0.0},
    "adam": {"lr": LR, "betas": (0.9, 0.999)},
    "plain": {"lr": LR, "momentum": 0.0},
}  # torch SGD(momentum=0), our gd


def _case(cid: str):
    name = cid.rsplit("_", 1)[0]
    return name, get_schedule(name, **json.loads(str(REF[f"{cid}/params"]))), str(REF[f"{cid}/optimizer"])


def _run(schedule, hp: dict, steps: int, losses=None) -> list[dict]:
    """Drive a runner like ``simulate`` does; ``losses[t]`` is f after update t + 1."""
    runner = schedule.start(hp, np.size(hp["lr"]))
    out = []
    for t in range(1, steps + 1):
        loss = None
        if runner.needs_loss:
            loss = np.full(np.size(hp["lr"]), np.nan) if t == 1 else losses[t - 2]
        out.append(runner.hyper(t, loss))
    return out


@pytest.mark.parametrize("cid", CASES)
def test_matches_torch(cid):
    name, schedule, opt = _case(cid)
    want = REF[f"{cid}/lr"]
    if name == "plateau":
        got = schedule.lrs_for_losses(LR, LOSSES.T)  # all three sequences as one batch
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=0)
        assert len({tuple(c) for c in want.T}) > 1, "the loss sequences should lead to different cuts"
        assert (np.diff(want, axis=0) < 0).any(), "the reference should contain at least one cut"
        return
    np.testing.assert_allclose(schedule.lrs(LR, STEPS), want, rtol=1e-9, atol=0)
    hyper = _run(schedule, HP[opt], STEPS)
    np.testing.assert_allclose([h["lr"] for h in hyper], want, rtol=1e-9, atol=0)
    if name in MOMENTUM_CYCLES:
        key = {"sgd": "momentum", "adam": "betas", "plain": "momentum"}[opt] if schedule.cycle_momentum else None
        if key is None:
            assert all(set(h) == {"lr"} for h in hyper)
            return
        moms = [h[key][0] if key == "betas" else h[key] for h in hyper]
        np.testing.assert_allclose(moms, REF[f"{cid}/momentum"], rtol=1e-9, atol=0)
        np.testing.assert_allclose(schedule.momentums(STEPS), REF[f"{cid}/momentum"], rtol=1e-9, atol=0)
        if key == "betas":
            assert all(h["betas"][1] == 0.999 for h in hyper)


@pytest.mark.parametrize("cid", [c for c in CASES if not c.startswith("plateau")])
def test_array_base_lr_broadcasts(cid):
    _, schedule, opt = _case(cid)
    base = np.array([LR, 2 * LR, 0.5 * LR])
    got = schedule.lrs(base, STEPS)
    assert got.shape == (STEPS, 3)
    hyper = _run(schedule, {**HP[opt], "lr": base}, STEPS)
    np.testing.assert_allclose([np.broadcast_to(h["lr"], (3,)) for h in hyper], got, rtol=1e-12)
    for j, b in enumerate(base):
        np.testing.assert_allclose(got[:, j], schedule.lrs(b, STEPS), rtol=1e-12)


def test_constant():
    assert Constant().lrs(0.3, 4).tolist() == [0.3] * 4
    assert _run(get_schedule("constant"), {"lr": 0.3}, 2) == [{"lr": 0.3}] * 2


def test_plateau_trajectories_are_independent():
    """A batch of 3 trajectories equals 3 separate runs, each with its own state."""
    schedule = get_schedule("plateau", patience=2, factor=0.5, cooldown=1)
    base = np.array([0.1, 0.2, 0.05])
    batch = np.stack([h["lr"] for h in _run(schedule, {"lr": base}, STEPS, LOSSES.T)])
    for j in range(3):
        alone = np.concatenate([h["lr"] for h in _run(schedule, {"lr": base[j : j + 1]}, STEPS, LOSSES[j][:, None])])
        np.testing.assert_array_equal(batch[:, j], alone)
        np.testing.assert_array_equal(alone, schedule.lrs_for_losses(base[j], LOSSES[j]))
    assert len({tuple(c / c[0]) for c in batch.T}) == 3


def test_plateau_ignores_the_first_loss_and_lrs_raises():
    s = ReduceLROnPlateau(patience=0)
    runner = s.start({"lr": 1.0}, 2)
    assert runner.needs_loss
    np.testing.assert_array_equal(runner.hyper(1, np.array([5.0, 5.0]))["lr"], [1.0, 1.0])
    np.testing.assert_array_equal(runner.hyper(2, np.array([1.0, 1.0]))["lr"], [1.0, 1.0])  # first real loss
    np.testing.assert_array_equal(runner.hyper(3, np.array([0.5, 2.0]))["lr"], [1.0, 0.1])
    with pytest.raises(TypeError, match="lrs_for_losses"):
        s.lrs(1.0, 5)


def test_simulate_with_step_schedule_matches_manual_loop():
    f = core.get_function("quadratic")
    schedule = get_schedule("step", step_size=10, gamma=0.5)
    run = core.simulate(f, core.get_optimizer("gd", lr=0.1), [-4.0, -6.0], 50, schedule=schedule)
    lrs = schedule.lrs(0.1, 50)
    np.testing.assert_array_equal(run.lr, lrs)
    assert lrs[0] == 0.1 and lrs[10] == 0.05 and lrs[49] == 0.1 * 0.5**4
    x = np.array([-4.0, -6.0])
    points = [x]
    for lr in lrs:
        x = x - lr * f.grad(x)
        points.append(x)
    np.testing.assert_allclose(run.points, np.array(points), rtol=1e-12, atol=1e-15)


def test_simulate_batch_with_array_lr():
    f = core.get_function("quadratic")
    x0 = np.array([[-4.0, -6.0], [3.0, 1.0]])
    lr = np.array([0.1, 0.05])
    schedule = get_schedule("cosine", T_max=20)
    run = core.simulate(f, core.get_optimizer("momentum", lr=lr), x0, 30, schedule=schedule)
    np.testing.assert_allclose(run.lr, schedule.lrs(lr, 30), rtol=1e-12)
    for j in range(2):
        alone = core.simulate(f, core.get_optimizer("momentum", lr=float(lr[j])), x0[j], 30, schedule=schedule)
        np.testing.assert_allclose(run.points[:, j], alone.points, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("cid", TRAJECTORIES)
def test_simulate_matches_torch_trajectory(cid):
    """End to end: torch optimizer + scheduler on a core function versus ``core.simulate``.

    The gd and rmsprop cases have momentum 0, which torch's ``cycle_momentum`` sets all the same.
    """
    want = REF[f"{cid}/points"]
    case = json.loads(str(REF[f"{cid}/case"]))
    schedule = get_schedule(case["schedule"], **case["params"])
    run = core.simulate(
        core.get_function(case["function"]),
        core.get_optimizer(case["optimizer"], **case["hp"]),
        want[0].copy(),
        STEPS,
        schedule=schedule,
    )  # copy: simulate may write into a (2,) x0
    np.testing.assert_allclose(run.points, want, rtol=1e-9, atol=1e-12)
    assert len(np.unique(run.lr)) > 1, "the reference run should change the lr"


@pytest.mark.parametrize("name", MOMENTUM_CYCLES)
@pytest.mark.parametrize("opt", ["adagrad", "adadelta", "rprop"])
def test_cycle_momentum_refuses_optimizers_without_momentum_like_torch(name, opt):
    message = str(REF[f"refusal/{name}/{opt}"])
    assert message == CYCLE_MOMENTUM_ERROR
    optimizer, params = core.get_optimizer(opt), default_params(name, 3)
    with pytest.raises(ValueError) as err:
        core.simulate(QUAD, optimizer, [1.0, 1.0], 3, schedule=get_schedule(name, **params))
    assert str(err.value) == message
    off = get_schedule(name, **{**params, "cycle_momentum": False})
    assert core.simulate(QUAD, optimizer, [1.0, 1.0], 3, schedule=off).lr.shape == (3,)


@pytest.mark.parametrize("name", MOMENTUM_CYCLES)
@pytest.mark.parametrize(
    "opt, key",
    [("gd", "momentum"), ("rmsprop", "momentum"), ("momentum", "momentum"), ("nadam", "betas"), ("lion", "betas")],
)
def test_cycle_momentum_sets_momentum_even_when_it_is_zero(name, opt, key):
    """torch cycles SGD(momentum=0) and RMSprop(momentum=0) too; Lion (not in torch) gets its β₁ cycled."""
    schedule = get_schedule(name, **default_params(name, 20))
    hyper = _run(schedule, dict(core.get_optimizer(opt).hyperparameters), 20)
    got = [h[key][0] if key == "betas" else h[key] for h in hyper]
    np.testing.assert_allclose(got, schedule.momentums(20), rtol=1e-15)
    assert got[0] == schedule.max_momentum and min(got) < got[0]


def test_one_cycle_cycles_adam_beta1():
    """betas[0] changes every step: the run differs from one with cycle_momentum off, and equals a manual loop."""
    f = core.get_function("quadratic")
    opt = core.get_optimizer("adam", lr=0.1)
    cyc = OneCycleLR(max_lr=0.3, total_steps=40)
    run = core.simulate(f, opt, [-4.0, -6.0], 40, schedule=cyc)
    flat = core.simulate(
        f, opt, [-4.0, -6.0], 40, schedule=OneCycleLR(max_lr=0.3, total_steps=40, cycle_momentum=False)
    )
    np.testing.assert_array_equal(run.lr, flat.lr)
    assert not np.allclose(run.points, flat.points)
    beta1 = cyc.momentums(40)
    assert beta1[0] == 0.95 and beta1.min() == pytest.approx(0.85) and len(np.unique(beta1)) > 30
    spec, x = opt.spec, np.array([[-4.0], [-6.0]])
    hp = dict(opt.hyperparameters)
    state = spec.init(x, hp)
    for t in range(1, 41):
        g = f.grad(x.T).T.copy()
        spec.step(x, g, state, t, {**hp, "lr": run.lr[t - 1], "betas": (beta1[t - 1], 0.999)})
        np.testing.assert_allclose(x[:, 0], run.points[t], rtol=1e-12, atol=1e-15)


def test_one_cycle_max_lr_none_uses_optimizer_lr_and_holds_after_total_steps():
    s = get_schedule("one_cycle", total_steps=10)
    lrs = s.lrs(0.4, 15)
    assert lrs[0] == pytest.approx(0.4 / 25) and lrs.max() == pytest.approx(0.4)
    assert (lrs[11:] == lrs[10]).all()


def test_cycle_momentum_off_sets_the_lr_only():
    for name in MOMENTUM_CYCLES:
        hyper = _run(get_schedule(name, **{**default_params(name, 5), "cycle_momentum": False}), {"lr": 0.1}, 3)
        assert all(set(h) == {"lr"} for h in hyper)


def test_cyclic_lr_defaults_to_a_quarter_of_the_optimizers_lr_up_to_it():
    s = get_schedule("cyclic", step_size_up=4)
    lrs = s.lrs(0.4, 17)
    assert lrs[0] == lrs[8] == lrs[16] == pytest.approx(0.1) and lrs[4] == lrs[12] == pytest.approx(0.4)
    assert get_schedule("cyclic", base_lr=0.3, step_size_up=4).lrs(0.4, 5).tolist() == pytest.approx(
        [0.3, 0.325, 0.35, 0.375, 0.4]
    )
    assert get_schedule("cyclic", max_lr=0.8, step_size_up=4).lrs(0.4, 1)[0] == pytest.approx(0.2)


def test_multistep_milestones_are_torchs_list_without_zeros():
    assert MultiStepLR(milestone_1=50, milestone_2=0, milestone_3=20).milestones == (20, 50)
    s = MultiStepLR(milestone_1=3, milestone_2=3, gamma=0.5)
    assert s.milestones == (3, 3) and s.lrs(1.0, 5).tolist() == [1.0, 1.0, 1.0, 0.25, 0.25]
    assert MultiStepLR(milestone_1=0).lrs(0.2, 3).tolist() == [0.2] * 3


def test_warm_restarts_periods_grow_by_t_mult():
    lrs = get_schedule("cosine_warm_restarts", T_0=2, T_mult=3).lrs(1.0, 27)
    assert np.flatnonzero(lrs == 1.0).tolist() == [0, 2, 8, 26]


def test_registry_and_metadata():
    assert list(SCHEDULES) == [
        "constant",
        "step",
        "multistep",
        "exponential",
        "polynomial",
        "linear",
        "cosine",
        "cosine_warm_restarts",
        "warmup_cosine",
        "one_cycle",
        "cyclic",
        "plateau",
    ]
    for name, cls in SCHEDULES.items():
        assert cls.name == name and cls.display_name and cls.latex
        defaults = default_params(name, 200)
        assert set(defaults) == {h.name for h in cls.params}
        s = get_schedule(name, **defaults)
        assert isinstance(s, cls)
        runner = s.start({"lr": 0.1, "momentum": 0.9}, 1)
        assert len(np.unique([runner.hyper(t)["lr"] for t in range(1, 201)])) > 1 or name in ("constant", "plateau")
        assert isinstance(runner.needs_loss, bool)
    assert SCHEDULES["constant"].display_name == "Constant"
    assert SCHEDULES["warmup_cosine"].display_name == "Linear warm-up + cosine"
    assert default_params("cosine", 80)["T_max"] == 80
    assert default_params("one_cycle", 80)["total_steps"] == 80
    assert default_params("polynomial", 80)["total_iters"] == 80
    assert default_params("linear", 80)["total_iters"] == 80
    assert (default_params("multistep", 80)["milestone_1"], default_params("multistep", 80)["milestone_2"]) == (40, 60)
    assert default_params("cosine_warm_restarts", 80)["T_0"] == 20
    c = default_params("cyclic", 80)
    assert (c["step_size_up"], c["step_size_down"], c["base_lr"], c["max_lr"]) == (10, 10, None, None)
    w = default_params("warmup_cosine", 80)
    assert w["warmup_steps"] + w["T_max"] == 80 and w["warmup_steps"] >= 1


def test_torch_defaults():
    assert StepLR(step_size=3).gamma == 0.1
    p = ReduceLROnPlateau()
    assert (p.mode, p.factor, p.patience, p.threshold, p.threshold_mode, p.cooldown, p.min_lr, p.eps) == (
        "min",
        0.1,
        10,
        1e-4,
        "rel",
        0,
        0.0,
        1e-8,
    )
    o = OneCycleLR(max_lr=1.0, total_steps=10)
    assert (
        o.pct_start,
        o.anneal_strategy,
        o.cycle_momentum,
        o.base_momentum,
        o.max_momentum,
        o.div_factor,
        o.final_div_factor,
        o.three_phase,
    ) == (0.3, "cos", True, 0.85, 0.95, 25.0, 1e4, False)
    assert get_schedule("polynomial") == get_schedule("polynomial", total_iters=5, power=1.0)
    assert MultiStepLR(milestone_1=3).gamma == 0.1
    assert (CosineAnnealingWarmRestarts(T_0=3).T_mult, CosineAnnealingWarmRestarts(T_0=3).eta_min) == (1, 0.0)
    assert (LinearLR().start_factor, LinearLR().end_factor, LinearLR().total_iters) == (1.0 / 3, 1.0, 5)
    c = CyclicLR()
    assert (c.step_size_up, c.step_size_down, c.mode, c.gamma, c.cycle_momentum, c.base_momentum, c.max_momentum) == (
        2000,
        None,
        "triangular",
        1.0,
        True,
        0.8,
        0.9,
    )
    for cls in (MultiStepLR, CosineAnnealingWarmRestarts, LinearLR, CyclicLR):
        fields = {k: v for k, v in get_schedule(cls.name).__dict__.items() if k != "more_milestones"}
        assert {h.name: h.default for h in cls.params} == fields
    assert get_schedule("multistep").milestones == (30,)


@pytest.mark.parametrize(
    "name, params, match",
    [
        ("step", {"step_size": 0}, r"step_size.*\[1, inf\)"),
        ("step", {"step_size": 2.5}, "step_size.*integer"),
        ("step", {"gamma": 0.0}, r"gamma.*\(0, 1\]"),
        ("exponential", {"gamma": float("nan")}, "gamma"),
        ("cosine", {"T_max": 10, "eta_min": -1.0}, "eta_min"),
        ("warmup_cosine", {"start_factor": 0.0}, "start_factor"),
        ("one_cycle", {"pct_start": 1.5}, r"pct_start.*\[0, 1\]"),
        ("one_cycle", {"anneal_strategy": "exp"}, "anneal_strategy.*'cos', 'linear'"),
        ("one_cycle", {"cycle_momentum": 1}, "cycle_momentum"),
        ("plateau", {"factor": 1.0}, r"factor.*\[0, 1\)"),
        ("plateau", {"mode": "avg"}, "mode.*'min', 'max'"),
        ("plateau", {"patience": -1}, "patience"),
        ("multistep", {"milestone_2": -1}, "milestone_2"),
        ("multistep", {"milestone_1": 2.5}, "milestone_1.*integer"),
        ("linear", {"start_factor": 0.0}, r"start_factor.*\(0, 1\]"),
        ("linear", {"end_factor": 1.5}, r"end_factor.*\[0, 1\]"),
        ("linear", {"total_iters": 0}, "total_iters"),
        ("cosine_warm_restarts", {"T_0": 0}, "T_0"),
        ("cosine_warm_restarts", {"T_mult": 0}, "T_mult"),
        ("cosine_warm_restarts", {"T_mult": 1.5}, "T_mult.*integer"),
        ("cyclic", {"mode": "cosine"}, "mode.*'triangular', 'triangular2', 'exp_range'"),
        ("cyclic", {"max_lr": 0.0}, "max_lr"),
        ("cyclic", {"base_lr": -0.1}, "base_lr"),
        ("cyclic", {"step_size_up": 0}, "step_size_up"),
        ("cyclic", {"step_size_down": -1}, "step_size_down"),
        ("cyclic", {"base_momentum": 1.0}, "base_momentum"),
    ],
)
def test_validation_errors(name, params, match):
    with pytest.raises(ValueError, match=match):
        get_schedule(name, **params)


def test_unknown_names_list_valid_ones():
    with pytest.raises(ValueError, match="valid names are: constant, step"):
        get_schedule("cyclical")
    with pytest.raises(ValueError, match="valid ones are: step_size, gamma"):
        get_schedule("step", step=3)
    with pytest.raises(ValueError, match="valid names"):
        default_params("nope", 10)


def test_integral_floats_become_ints():
    s = get_schedule("step", step_size=10.0)
    assert s.step_size == 10 and isinstance(s.step_size, int)


def test_rmsprop_refuses_momentum_turned_on_after_the_first_step_as_torch_fails():
    """torch's RMSprop makes its momentum buffer at the first step only: a cycle starting at momentum 0 fails there."""
    assert str(REF["refusal/late_momentum/rmsprop"]).startswith("KeyError")
    opt_name, hp, name, params = json.loads(str(REF["refusal/late_momentum/setting"]))
    with pytest.raises(core.messages.CoreError, match="turn momentum on after its first step"):
        core.simulate(QUAD, core.get_optimizer(opt_name, **hp), [1.0, 1.0], 5, schedule=get_schedule(name, **params))
    started = get_schedule(name, **{**params, "base_momentum": 0.0, "max_momentum": 0.9})
    assert core.simulate(QUAD, core.get_optimizer(opt_name, **hp), [1.0, 1.0], 5, schedule=started).diverged_at == -1


def test_multistep_takes_torchs_milestones_list():
    """``milestones=[...]`` as in torch, in any order and of any length; the app's three ints stay equivalent."""
    listed = get_schedule("multistep", milestones=[80, 30], gamma=0.1)
    assert listed == get_schedule("multistep", milestone_1=30, milestone_2=80, gamma=0.1)
    many = get_schedule("multistep", milestones=[5, 1, 9, 9, 20], gamma=0.5)
    assert many.milestones == (1, 5, 9, 9, 20)
    np.testing.assert_allclose(many.lrs(1.0, 21)[[0, 1, 5, 9, 20]], [1.0, 0.5, 0.25, 0.0625, 0.03125])
    assert get_schedule("multistep", milestones=[]).lrs(1.0, 3).tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("bad", [[0, 3], "12", ["3"], [1.5], [True], 5, [float("nan")]])
def test_multistep_refuses_milestones_that_are_not_positive_integers(bad):
    with pytest.raises(core.messages.CoreError, match="Invalid milestones"):
        get_schedule("multistep", milestones=bad)
    with pytest.raises(core.messages.CoreError, match="Invalid milestones"):
        get_schedule("multistep", milestones=[10], milestone_2=20)
