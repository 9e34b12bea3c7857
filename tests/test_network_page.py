"""The Network lab page through AppTest: every data set renders, trains and draws; settings go to the URL."""

import json
import re

import numpy as np
import pytest

import core
from core import budget
from core.datasets import LAB_DATASETS, NOISE_HELP, TWO_D_DATASETS
from core.workloads import SIGNAL_DATASETS, default_workload
from tests.apptest_helpers import charts, count, errors, markdown_tables, open_page
from ui import network

PAGE = "pages/network.py"


@pytest.mark.parametrize("data", LAB_DATASETS)
def test_each_dataset_trains_and_draws(data):
    query = {"data": data, "opts": "adam,muon", "steps": "30", "seeds": "2"}
    if data == "digits":
        query.update(width="8", layers="1")
    at = open_page(PAGE, query, timeout=120)
    assert not at.exception, at.exception
    assert not errors(at)
    signals = int(data in SIGNAL_DATASETS)  # MNIST-1D draws a few input signals of every class
    assert count(at, "vega_lite_chart") == 2 + signals  # the loss tab; accuracy is drawn when its tab opens
    assert count(at, "image") == (2 if data in TWO_D_DATASETS else 1)
    at.session_state["network:curves"] = "Accuracy"
    assert count(at.run(), "vega_lite_chart") == 2 + signals and not at.exception
    table = markdown_tables(at)[0]
    assert list(table["optimizer"]) == ["Adam", "Muon"]
    assert at.session_state["network:data"] == data


def test_default_comparison_trains_and_learns():
    """The default comparison learns the task (its speed is measured by benchmarks/network_bench.py)."""
    at = open_page(PAGE)
    assert not at.exception
    table = markdown_tables(at)[0]
    assert list(table["optimizer"]) == [core.get_spec(n).display_name for n in core.ARTICLE_OPTIMIZERS]
    assert (table["test accuracy"] > 0.9).all()


@pytest.mark.parametrize("data", ["circle", "moons"])
def test_noise_help_says_what_the_data_set_does_with_noise(data):
    """Circle's noise flips labels (Playground), moons' is make_moons's σ: the help says which."""
    at = open_page(PAGE, {"data": data, "opts": "gd", "steps": "10", "seeds": "1"})
    assert not at.exception
    assert at.slider(key="network:noise").help == NOISE_HELP[data]


def test_url_settings_are_read_and_written_back():
    query = {
        "data": "xor",
        "act": "relu",
        "width": "8",
        "layers": "1",
        "bs": "32",
        "steps": "40",
        "seeds": "3",
        "plane": "random",
        "center": "best",
        "opts": "adafactor,gd",
        "gd.lr": "0.3",
    }
    at = open_page(PAGE, query)
    assert not at.exception and not at.warning
    state = at.session_state
    assert state["network:act"] == "relu" and state["network:bs"] == "32" and state["network:gd.lr"] == 0.3
    assert state["network:plane"] == "random" and state["network:opts"] == ["adafactor", "gd"]


def test_a_diverging_optimizer_is_a_message_not_an_exception():
    # RMSprop's first step is 3.2·lr per parameter: at lr 2 (the slider's top) this deep, wide tanh network's
    # loss ends far above 10× its start on every seed, which is the one definition of divergence
    query = {"opts": "rmsprop", "rmsprop.lr": "2.0", "act": "tanh", "width": "64", "layers": "3", "steps": "50"}
    at = open_page(PAGE, query)
    assert not at.exception
    [message] = errors(at)
    found = re.fullmatch(
        r"RMSprop: (\d) of 4 runs diverged \(first at step (\d+)\)\. Try a smaller learning rate\.", message
    )
    assert found and int(found[1]) >= 2, message
    table = markdown_tables(at)[0]
    assert list(table["diverged runs"]) == [int(found[1])]  # the table counts the same runs


def test_network_only_optimizers_are_not_offered_on_2d_pages():
    at = open_page("pages/compare.py")
    options = at.multiselect(key="compare:opts").options
    assert "Muon" not in options and "Adafactor" not in options
    assert not {core.get_spec(n).display_name for n in core.NETWORK_OPTIMIZERS} & set(options)


def test_lamb_and_soap_train_in_the_network_lab():
    """Both network-only optimizers from pytorch-optimizer are offered, train, and are named in the intro."""
    at = open_page(PAGE, {"opts": "adam,lamb,soap", "steps": "30"})
    assert not at.exception and not errors(at)
    assert {"LAMB", "SOAP"} <= set(at.multiselect(key="network:opts").options)
    assert any("LAMB, SOAP apply to networks only" in m.value for m in at.markdown)
    assert {"LAMB", "SOAP"} <= set(markdown_tables(at)[0]["optimizer"])


@pytest.mark.parametrize("data", LAB_DATASETS)
def test_default_view_renders_within_the_budget_on_each_dataset(data):
    """The default view of every data set trains the practitioner's network as asked (nothing cut) and draws
    (its CPU time is measured by benchmarks/network_view_bench.py)."""
    at = open_page(PAGE, {"data": data}, timeout=300)
    assert not at.exception and not errors(at) and not at.info
    w = default_workload(data)
    state = at.session_state
    assert state["network:arch"] == w.architecture
    if w.architecture == "mlp":  # the other architectures hide the hidden layers' controls
        assert (state["network:layers"], state["network:width"], state["network:act"]) == (
            len(w.hidden),
            str(w.hidden[0]),
            w.activation,
        )
    assert state["network:bs"] == ("full" if w.batch_size is None else str(w.batch_size))
    signals = int(data in SIGNAL_DATASETS)
    assert count(at, "vega_lite_chart") == 2 + signals
    assert count(at, "image") == (2 if data in TWO_D_DATASETS else 1)
    table = markdown_tables(at)[0]
    assert list(table["optimizer"]) == [core.get_spec(n).display_name for n in network.DEFAULT_OPTIMIZERS]
    assert any("compares defaults until you press Tune" in c.value for c in at.caption)


def test_costly_link_is_refused_with_the_limit_and_how_to_raise_it():
    """Issue 25's link: every optimizer, 16 seeds, 2000 full-batch steps of a 3 × 64 tanh network on the digits."""
    query = {
        "opts": ",".join(network.ALL_OPTIMIZERS),
        "data": "digits",
        "layers": "3",
        "width": "64",
        "steps": "2000",
        "bs": "full",
        "seeds": "16",
        "act": "tanh",
    }
    at = open_page(PAGE, query)
    assert not at.exception
    [message] = errors(at)
    assert f"limit of {budget.limit('network'):g} CPU-seconds" in message and "DESCENT_LAB_BUDGET_SCALE" in message
    assert not markdown_tables(at) and count(at, "vega_lite_chart") == 0  # nothing trained


def test_over_the_limit_the_page_runs_fewer_seeds_and_says_so(monkeypatch):
    monkeypatch.setitem(budget.LIMITS, "network", 0.12)
    at = open_page(PAGE, {"opts": "gd,adam", "steps": "100", "seeds": "8"})
    assert not at.exception and not errors(at)
    [note] = [i.value for i in at.info]
    found = re.search(r"it runs (\d+) of 8 seeds", note)
    assert found and int(found[1]) < 8 and "DESCENT_LAB_BUDGET_SCALE" in note
    titles = [json.dumps(spec, ensure_ascii=False) for spec, _data in charts(at)]
    assert all(f"median and 10–90 % band over {found[1]} seeds" in t for t in titles)


def test_a_cut_to_one_seed_says_one_seed(monkeypatch):
    monkeypatch.setitem(budget.LIMITS, "network", 0.05)  # one seed and fewer steps fit
    at = open_page(PAGE, {"opts": "gd,adam", "steps": "100", "seeds": "8"})
    assert not at.exception and not errors(at)
    [note] = [i.value for i in at.info]
    assert re.search(r"it runs 1 of 8 seeds and \d+ steps instead of 100\.", note), note


def test_training_in_chunks_gives_one_runs_numbers(monkeypatch):
    """The page trains in chunks (partial curves between them); its runs equal one run's exactly: the networks
    those of one ``simulate`` call, every number the same as the page's own run in one chunk."""
    monkeypatch.setattr(network, "CHUNK_SECONDS", 0.005)  # many small chunks
    query = {"data": "xor", "opts": "adam,muon", "steps": "120", "seeds": "3", "bs": "32"}
    at = open_page(PAGE, query)
    assert not at.exception and not errors(at)
    key = network.lab_workload("xor", "mlp", (16, 16), "tanh", 32, 400, 0.1)
    f = network.problem(key)
    assert len(network.chunks(f, 32, 3, 120)) > 2
    for name in ("adam", "muon"):
        runs = network._RUNS._data.items()
        [(run, page_run)] = [(k, r) for k, r in runs if (k.task, k.optimizer, k.steps, k.seeds) == (key, name, 120, 3)]
        [whole] = network.train_chunks(run, [120])
        for field in page_run.__dataclass_fields__:
            assert np.array_equal(getattr(page_run, field), getattr(whole, field)), field
        opt = core.get_optimizer(name, **run.hp)
        one = core.simulate(f, opt, f.init(range(3)), 120, batch_size=32, seed=0, record_every=network.every(120))
        assert np.array_equal(page_run.steps, one.recorded_steps)
        assert np.array_equal(page_run.path, one.points[:, 0]) and np.array_equal(page_run.final, one.final)


def test_tune_sets_the_sliders_and_scores_no_worse():
    """Tune all: the tuned settings go into the sliders with a note, and the page's test loss does not get worse."""
    query = {"opts": "gd,adam", "steps": "60", "seeds": "2", "gd.lr": "0.01"}
    at = open_page(PAGE, query, timeout=120)
    before = markdown_tables(at)[0].set_index("optimizer")["test loss"]
    at.button(key="network:tune_all").click()
    at.run()
    assert not at.exception and not errors(at)
    assert at.session_state["network:gd.lr"] != 0.01
    notes = [s.value for s in at.success]
    assert notes and "Tuned: lr = " in notes[0]
    after = markdown_tables(at)[0].set_index("optimizer")["test loss"]
    assert (after <= before).all(), (before, after)
    assert after["Gradient descent"] < before["Gradient descent"]
    assert float(at.query_params["gd.lr"][0]) == at.session_state["network:gd.lr"]  # the link keeps the tuned value


def test_one_optimizers_tune_button_tunes_it_alone():
    at = open_page(PAGE, {"opts": "gd,adam", "steps": "40", "seeds": "2"})
    at.session_state["network:adam.hp#open"] = True
    at.run()
    adam_lr, gd_lr = at.session_state["network:adam.lr"], at.session_state["network:gd.lr"]
    at.button(key="network:adam.tune").click()
    at.run()
    assert not at.exception and not errors(at)
    assert at.session_state["network:gd.lr"] == gd_lr
    assert any(c.value.startswith("Tuned: ") for c in at.caption)
    assert at.session_state["network:adam.lr"] in network_tune_values("adam", adam_lr)


def network_tune_values(name: str, default: float) -> list[float]:
    """The adam lr slider's values (what tuning may set)."""
    from core.tune import search_space
    from ui.tune import slider_values

    [dim] = [d for d in search_space(name) if d.hyper == "lr"]
    return slider_values(core.get_spec(name), dim, default)


def test_a_changed_chart_option_trains_nothing(monkeypatch):
    """Another curves tab or slice plane redraws from the cached runs: no training call at all."""
    at = open_page(PAGE, {"opts": "gd,adam", "steps": "40", "seeds": "2"})
    calls = []
    real = network.train_chunks
    monkeypatch.setattr(network, "train_chunks", lambda *a: calls.append(a) or real(*a))
    at.session_state["network:curves"] = "Accuracy"
    at.run()
    at.session_state["network:plane"] = "random"
    at.run()
    assert not at.exception and not errors(at) and len(markdown_tables(at)) >= 1
    assert calls == []
