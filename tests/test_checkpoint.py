"""A run continued from its checkpoint in chunks (``simulate(f, opt, checkpoint, steps)``, joined by
``core.simulate.join``) equals one ``simulate`` call exactly: what the network lab's progress relies on."""

import numpy as np
import pytest

import core
from core.messages import CoreError
from core.simulate import join


def chunked(f, opt, x0, sizes, **kw) -> core.Trajectory:
    parts = [core.simulate(f, opt, x0, sizes[0], checkpoint=True, **kw)]
    for size in sizes[1:]:
        parts.append(core.simulate(f, opt, parts[-1].checkpoint, size, checkpoint=True, **kw))
    return join(parts)


def assert_same(a: core.Trajectory, b: core.Trajectory) -> None:
    assert np.array_equal(a.points, b.points, equal_nan=True)
    assert np.array_equal(a.values, b.values, equal_nan=True)
    assert np.array_equal(a.recorded_steps, b.recorded_steps)
    assert np.array_equal(a.diverged_at, b.diverged_at)
    assert np.array_equal(a.stopped_at, b.stopped_at)
    for k in a.state:
        assert np.array_equal(a.state[k], b.state[k], equal_nan=True)


@pytest.mark.parametrize(("name", "batch_size", "every"), [("adam", None, 2), ("muon", 32, 3), ("rmsprop", 16, 1)])
def test_network_run_in_chunks_equals_one_run(name, batch_size, every):
    f = core.mlp(core.get_dataset("moons", n=200, noise=0.1, seed=0), (8, 8), "tanh")
    opt, x0 = core.get_optimizer(name), f.init(range(3))
    kw = {"batch_size": batch_size, "seed": 0, "record_every": every}
    one = core.simulate(f, opt, x0, 60, **kw)
    sizes = [12, 12, 12, 12, 12] if every > 1 else [13, 7, 40]
    assert_same(chunked(f, opt, x0, sizes, **kw), one)


def test_landscape_run_with_noise_schedule_and_state_in_chunks_equals_one_run():
    f = core.get_function("rosenbrock")
    opt = core.get_optimizer("adam", lr=np.array([0.01, 0.05, 3.0]))
    x0 = np.tile(f.start, (3, 1))
    kw = {"noise": 0.5, "seed": 3, "schedule": core.get_schedule("plateau"), "record_state": True}
    one = core.simulate(f, opt, x0, 90, **kw)
    joined = chunked(f, opt, x0, [30, 30, 30], **kw)
    assert_same(joined, one)
    assert np.array_equal(joined.lr, one.lr)


def test_divergence_and_stop_rule_are_dated_as_in_one_run():
    f = core.get_function("quadratic")
    opt = core.get_optimizer("gd", lr=np.array([0.1, 50.0, 0.5]))
    x0 = np.tile([3.0, 2.0], (3, 1))
    kw = {"stop_when": lambda x, y: (abs(x) < 0.5) & (abs(y) < 0.5), "record_every": 4}
    one = core.simulate(f, opt, x0, 400, **kw)
    assert one.diverged_at[1] > 0 and one.stopped_at[0] > 0
    assert_same(chunked(f, opt, x0, [100, 100, 200], **kw), one)


def test_a_checkpoint_continues_alike_twice_and_only_its_own_run():
    f = core.mlp(core.get_dataset("xor", n=200, seed=0), (4,), "tanh")
    opt = core.get_optimizer("adam")
    first = core.simulate(f, opt, f.init(range(2)), 10, batch_size=16, checkpoint=True)
    again = [core.simulate(f, opt, first.checkpoint, 10, batch_size=16) for _ in range(2)]
    assert np.array_equal(again[0].points, again[1].points)
    assert list(again[0].recorded_steps) == list(range(10, 21))
    with pytest.raises(CoreError):
        core.simulate(f, core.get_optimizer("gd"), first.checkpoint, 10, batch_size=16)
    with pytest.raises(CoreError):
        core.simulate(f, opt, first.checkpoint, 10, batch_size=32)


def test_join_refuses_parts_that_would_not_record_as_one_run():
    f = core.get_function("quadratic")
    opt = core.get_optimizer("gd", lr=0.1)
    a = core.simulate(f, opt, [1.0, 1.0], 5, record_every=2, checkpoint=True)
    b = core.simulate(f, opt, a.checkpoint, 4, record_every=2, checkpoint=True)
    with pytest.raises(CoreError):
        join([a, b])
    with pytest.raises(CoreError):
        join([b, a])
