"""The MNIST-1D paper's preset (``core.mnist1d_paper``): blocks of training equal ``simulate``, the plan keeps to its
cap, and the committed measurement is within 3 points of the paper's table."""

import numpy as np
import pytest

import core
from core import mnist1d_paper as paper
from core.messages import CoreError


@pytest.mark.parametrize("name", paper.MODELS)
def test_training_in_blocks_equals_simulate(name):
    f = paper.model(name)
    steps = 23
    run = core.simulate(
        f,
        core.get_optimizer("adam", lr=paper.LR),
        f.init(range(2)),
        steps,
        record="last",
        batch_size=paper.BATCH,
        shuffle=False,
    )
    points = list(paper.train(name, steps, seeds=2, every=5))
    assert [p.step for p in points] == [0, 5, 10, 15, 20, 23]
    np.testing.assert_array_equal(points[0].theta, f.init(range(2)))
    np.testing.assert_array_equal(points[-1].theta, run.final)
    np.testing.assert_array_equal(points[-1].test_accuracy, f.evaluate(run.final).test_accuracy)


def test_models_are_the_papers():
    assert paper.model("logistic").sizes == (40, 10)
    mlp = paper.model("mlp")
    assert mlp.sizes == (40, 100, 100, 10) and mlp.residual and mlp.activation == "relu"
    cnn = paper.model("cnn")
    assert cnn.channels == (25, 25, 25) and cnn.kernels == (5, 3, 3)
    with pytest.raises(CoreError, match="Unknown model"):
        paper.model("gru")
    with pytest.raises(CoreError, match="Invalid steps"):
        next(paper.train("logistic", 0))


def test_plan_fits_the_seconds_in_whole_blocks():
    costs = {"logistic": 1e-5, "mlp": 5e-4, "cnn": 2e-3}
    plan = paper.plan(12.0, costs)
    assert plan.seeds == 1 and plan.steps % 250 == 0 and plan.reduced
    assert plan.seconds <= 12.0 < paper.estimate(plan.steps + 250, 1, costs)
    assert paper.plan(1e6, costs).steps == paper.STEPS, "never more than the paper's steps"
    assert paper.plan(1e-6, costs).steps == 50, "at least the least run"
    assert paper.plan(0.4, costs).steps == 150, "below a block of 250, in steps of 50"


def test_the_committed_table_is_within_three_points_of_the_paper():
    measured = paper.measured()
    setting = measured["setting"]
    assert setting["steps"] == paper.STEPS and setting["seeds"] == paper.SEEDS
    assert setting["lr"] == paper.LR and setting["batch"] == paper.BATCH
    assert setting["date"] and setting["machine"]
    for name, accuracy in paper.PAPER.items():
        m = measured["models"][name]
        assert len(m["accuracy"]) == paper.SEEDS
        assert abs(np.mean(m["accuracy"]) - accuracy) <= 3.0, name
        assert m["steps"][0] == 0 and m["steps"][-1] == paper.STEPS and len(m["curve"]) == len(m["steps"])
        assert m["curve"][-1] == pytest.approx(np.mean(m["accuracy"]), abs=0.01)
        assert len(m["classes"]) == 10
