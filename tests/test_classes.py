"""Per-class test accuracy (``core.classes``, ``ui.classes``): each class's share classified right, batched."""

import numpy as np

import core
from core.classes import class_accuracy
from ui.classes import class_columns, class_frame


def _looped(f, theta):
    ds = f.dataset
    predicted = f.predict(theta, ds.x_test)
    return np.array([np.mean(predicted[ds.y_test == k] == k) for k in range(ds.classes)])


def test_class_accuracy_is_each_classs_share_right_for_every_network():
    f = core.mlp(core.get_dataset("digits"), (8,), "relu")
    thetas = f.init(range(3))
    got = class_accuracy(f, thetas)
    assert got.shape == (3, 10)
    for i in range(3):
        np.testing.assert_allclose(got[i], _looped(f, thetas[i]))
    # weighted by class sizes, the per-class accuracies give the overall accuracy
    counts = np.bincount(f.dataset.y_test, minlength=10)
    np.testing.assert_allclose(got @ counts / counts.sum(), f.evaluate(thetas).test_accuracy)


def test_a_class_without_test_samples_is_nan():
    ds = core.get_dataset("moons", n=40, seed=0)
    only = ds.y_test == 0
    f = core.mlp(core.Dataset("moons", "", ds.x_train, ds.y_train, ds.x_test[only], ds.y_test[only], 2, ""), (4,))
    got = class_accuracy(f, f.init(0))
    assert np.isfinite(got[0]) and np.isnan(got[1])


def test_the_table_has_a_row_per_class_and_a_column_per_network():
    f = core.cnn(core.get_dataset("mnist1d"))
    thetas = {"a": f.init(0), "b": f.init(1)}
    columns = class_columns(f, thetas)
    frame = class_frame(columns)
    assert list(frame.columns) == ["class", "a", "b"] and list(frame["class"]) == [str(k) for k in range(10)]
    np.testing.assert_allclose(frame["b"], _looped(f, thetas["b"]))
    assert class_columns(f, {}) == {}
