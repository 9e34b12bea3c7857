"""The Network lab's exports through AppTest: one PyTorch program per optimizer, the CSV and PNG downloads."""

from __future__ import annotations

import ast

import numpy as np

from tests.apptest_helpers import count, open_page
from ui import network, network_export

PAGE = "pages/network.py"
QUERY = {"opts": "adam,muon,lion", "steps": "20", "seeds": "2", "width": "4", "layers": "1", "bs": "32"}


def programs(at) -> list[str]:
    return [c.value for c in at.code if "torch.optim" in c.value]


def test_programs_and_downloads_appear_when_the_export_opens():
    at = open_page(PAGE, QUERY)
    assert not at.exception, at.exception
    assert programs(at) == [] and count(at, "download_button") == 0  # a fresh tab stays light
    at.session_state["network:exportopen"] = True
    at.run()
    assert not at.exception, at.exception
    adam, muon = programs(at)
    calls = {
        n.targets[0].id: n.value
        for n in ast.parse(adam).body
        if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)
    }
    assert ast.unparse(calls["optimizer"].func) == "torch.optim.Adam"
    assert {k.arg: ast.literal_eval(k.value) for k in calls["optimizer"].keywords} == {"lr": 0.02}
    assert "range(20)" in adam and "_Minibatches(len(y_train), 32, 0)" in adam and "torch.nn.Linear(2, 4)" in adam
    assert "torch.optim.Muon(matrices" in muon and "torch.optim.AdamW(biases" in muon
    assert any("Lion is not in torch.optim" in i.value for i in at.info)
    # The caption quotes the line the program prints last: the page's own seed-0 training loss.
    assert any("final train loss = " in c.value for c in at.caption)
    # The curves as CSV, the loss slice and the decision regions as PNG.
    assert count(at, "download_button") == 3


def test_digits_export_has_the_slice_png_and_loads_the_digits_with_scikit_learn():
    at = open_page(
        PAGE, {"data": "digits", "opts": "adafactor", "steps": "10", "seeds": "1", "width": "4", "layers": "1"}
    )
    at.session_state["network:exportopen"] = True
    at.run()
    assert not at.exception, at.exception
    (code,) = programs(at)
    assert "load_digits(return_X_y=True)" in code and "torch.optim.Adafactor" in code
    assert count(at, "download_button") == 2  # no decision regions for the digits


def test_curves_frame_has_every_optimizer_seed_and_recorded_step():
    key = network.lab_workload("moons", "mlp", (4,), "tanh", None, 200, 0.1)
    specs = network.lab_runs(key, {n: {"lr": 0.02} for n in ("adam", "rmsprop")}, 30, 3)
    results = {run.optimizer: network.train(run) for run in specs}
    frame = network_export.curves_frame(results)
    assert list(frame.columns) == ["optimizer", "seed", "step", *network_export.CURVES]
    r = results["adam"]
    assert len(frame) == 2 * 3 * len(r.steps)
    rows = frame[(frame.optimizer == "adam") & (frame.seed == 2)]
    np.testing.assert_array_equal(rows["step"], r.steps)
    np.testing.assert_array_equal(rows["test accuracy"], r.test_accuracy[:, 2])
