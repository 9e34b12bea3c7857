"""The "Reproduce MNIST-1D" page through AppTest: the paper's table beside the committed one, the signals, and
the live preset cut to its CPU cap with a message."""

from core import mnist1d_paper as paper
from tests.apptest_helpers import charts, count, markdown_tables, open_page
from ui import mnist1d

PAGE = "pages/mnist1d.py"


def _param(at, name):
    value = at.query_params[name]
    return value[0] if isinstance(value, list) else value


def test_the_page_shows_the_papers_table_beside_the_measured_one_at_once():
    at = open_page(PAGE)
    assert not at.exception
    table = markdown_tables(at)[0]
    assert list(table["paper"]) == ["32 %", "68 %", "94 %"]
    measured = paper.measured()
    assert list(table["per seed"])[2] == " · ".join(f"{a:.1f}" for a in measured["models"]["cnn"]["accuracy"])
    assert any(measured["setting"]["date"] in c.value and "seeds" in c.value for c in at.caption)
    titles = [str(s.get("title")) for s, _ in charts(at)]
    assert any("Test accuracy while training" in t for t in titles)
    signals = next(d for s, d in charts(at) if "training signals of every class" in str(s.get("title")))
    assert sorted(signals["class"].unique()) == [str(k) for k in range(10)]
    assert signals.groupby("class")["signal"].nunique().eq(mnist1d.PER_CLASS).all()
    assert count(at, "image") == 1
    per_class = markdown_tables(at)[1]
    assert list(per_class["class"]) == list(range(10))
    assert any("Apache-2.0" in c.value and "Greydanus" in c.value for c in at.caption)
    assert at.button[0].label.startswith("Train the three models"), "nothing trains until asked"


def test_the_papers_preset_is_cut_to_the_cap_and_says_how():
    at = open_page(PAGE)
    info = at.info[0].value
    assert "8000 steps × 3 seed(s)" in info and f"{paper.LIVE_SECONDS:g} CPU-seconds" in info
    steps, seeds = mnist1d.fit(8000, 3, {n: paper.step_seconds(n) for n in paper.MODELS})
    assert seeds == 1 and f"{steps} steps × 1 seed(s)" in info
    assert "python -m benchmarks.mnist1d_table" in info
    assert at.button[0].label.startswith("Train the three models (about")


def test_a_live_run_trains_the_reduced_preset_and_shows_it(monkeypatch):
    monkeypatch.setattr(paper, "PLAN_SECONDS", 0.05)  # any asked run is then cut to the smallest
    at = open_page(PAGE, {"steps": "500", "seeds": "2"})
    assert "**50 steps × 1 seed(s)**" in at.info[0].value
    at.button[0].click().run()
    assert not at.exception
    tables = markdown_tables(at)
    live = next(t for t in tables if "this run" in t.columns)
    assert list(live["paper"]) == ["32 %", "68 %", "94 %"]
    assert live["this run"].str.endswith(" %").all()
    assert any("This run: 50 steps × 1 seed(s)" in c.value for c in at.caption)
    assert any("This run: test accuracy" in str(s.get("title")) for s, _ in charts(at))
    classes = next(t for t in tables if "class" in t.columns and len(t.columns) == 4 and t is not tables[1])
    assert len(classes) == 10
    again = open_page(PAGE, {"steps": "500", "seeds": "2"})  # kept for the next visitor with the same settings
    assert not again.button and any("this run" in t.columns for t in markdown_tables(again))


def test_a_run_within_the_cap_is_not_cut():
    at = open_page(PAGE, {"steps": "250", "seeds": "1"})
    assert not at.info
    assert any("250 steps × 1 seed(s) per model: about" in c.value for c in at.caption)


def test_bad_link_values_fall_back_with_a_warning():
    at = open_page(PAGE, {"steps": "7", "seeds": "99"})
    assert not at.exception
    text = at.warning[0].value
    assert "**steps** =" in text and "**seeds** =" in text
    assert at.session_state["mnist1d:steps"] == "8000" and at.session_state["mnist1d:seeds"] == paper.SEEDS
    assert _param(at, "steps") == "8000"


def test_a_server_too_slow_for_the_smallest_run_refuses_with_a_message(monkeypatch):
    monkeypatch.setattr(paper, "LIVE_SECONDS", 1e-4)
    monkeypatch.setattr(paper, "PLAN_SECONDS", 1e-4)
    at = open_page(PAGE, {"steps": "250", "seeds": "1"})
    assert not at.exception and not at.button
    assert "nothing is trained here" in at.warning[0].value
