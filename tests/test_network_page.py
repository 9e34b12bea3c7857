"""The Network lab page through AppTest: every data set renders, trains and draws; settings go to the URL."""

import re

import pytest

import core
from core.datasets import LAB_DATASETS, NOISE_HELP, TWO_D_DATASETS
from tests.apptest_helpers import count, errors, markdown_tables, open_page

PAGE = "pages/network.py"


@pytest.mark.parametrize("data", LAB_DATASETS)
def test_each_dataset_trains_and_draws(data):
    query = {"data": data, "opts": "adam,muon", "steps": "30", "seeds": "2"}
    if data == "digits":
        query.update(width="8", layers="1")
    at = open_page(PAGE, query, timeout=120)
    assert not at.exception, at.exception
    assert not errors(at)
    assert count(at, "vega_lite_chart") == 2  # the loss tab; accuracy is drawn when its tab opens
    assert count(at, "image") == (2 if data in TWO_D_DATASETS else 1)
    at.session_state["network:curves"] = "Accuracy"
    assert count(at.run(), "vega_lite_chart") == 2 and not at.exception
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
