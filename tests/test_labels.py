"""Control labels fit the sidebar: no word so long that it wraps mid-word (torch's long names go in help text)."""

import pytest

import core
from tests.apptest_helpers import open_page

LONGEST_WORD = 20  # characters, backticks aside: about what a sidebar toggle's label holds on one line


def _labels(at) -> list[str]:
    """The labels of every sidebar control of the kinds hyperparameters use."""
    kinds = (
        at.sidebar.toggle,
        at.sidebar.slider,
        at.sidebar.select_slider,
        at.sidebar.selectbox,
        at.sidebar.number_input,
    )
    return [w.label for kind in kinds for w in kind]


@pytest.mark.parametrize("name", ["adam", "nadam", "radam", "adagrad"])
def test_hyperparameter_labels_do_not_wrap_mid_word(name):
    at = open_page(f"pages/{name}.py")
    at.session_state[f"{name}:more#open"] = True  # draw the folded "More options" too
    at.run()
    assert not at.exception
    labels = _labels(at)
    assert len(labels) >= len([h for h in core.get_spec(name).hypers if h.shown])
    long = [label for label in labels if max(len(w.strip("`")) for w in label.split()) > LONGEST_WORD]
    assert not long, long
    helps = " ".join(h.help for h in core.get_spec(name).hypers)
    for h in core.get_spec(name).hypers:
        if h.shown and len(h.name) > LONGEST_WORD:
            assert f"`{h.name}`" in helps, f"torch's name {h.name} belongs in the help text"
