"""The Network lab on MNIST-1D through AppTest: each architecture trains and draws what applies to it, the
architecture goes to the URL and back, only the data set's architectures are offered, and the paper's preset
trains the chosen architecture beside the paper's number."""

from __future__ import annotations

import json

import pytest

from core import mnist1d_paper as paper
from core.workloads import architectures
from tests.apptest_helpers import charts, count, errors, markdown_tables, open_page
from ui import mnist1d, network

PAGE = "pages/network.py"
QUICK = {"data": "mnist1d", "opts": "adam,muon", "steps": "30", "seeds": "1"}
MLP_CONTROLS = ("network:layers", "network:width", "network:act")


def widget_keys(at) -> set[str]:
    return {w.key for kind in (at.slider, at.selectbox) for w in kind}


@pytest.mark.parametrize("arch", architectures("mnist1d"))
def test_each_architecture_trains_and_draws_what_applies(arch):
    at = open_page(PAGE, {**QUICK, "arch": arch}, timeout=120)
    assert not at.exception, at.exception
    assert not errors(at) and not at.warning
    assert at.session_state["network:arch"] == arch
    shown = widget_keys(at)
    assert all((k in shown) == (arch == "mlp") for k in MLP_CONTROLS)  # hidden layers only for the MLP
    results, per_class = markdown_tables(at)[:2]
    assert list(results["optimizer"]) == ["Adam", "Muon"]
    assert list(per_class.columns) == ["class", "Adam", "Muon"] and list(per_class["class"]) == list(range(10))
    # the loss tab's two curves and the input signals (2 per class, 10 classes); one image: the slice
    assert count(at, "vega_lite_chart") == 3 and count(at, "image") == 1
    [signals] = [data for spec, data in charts(at) if "signal" in data.columns]
    assert signals["class"].nunique() == 10 and signals["signal"].nunique() == 10 * network.SIGNALS_PER_CLASS
    captions = " ".join(c.value for c in at.caption)
    assert "Decision regions are drawn for the 2-D data sets only" in captions
    # the CNN's slice is cut on a subset of the training signals, and says so; the others' are whole
    assert ("cut on a seeded subset of" in captions) == (arch == "cnn")
    intro = at.markdown[0].value if at.markdown else ""
    assert ("convolution kernels with AdamW" in " ".join(m.value for m in at.markdown)) == (arch == "cnn"), intro


def test_architecture_round_trips_through_the_url():
    at = open_page(PAGE, {**QUICK, "arch": "logistic"})
    assert not at.exception and at.session_state["network:arch"] == "logistic"
    assert at.query_params["arch"] in ("logistic", ["logistic"])
    at.selectbox(key="network:arch").set_value("cnn").run()
    assert not at.exception and at.query_params["arch"] in ("cnn", ["cnn"])
    link = {k: v if isinstance(v, str) else v[0] for k, v in at.query_params.items()}
    again = open_page(PAGE, link)
    assert not again.exception and again.session_state["network:arch"] == "cnn"
    assert markdown_tables(again)[0].equals(markdown_tables(at)[0])  # the same runs, from the cache


def test_the_cnn_is_not_offered_on_a_2d_set():
    at = open_page(PAGE, {"data": "moons", "arch": "cnn", "opts": "adam", "steps": "20", "seeds": "1"})
    assert not at.exception and not errors(at)
    assert at.selectbox(key="network:arch").options == [
        network._(network.ARCHITECTURE_NAMES[a]) for a in architectures("moons")
    ]
    assert at.session_state["network:arch"] == "mlp"
    assert any("arch" in w.value for w in at.warning)  # the ignored link value is named


def test_default_view_says_why_it_is_short():
    at = open_page(PAGE, {"data": "mnist1d"}, timeout=300)
    assert not at.exception and not errors(at) and not at.info  # nothing cut by the budget
    state = at.session_state
    assert (state["network:arch"], state["network:bs"]) == ("cnn", "100")
    assert (state["network:steps"], state["network:seeds"]) == (200, 1)
    captions = " ".join(c.value for c in at.caption)
    assert "On MNIST-1D, the paper's CNN on its minibatches of 100, but 200 steps (5 epochs) and 1 seed(s)" in captions
    assert f"limit of {network.budget.limit('network'):g} CPU-seconds" in captions


def test_a_new_data_set_restarts_its_own_steps_and_seeds():
    at = open_page(PAGE, {"data": "moons", "opts": "adam", "steps": "20", "seeds": "1"})
    at.selectbox(key="network:data").set_value("mnist1d").run()
    assert not at.exception
    # steps and seeds came from the link, so they stay; the architecture restarts at the data set's default
    assert (at.session_state["network:steps"], at.session_state["network:seeds"]) == (20, 1)
    assert at.session_state["network:arch"] == "cnn"
    fresh = open_page(PAGE, {"data": "moons", "opts": "adam"})
    assert fresh.session_state["network:steps"] == network.STEPS
    fresh.selectbox(key="network:data").set_value("mnist1d").run()
    assert not fresh.exception
    want = network.DATA_DEFAULTS["mnist1d"]
    assert (fresh.session_state["network:steps"], fresh.session_state["network:seeds"]) == (
        want["steps"],
        want["seeds"],
    )


def test_paper_preset_trains_the_architecture_beside_the_papers_number(monkeypatch):
    """The preset of the CNN (cut to a short run here): a plan sentence, a button, then the paper's 94 %, the committed
    measurement and this run's accuracy side by side."""
    monkeypatch.setattr(paper, "STEPS", 40)
    monkeypatch.setattr(paper, "SEEDS", 1)
    monkeypatch.setattr(mnist1d, "_LIVE", mnist1d.LRU(8))
    at = open_page(PAGE, {**QUICK, "arch": "cnn", "paper": "1"}, timeout=120)
    assert not at.exception and not errors(at)
    assert any("The paper's setting for this architecture" in m.value for m in at.markdown)
    assert any("40 steps × 1 seed(s) per model" in c.value for c in at.caption)
    [run] = [b for b in at.button if b.key == "network:paper_run"]
    run.click()
    at.run(timeout=120)
    assert not at.exception and not errors(at)
    [table] = [t for t in markdown_tables(at) if "paper" in t.columns]
    measured = paper.measured()
    assert list(table["model"]) == ["CNN"] and list(table["paper"]) == ["94 %"]
    column = f"measured ({measured['setting']['steps']} steps × {measured['setting']['seeds']} seeds)"
    assert column in table.columns and "this run" in table.columns
    titles = [json.dumps(spec) for spec, _data in charts(at)]
    assert any("This run: test accuracy while training" in t for t in titles)
