"""``core.tune`` on networks: seeded initialisations as starts, scores on the test split, the default always a trial."""

from __future__ import annotations

import numpy as np
import pytest

import core
from core import network_trials
from core.datasets import TWO_D_DATASETS
from core.simulate import PULSE_STEPS
from core.tune import SCORES, evaluate, survival
from core.workloads import Workload, architectures, default_workload, work_per_sample

ALL = core.OPTIMIZERS + core.NETWORK_OPTIMIZERS


def small(data: str = "moons") -> core.MLP:
    n = 200 if data == "digits" else 120
    return core.mlp(core.get_dataset(data, n=n), (8,))


@pytest.mark.parametrize("data", core.DATASETS)
@pytest.mark.parametrize("name", ALL)
def test_every_optimizer_tunes_on_every_data_set(name, data):
    net = small(data)
    result = core.tune(net, name, budget=3, steps=15, seeds=2, rounds=2)
    assert len(result.trials["score"]) >= 3
    assert np.isfinite(result.score) or np.isinf(result.trials["score"]).all()
    core.get_optimizer(name, **result.best)  # the tuned setting is a valid one


@pytest.mark.parametrize("score", sorted(SCORES))
def test_tuned_never_scores_worse_than_torchs_default(score):
    net = small()
    result = core.tune(net, "adam", budget=6, steps=40, seeds=2, score=score, target=0.8)
    default = core.get_spec("adam").defaults
    assert result.trials["lr"][0] == default["lr"] and result.trials["betas[0]"][0] == default["betas"][0]
    assert result.score <= result.trials["score"][0]


def test_final_score_is_the_mean_test_loss_of_the_seeded_networks():
    net = small()
    result = core.tune(net, "momentum", budget=4, steps=30, seeds=3)
    run = core.simulate(net, result.optimizer, net.init(range(3)), 30, record="last")
    want = net.evaluate(run.final).test_loss.mean()
    assert result.score == pytest.approx(want, rel=1e-9)
    assert result.score != pytest.approx(run.values[-1].mean(), rel=1e-3), "the test split, not the training loss"


def test_shared_batches_score_is_the_network_labs_own_run():
    """The lab trains its seeds in one call on one minibatch order; tuned with ``shared_batches`` the score of a
    setting is that run's mean test loss, and every trial's networks share one call."""
    net = small()
    current = {"lr": 0.02}
    result = core.tune(net, "adam", budget=3, steps=30, seeds=3, batch_size=16, shared_batches=True, include=[current])
    lab = core.simulate(net, core.get_optimizer("adam", **current), net.init(range(3)), 30, batch_size=16, seed=0)
    assert result.trials["lr"][0] == 0.02
    assert result.trials["score"][0] == pytest.approx(net.evaluate(lab.final).test_loss.mean(), rel=1e-12)
    own = core.tune(net, "adam", budget=3, steps=30, seeds=3, batch_size=16, include=[current])
    assert own.trials["score"][0] != pytest.approx(result.trials["score"][0], rel=1e-6), "own orders differ"


def test_steps_score_is_the_first_recorded_step_at_the_target_accuracy():
    net = small()
    x0 = net.init(range(2))
    opt = core.get_optimizer("adam", lr=np.array([[0.05], [1e-4]]))
    t = network_trials.run_trials(net, opt, x0, 2, steps=100, score="steps", target=0.8)
    acc = t.curves["test_accuracy"]
    for i in range(2):
        for j in range(2):
            hit = np.flatnonzero(acc[:, i, j] >= 0.8)
            want = t.steps[hit[0]] if hit.size else network_trials.MISSED * 100
            assert t.scores[i, j] == want
    assert (t.scores[0] < t.scores[1]).all(), "a working lr reaches the target, a tiny one does not"


def test_full_batch_trials_run_in_one_call_and_minibatch_seeds_in_one_call_each(monkeypatch):
    calls = []
    real = network_trials.simulate

    def counting(*args, **kwargs):
        calls.append((np.shape(args[2]), kwargs.get("batch_size"), kwargs.get("seed")))
        return real(*args, **kwargs)

    monkeypatch.setattr(network_trials, "simulate", counting)
    net = small()
    core.tune(net, "adam", budget=8, steps=10, seeds=3, rounds=1)
    assert calls == [((9, 3, net.dim), None, 0)]
    calls.clear()
    core.tune(net, "adam", budget=8, steps=10, seeds=3, rounds=1, batch_size=16, seed=5)
    assert calls == [((9, 1, net.dim), 16, 5), ((9, 1, net.dim), 16, 6), ((9, 1, net.dim), 16, 7)]
    calls.clear()
    core.tune(net, "adam", budget=8, steps=10, seeds=3, rounds=1, batch_size=16, seed=5, shared_batches=True)
    assert calls == [((9, 3, net.dim), 16, 5)]


def test_a_diverging_trial_scores_inf():
    net = small()
    opt = core.get_optimizer("gd", lr=np.array([[0.1], [1e200]]))
    t = network_trials.run_trials(net, opt, net.init(range(2)), 2, steps=20, score="final", target=0.9)
    assert np.isfinite(t.scores[0]).all() and np.isinf(t.scores[1]).all() and t.diverged[1].all()


@pytest.mark.parametrize("target", [0.0, 1.5, float("nan"), True, "0.9"])
def test_network_target_is_a_test_accuracy(target):
    with pytest.raises(core.messages.CoreError, match="test accuracy"):
        core.tune(small(), "adam", budget=2, steps=5, target=target)


def test_batch_size_needs_a_network_and_x0_a_networks_dimension():
    with pytest.raises(core.messages.CoreError, match="batch_size needs"):
        core.tune(core.get_function("quadratic"), "adam", budget=2, steps=5, batch_size=8)
    with pytest.raises(core.messages.CoreError, match="x0 shape"):
        core.tune(small(), "adam", budget=2, steps=5, x0=[0.0, 1.0])


@pytest.mark.parametrize("score", sorted(SCORES))
def test_evaluate_runs_the_tuned_setting_as_its_trial_ran(score):
    net = small()
    result = core.tune(net, "adam", budget=4, steps=40, seeds=2, score=score, target=0.8, batch_size=32, seed=3)
    ev = evaluate(net, "adam", result.best, steps=40, seeds=2, score=score, target=0.8, batch_size=32, seed=3)
    assert ev.trajectory is None and ev.scores.shape == (2,) and ev.reached_at.shape == (2,)
    assert ev.scores.mean() == pytest.approx(result.score, rel=1e-12)


def test_evaluate_on_a_network_dates_the_target_from_its_test_accuracy_curve():
    net = small()
    ev = evaluate(net, "adam", {"lr": 0.05}, steps=100, seeds=3, score="steps", target=0.8)
    acc = ev.curves["test_accuracy"]
    assert acc.shape == (len(ev.steps), 3)
    for j in range(3):
        hit = np.flatnonzero(acc[:, j] >= 0.8)
        assert ev.reached_at[j] == (ev.steps[hit[0]] if hit.size else -1)
    curve = survival(ev.reached_at, 100)
    assert curve[-1] == np.mean(ev.reached_at >= 0) and curve[0] == 0.0
    assert np.all(np.diff(curve) >= 0)


def test_evaluate_checks_the_network_target_and_a_landscapes_batch_size():
    with pytest.raises(core.messages.CoreError, match="test accuracy"):
        evaluate(small(), "adam", {}, steps=5, target=2.0)
    with pytest.raises(core.messages.CoreError, match="batch_size needs"):
        evaluate(core.get_function("quadratic"), "adam", {}, steps=5, batch_size=8)


def test_trials_in_chunks_score_as_in_one_call(monkeypatch):
    """A budget too big for one call's memory runs in chunks of trials, each with its own hyperparameters."""
    net = small()
    lr = np.array([[0.3], [0.03], [3e-3], [3e-4], [0.1]])
    opt = core.get_optimizer("momentum", lr=lr, momentum=0.9)
    whole = network_trials.run_trials(net, opt, net.init(range(2)), 5, steps=30, score="steps", target=0.8)
    calls = []
    real = network_trials.simulate
    monkeypatch.setattr(network_trials, "simulate", lambda *a, **k: calls.append(a[2].shape) or real(*a, **k))
    monkeypatch.setattr(network_trials, "CHUNK_BYTES", 8 * 32 * net.dim * 2 * 2)  # two trials per call
    parts = network_trials.run_trials(net, opt, net.init(range(2)), 5, steps=30, score="steps", target=0.8)
    assert [s[0] for s in calls] == [2, 2, 1]
    np.testing.assert_array_equal(parts.scores, whole.scores)
    np.testing.assert_allclose(parts.curves["test_loss"], whole.curves["test_loss"], rtol=1e-12)


def test_test_scores_are_evaluates_test_split():
    net = small()
    theta = net.init(range(3))
    loss, accuracy = net.test_scores(theta)
    ev = net.evaluate(theta)
    np.testing.assert_array_equal(loss, ev.test_loss)
    np.testing.assert_array_equal(accuracy, ev.test_accuracy)


@pytest.mark.parametrize("data", core.DATASETS)
def test_every_data_set_has_a_practitioners_workload(data):
    w = default_workload(data)
    net = w.network()
    assert net.dataset.name == data and w.architecture in architectures(data)
    if w.architecture == "mlp":
        assert net.hidden == w.hidden and net.activation == w.activation
    if data in TWO_D_DATASETS:
        assert w.batch_size is None, "a few hundred points train full batch"
    else:
        assert w.batch_size is not None and w.batch_size < net.n_samples, "a larger set trains on minibatches"
    with pytest.raises(core.messages.CoreError, match="Unknown dataset"):
        default_workload("nope")


def test_mnist1d_races_the_papers_cnn_and_each_architecture_builds_its_network():
    w = default_workload("mnist1d")
    assert (w.architecture, w.batch_size) == ("cnn", 100), "the paper's CNN on its minibatches of 100"
    nets = {a: Workload("mnist1d", (8,), "relu", 100, a).network() for a in architectures("mnist1d")}
    assert isinstance(nets["cnn"], core.CNN) and nets["cnn"].channels == (25, 25, 25)
    assert nets["logistic"].sizes == (40, 10) and nets["mlp"].sizes == (40, 8, 10)
    # a CNN's work per sample counts every output position of its convolutions, far above its parameter count
    assert work_per_sample(nets["cnn"]) > 10 * nets["cnn"].dim and work_per_sample(nets["mlp"]) == nets["mlp"].dim
    with pytest.raises(core.messages.CoreError, match="Unknown architecture"):
        Workload("digits", (8,), "relu", 128, "cnn").network()


class Stop(Exception):
    """What a closed tab raises at a stop point (Streamlit's StopException, here without Streamlit)."""


def test_tuning_and_evaluation_reach_the_pulse_every_few_steps_without_changing_a_number():
    net = small()
    beats = []
    kw = {"budget": 4, "steps": 40, "seeds": 2, "rounds": 2, "batch_size": 32}
    quiet = core.tune(net, "adam", **kw)
    pulsed = core.tune(net, "adam", **kw, pulse=lambda: beats.append(1))
    assert pulsed.trials["score"].tolist() == quiet.trials["score"].tolist()
    # two rounds, each training the two seeds on their own minibatch orders (one call each): four runs of 40 steps
    assert len(beats) == 4 * (40 // PULSE_STEPS), "each training reaches the pulse every PULSE_STEPS steps"
    beats.clear()
    ev = evaluate(net, "adam", pulsed.best, steps=40, seeds=2, batch_size=32, pulse=lambda: beats.append(1))
    assert ev.scores.shape == (2,)
    assert len(beats) == 2 * (40 // PULSE_STEPS), "the evaluation's two networks reach it too"


def test_what_the_pulse_raises_ends_the_tuning_at_once():
    net = small()
    beats = []

    def pulse():
        beats.append(1)
        if len(beats) == 3:
            raise Stop

    with pytest.raises(Stop):
        core.tune(net, "adam", budget=8, steps=400, seeds=2, pulse=pulse)
    assert len(beats) == 3, "no training step ran after the stop point raised"
