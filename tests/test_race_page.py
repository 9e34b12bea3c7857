"""The Fair race page through AppTest, and the reusable Tune button."""

import dataclasses
import math
import re
from pathlib import Path

import numpy as np
import pytest

import core
from core import budget
from core.run import Landscape, Run
from core.simulate import PULSE_STEPS
from core.tune import search_space
from core.workloads import default_workload
from tests.apptest_helpers import charts, count, errors, markdown_tables, open_page, page_links
from ui import controls, race, work
from ui.tune import page_values, slider_values

SMALL = {"opts": "gd,adam", "budget": "16", "starts": "2", "steps": "60", "probs": "quadratic,booth"}


def _param(at, name):
    value = at.query_params[name]
    return value[0] if isinstance(value, list) else value


def test_race_draws_every_chart():
    at = open_page("pages/race.py", SMALL)
    assert not at.exception, at.exception
    assert not errors(at)
    # the distribution and the open tab (survival curves); sensitivity and the profile are drawn when their tab opens
    assert count(at, "vega_lite_chart") + count(at, "arrow_vega_lite_chart") == 2
    assert count(at, "image") == 1
    for tab in ("Sensitivity to the lr", "Performance profile"):
        at.session_state["race:view"] = tab
        assert count(at.run(), "vega_lite_chart") + count(at, "arrow_vega_lite_chart") == 2 and not at.exception
    table = markdown_tables(at)[0]
    assert list(table["optimizer"]) == ["Gradient descent", "Adam"]
    assert table["tuned"][0].startswith("η = ")
    for name, value in SMALL.items():
        assert _param(at, name) == value


def test_tuned_settings_open_on_their_optimizer_pages():
    """Under the results, each optimizer's tuned setting links to its own page, which runs it without a warning."""
    at = open_page("pages/race.py", SMALL)
    links = page_links(at)
    assert [page for page, _q in links] == ["pages/gd.py", "pages/adam.py"]
    tuned = markdown_tables(at)[0]["tuned"]
    for (page, query), shown in zip(links, tuned, strict=True):
        run = Run.from_query(Path(page).stem, query)  # the link reads back exactly, every value in range
        assert run.task == Landscape("quadratic") and run.steps == 60 and run.noise == 0
        assert shown.startswith(f"η = {run.hp['lr']:.3g}")
        opened = open_page(page, query)
        assert not opened.exception and not opened.warning and not errors(opened)


@pytest.mark.parametrize("name", core.OPTIMIZERS)
def test_a_tuned_setting_off_the_sliders_steps_opens_its_page_without_a_warning(name):
    """A race's tuned values are continuous; the link puts each linear slider's value on the slider's step."""
    key = Landscape("booth")
    rng = np.random.default_rng(len(name))
    best = dict(core.get_spec(name).defaults)
    for d in search_space(name):
        value = float(np.exp(rng.uniform(np.log(d.low), np.log(d.high))) if d.log else rng.uniform(d.low, d.high))
        if d.index is None:
            best[d.hyper] = value
        else:
            best[d.hyper] = tuple(value if i == d.index else v for i, v in enumerate(best[d.hyper]))
    run = Run.of(key, name, page_values(key, name, best), steps=40)
    opened = open_page(f"pages/{name}.py", run.to_query())
    assert not opened.exception and not opened.warning and not errors(opened)
    assert Run.from_query(name, run.to_query()) == run


def test_settings_come_from_the_link():
    at = open_page(
        "pages/race.py",
        {**SMALL, "fn": "rosenbrock", "score": "auc", "noise": "0.5", "seeds": "2", "seed": "7", "target": "0.01"},
    )
    assert not at.exception and not at.warning
    state = at.session_state
    assert state["race:fn"] == "rosenbrock" and state["race:score"] == "auc" and state["race:seeds"] == 2
    assert state["race:seed"] == 7 and state["race:target"] == 0.01
    table = markdown_tables(at)[0]
    assert any("area under" in c for c in table.columns)
    assert "runs reaching f − f* ≤ 0.01" in table.columns
    assert "2 start(s) × 2 noise seed(s)" in " ".join(c.value for c in at.caption)


def test_changing_the_score_retunes():
    at = open_page("pages/race.py", SMALL)
    assert "score (steps to target)" in markdown_tables(at)[0].columns
    at.selectbox(key="race:score").set_value("final").run()
    assert not at.exception
    table = markdown_tables(at)[0]
    assert "score (final f − f*)" in table.columns
    assert (table["score (final f − f*)"] < 1e-3).all()
    assert _param(at, "score") == "final"


def test_bad_link_values_fall_back_with_a_warning():
    at = open_page("pages/race.py", {**SMALL, "score": "fastest", "budget": "5000", "probs": "nope"})
    assert not at.exception
    text = at.warning[0].value
    assert "**score** =" in text and "**budget** =" in text and "**probs** =" in text
    assert count(at, "image") == 1


def test_too_much_work_is_refused_with_a_message():
    at = open_page(
        "pages/race.py", {"opts": "gd", "budget": "128", "starts": "16", "noise": "1.0", "seeds": "8", "steps": "500"}
    )
    assert not at.exception
    assert any("run-steps per batch" in e for e in errors(at))
    assert count(at, "image") == 0


def test_tune_button_sets_the_sliders_to_tuned_slider_values():
    at = open_page("pages/race.py", {**SMALL, "opts": "momentum", "score": "final"})
    assert at.session_state["race:my.momentum.lr"] == 0.4  # the optimizer's demo setting, kept while folded
    assert not at.metric  # "Beat the tuner" runs nothing until it is opened
    at.session_state["race:beat#open"] = True
    at.run()
    before = float(at.metric[0].value)
    at.button(key="race:my.momentum.tune").click().run()
    assert not at.exception
    lr, momentum = at.session_state["race:my.momentum.lr"], at.session_state["race:my.momentum.momentum"]
    assert lr in controls.log_options(1e-4, 2.0) and (lr, momentum) != (0.4, 0.5)
    assert momentum == round(momentum, 2) and 0 < momentum <= 0.99
    assert _param(at, "my.momentum.lr") == str(lr)
    assert float(at.metric[0].value) < before, "the tuned sliders beat the demo setting"
    assert any(c.value.startswith("Tuned: ") for c in at.caption)
    at.run()
    assert at.session_state["race:my.momentum.lr"] == lr, "the sliders keep the tuned values afterwards"


def test_slider_values_match_the_sliders():
    spec = core.get_spec("adam")
    lr, beta1 = search_space("adam")
    assert slider_values(spec, lr, 1e-3) == controls.log_options(1e-4, 2.0)
    grid = slider_values(spec, beta1, 0.9)
    assert len(grid) == 1000 and grid[0] == 0.0 and grid[-1] == 0.999 and 0.9 in grid
    assert np.allclose(np.diff(grid), 0.001)


def test_spread_and_profile_settings_fold_until_set():
    fresh = open_page("pages/race.py", {"opts": "gd", "budget": "16", "steps": "60"})
    assert not fresh.session_state["race:spread#open"] and not fresh.session_state["race:profile#open"]
    assert "race:starts" not in [w.key for w in fresh.slider]  # folded: not drawn, yet in the link
    assert fresh.query_params["starts"] in ("4", ["4"])
    linked = open_page("pages/race.py", SMALL)  # SMALL sets starts and probs
    assert linked.session_state["race:spread#open"] and linked.session_state["race:profile#open"]


def test_misses_are_not_reached_and_the_penalty_is_in_the_caption():
    """On Rosenbrock no run reaches 1e-3 in 30 steps: the table says "not reached" rather than the 2 × 30 = 60
    the averages count, and the caption says what a miss counts."""
    at = open_page("pages/race.py", {**SMALL, "fn": "rosenbrock", "steps": "30", "probs": "quadratic"})
    assert not at.exception
    table = markdown_tables(at)[0].set_index("optimizer")
    assert (table["runs reaching f − f* ≤ 0.001"] == "0%").all()
    assert (table["score (steps to target)"] == "not reached").all()
    assert (table["median run"] == "not reached").all()
    caption = " ".join(c.value for c in at.caption)
    assert "counts 2 × 30 = 60 steps" in caption and "not reached" in caption
    at.session_state["race:view"] = "Sensitivity to the lr"
    data = next(d for s, d in charts(at.run()) if "Sensitivity" in str(s.get("title")))
    assert data["score"].max() <= 1.5 * 60  # diverged trials just above the penalty, not ten times it
    assert "counts 2 × 30 = 60 steps" in " ".join(c.value for c in at.caption)
    hits = open_page("pages/race.py", SMALL)  # every run reaches the target on the quadratic: numbers below the budget
    shown = markdown_tables(hits)[0]
    assert (shown["score (steps to target)"] < 60).all() and (shown["median run"] < 60).all()


# A tiny network race: a 2-8-2 network on moons, few trials and steps, the profile over moons alone.
NET = {
    "work": "net",
    "opts": "adam,muon",
    "data": "moons",
    "layers": "1",
    "width": "8",
    "budget": "8",
    "steps": "30",
    "inits": "2",
    "nets": "moons,gaussians",
}


def test_network_race_draws_the_table_profile_and_survival():
    at = open_page("pages/race.py", NET)
    assert not at.exception and not errors(at) and not at.warning
    table = markdown_tables(at)[0]
    assert list(table["optimizer"]) == ["Adam", "Muon"]
    assert "runs reaching test accuracy ≥ 0.9" in table.columns
    assert "2-8-2 tanh network on Two moons, full batch" in " ".join(s.value for s in at.subheader)
    assert any(s.startswith("Defaults as a practitioner") for s in (m.value for m in at.markdown))
    titles = [str(s.get("title")) for s, _ in charts(at)]
    assert any("Test accuracy of the tuned setting" in t for t in titles)
    assert any("Fraction of runs with test accuracy ≥ 0.9" in t for t in titles), "survival is the open tab"
    at.session_state["race:view"] = "Performance profile"
    profile = next(d for s, d in charts(at.run()) if "Performance profile" in str(s.get("title")))
    assert set(profile["optimizer"]) == {"Adam", "Muon"} and profile["fraction"].max() == 1.0
    assert "over 2 network workload(s)" in next(str(s["title"]) for s, _ in charts(at) if "profile" in str(s["title"]))
    assert count(at, "image") == 0, "no landscape to draw paths on"
    for name, value in NET.items():
        assert _param(at, name) == value


def test_network_misses_are_not_reached():
    """A 2-8-2 network cannot separate the spiral's arms in 30 steps: the table says "not reached" rather than the
    penalty, and the caption says what a miss counts."""
    at = open_page("pages/race.py", {**NET, "data": "spiral", "nets": "spiral", "acc": "0.95"})
    assert not at.exception and not at.warning
    table = markdown_tables(at)[0]
    assert (table["score (steps to target)"] == "not reached").all()
    assert (table["runs reaching test accuracy ≥ 0.95"] == "0%").all()
    assert "never reaches test accuracy ≥ 0.95 within the 30 steps counts 2 × 30 = 60" in at.caption[0].value


def test_network_only_optimizers_are_offered_only_on_networks():
    land = open_page("pages/race.py", SMALL)
    offered = land.multiselect(key="race:opts").options
    net = open_page("pages/race.py", NET)
    on_networks = net.multiselect(key="race:opts").options
    for name in core.NETWORK_OPTIMIZERS:
        label = core.get_spec(name).display_name
        assert label not in offered and label in on_networks
    # switching back to landscapes drops them from the race and keeps the others
    net.selectbox(key="race:work").set_value("land")
    net.session_state["race:fn"] = "quadratic"
    net.session_state["race:probs"] = ["quadratic"]
    net.run()
    assert not net.exception
    assert net.session_state["race:opts"] == ["adam"]
    assert _param(net, "work") == "land" and "data" not in net.query_params


def test_bad_network_link_values_fall_back_with_a_warning_and_keep_the_others():
    at = open_page("pages/race.py", {**NET, "data": "imagenet", "bs": "7", "acc": "2", "work": "net", "nets": "moons"})
    assert not at.exception
    text = at.warning[0].value
    assert "**data** =" in text and "**bs** =" in text and "**acc** =" in text
    assert at.session_state["race:data"] == "moons" and at.session_state["race:bs"] == "full"
    assert at.session_state["race:width"] == "8" and at.session_state["race:budget"] == 8, "the valid ones are kept"
    landscape = open_page("pages/race.py", {**SMALL, "opts": "adam,muon"})  # muon is not a landscape optimizer
    assert not landscape.exception and "**opts** =" in landscape.warning[0].value
    assert "muon" not in landscape.session_state["race:opts"]
    bad = open_page("pages/race.py", {**SMALL, "work": "galaxies"})
    assert "**work** =" in bad.warning[0].value and bad.session_state["race:work"] == "land"


def test_a_data_sets_practitioner_defaults_fill_the_network_settings():
    """Digits train on minibatches of 128 by one hidden layer of 64 ReLU units unless the link says otherwise."""
    at = open_page(
        "pages/race.py",
        {"work": "net", "data": "digits", "budget": "8", "steps": "10", "nets": "digits", "opts": "adam"},
    )
    assert not at.exception and not errors(at)
    state = at.session_state
    assert (state["race:bs"], state["race:layers"], state["race:width"], state["race:act"]) == ("128", 1, "64", "relu")
    assert "64-64-10 relu network on Handwritten digits (UCI), minibatches of 128" in at.subheader[0].value


def test_too_much_network_work_is_refused_with_a_message():
    at = open_page(
        "pages/race.py",
        {"work": "net", "data": "digits", "bs": "full", "budget": "128", "inits": "8", "steps": "500", "opts": "adam"},
    )
    assert not at.exception
    assert any("CPU-s a Fair race may take here" in e for e in errors(at)), errors(at)
    assert not markdown_tables(at)


# MNIST-1D at a tiny budget, the profile over MNIST-1D alone.
MNIST1D = {"work": "net", "data": "mnist1d", "opts": "adam", "budget": "8", "steps": "4", "nets": "mnist1d"}


@pytest.mark.parametrize(
    ("arch", "name"),
    [
        ("logistic", "Logistic regression on MNIST-1D, minibatches of 100"),
        ("mlp", "40-64-10 relu network on MNIST-1D, minibatches of 100"),
        ("cnn", "3-layer relu CNN (25-25-25 channels) on MNIST-1D, minibatches of 100"),
    ],
)
def test_mnist1d_races_each_architecture(arch, name):
    at = open_page("pages/race.py", {**MNIST1D, "arch": arch})
    assert not at.exception and not errors(at) and not at.warning
    assert name in at.subheader[0].value
    assert list(markdown_tables(at)[0]["optimizer"]) == ["Adam"]
    assert _param(at, "arch") == arch
    shown = {w.key for w in at.slider} | {w.key for w in at.selectbox}
    assert ({"race:layers", "race:width", "race:act"} <= shown) == (arch == "mlp"), "hidden layers only for the MLP"


def test_mnist1d_starts_from_its_small_default_race(monkeypatch):
    """Chosen in the sidebar, MNIST-1D brings its own defaults: the paper's CNN and minibatches, a tiny race
    (made tinier here, so the test runs two steps of one optimizer; tune_bench --mnist1d times the real ones)."""
    tiny = {**race.DATA_DEFAULTS["mnist1d"], "opts": ["adam"], "steps": 2}
    monkeypatch.setitem(race.DATA_DEFAULTS, "mnist1d", tiny)
    at = open_page("pages/race.py", {"work": "net", "budget": "8", "steps": "4", "nets": "moons", "inits": "1"})
    at.selectbox(key="race:data").set_value("mnist1d").run()
    state = at.session_state
    assert (state["race:arch"], state["race:bs"]) == ("cnn", "100")
    own = race.DATA_DEFAULTS["mnist1d"]
    assert (state["race:steps"], state["race:budget"]) == (own["steps"], own["budget"])
    assert state["race:score"] == own["score"]
    assert state["race:nets"] == own["nets"], "a profile over MNIST-1D alone"
    assert state["race:opts"] == own["opts"], "its own optimizers: each CNN run costs far more"
    linked = open_page("pages/race.py", {"work": "net", "data": "mnist1d"})
    assert linked.session_state["race:opts"] == own["opts"], "a link to MNIST-1D starts from its own defaults too"
    assert any("the CNN of the MNIST-1D paper" in m.value for m in at.markdown)
    bad = open_page("pages/race.py", {**MNIST1D, "arch": "transformer"})
    assert "**arch** =" in bad.warning[0].value and bad.session_state["race:arch"] == "cnn"
    digits = open_page("pages/race.py", {**MNIST1D, "data": "digits", "nets": "digits", "arch": "cnn"})
    assert "**arch** =" in digits.warning[0].value, "no convolution over the digits' pixels"


def test_a_large_cnn_race_is_refused_by_its_work_not_its_parameter_count():
    at = open_page("pages/race.py", {**MNIST1D, "budget": "16", "inits": "2", "steps": "300", "score": "steps"})
    assert not at.exception
    [refusal] = errors(at)
    assert "CPU-s a Fair race may take here" in refusal
    assert float(re.search(r"about ([\d,.]+) CPU-seconds", refusal)[1].replace(",", "")) > 100, refusal
    assert not markdown_tables(at)


# The costliest landscape link: every optimizer on every landscape of the profile, budget 128,
# 16 starts x 5 noise seeds x 500 steps (156 tuning jobs).
ALL_LANDSCAPES = [n for n in core.list_functions() if np.isfinite(core.get_function(n).min_value)]
LARGEST = race.Race(128, 500, "steps", 16, 5, 1.0, 0, 1e-3)


def _pinned_costs(monkeypatch) -> None:
    """Plans from a fixed cost per evaluation (a landscape's own, as measured on a quiet machine), not a timing."""
    monkeypatch.setattr(budget, "cost", lambda f: budget.Cost(fixed=2e-5, per_point=4e-8))


def test_the_largest_landscape_race_is_cut_to_the_race_limit(monkeypatch):
    _pinned_costs(monkeypatch)
    keys = [race.profile_key(n) for n in ALL_LANDSCAPES]
    kept, used, total = race.plan(keys[0], list(core.OPTIMIZERS), keys, LARGEST)
    assert total > 5 * budget.limit("race"), "as asked it is many times the limit"
    assert not kept or used <= budget.limit("race")
    assert len(kept) < len(keys)


def test_the_default_races_fit_the_race_limit():
    land = race.Race(race.BUDGET["land"], race.STEPS["land"], "steps", 4, 1, 0.0, 0, 1e-3)
    keys = [race.profile_key(n) for n in race.PROFILE_DEFAULT]
    kept, used, _total = race.plan(keys[0], race.LAND_OPTIMIZERS, keys, land)
    assert kept == keys and used <= budget.limit("race")
    net = race.Race(race.BUDGET["net"], race.STEPS["net"], "steps", 1, 2, 0.0, 0, 0.9, network=True)
    workloads = [default_workload(d) for d in race.NET_PROFILE_DEFAULT]
    kept, used, total = race.plan(workloads[0], race.NET_OPTIMIZERS, workloads, net)
    assert kept[0] == workloads[0] and used <= budget.limit("race") < total  # the digits' profile is left out


def test_a_race_over_the_limit_leaves_out_profile_workloads_and_says_so(monkeypatch):
    _pinned_costs(monkeypatch)
    one = sum(
        race.job_seconds(race.profile_key("quadratic"), n, race.Race(16, 60, "steps", 2, 1, 0.0, 0, 1e-3))
        for n in ("gd", "adam")
    )
    monkeypatch.setitem(budget.LIMITS, "race", one * 1.5)  # the raced landscape fits, not a second one
    at = open_page("pages/race.py", {**SMALL, "fn": "quadratic", "probs": "quadratic,booth,beale"})
    assert not at.exception and not errors(at)
    notes = [i.value for i in at.info]
    assert any("leaves out 2 workload(s)" in n and "Booth" in n and "CPU-s a Fair race may take" in n for n in notes), (
        notes
    )
    assert count(at, "image") == 1


def test_a_race_whose_raced_landscape_exceeds_the_limit_is_refused(monkeypatch):
    _pinned_costs(monkeypatch)
    monkeypatch.setitem(budget.LIMITS, "race", 1e-4)
    at = open_page("pages/race.py", SMALL)
    assert not at.exception
    assert any("CPU-s a Fair race may take here" in e and budget.SCALE_ENV in e for e in errors(at)), errors(at)
    assert count(at, "image") == 0


def test_computed_chunks_do_not_wait_for_the_heavy_slot():
    """A race already computed draws again while another session holds the heavy-work slot: only work not yet
    done takes turns on it."""
    open_page("pages/race.py", SMALL)
    with budget.heavy(timeout=1.0) as got:
        assert got
        at = open_page("pages/race.py", SMALL)
        assert not at.exception and count(at, "image") == 1


def test_a_network_race_job_reaches_a_stop_point_every_few_training_steps(monkeypatch):
    """One network job can take most of the race's limit, so its training shows the bar again every few steps
    (an ``st`` call: where Streamlit ends the run of a tab that closed), not only between jobs."""
    from streamlit.elements.progress import ProgressMixin

    shown = []
    real = ProgressMixin.progress

    def counting(self, *args, **kwargs):
        shown.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(ProgressMixin, "progress", counting)
    query = {**NET, "opts": "adam", "nets": "moons"}
    monkeypatch.setattr(work, "PULSE_SECONDS", math.inf)  # the bar between jobs only
    at = open_page("pages/race.py", {**query, "seed": "71"})  # seeds no other test computed
    assert not at.exception and not errors(at)
    between_jobs = len(shown)
    shown.clear()
    monkeypatch.setattr(work, "PULSE_SECONDS", 0.0)  # and at every pulse
    at = open_page("pages/race.py", {**query, "seed": "72"})
    assert not at.exception and not errors(at)
    # tuning's four rounds and the evaluation: five trainings of 30 steps, a pulse every PULSE_STEPS steps
    assert len(shown) - between_jobs == 5 * (30 // PULSE_STEPS)


def test_a_stop_point_shows_the_bar_at_most_every_pulse_seconds(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(work.time, "monotonic", lambda: clock[0])
    shown = []

    class Bar:
        def progress(self, fraction, text):
            shown.append((fraction, text))

    pulse = work.stop_point(Bar(), 0.25, "Tuning Adam")
    pulse()
    clock[0] += work.PULSE_SECONDS / 2
    pulse()
    assert shown == [], "not before PULSE_SECONDS"
    clock[0] += work.PULSE_SECONDS / 2
    pulse()
    pulse()
    assert shown == [(0.25, "Tuning Adam")]


# One Adam race job (tune, then evaluate) measured by ``benchmarks/tune_bench.py --estimate`` on the 2-core
# development machine, one BLAS thread as the server runs: (data, architecture, budget, seeds, steps, score): CPU-s.
MEASURED_JOBS = {
    ("moons", "mlp", 16, 2, 300, "steps"): 0.9,
    ("digits", "mlp", 12, 2, 190, "steps"): 2.3,
    ("mnist1d", "cnn", 8, 1, 20, "final"): 1.3,
    ("mnist1d", "cnn", 4, 2, 100, "final"): 3.0,
    ("mnist1d", "cnn", 15, 2, 100, "final"): 8.4,
    ("mnist1d", "cnn", 15, 2, 100, "steps"): 84.8,
    ("mnist1d", "mlp", 16, 2, 300, "steps"): 4.1,
}


@pytest.mark.parametrize(("job", "measured"), MEASURED_JOBS.items(), ids=lambda v: str(v))
def test_a_network_race_job_is_never_estimated_below_its_measured_cost(job, measured):
    """The page plans the race's limit with this estimate. Counted by parameters, a CNN job was estimated at
    0.06-0.66 of its cost (the last CNN job at 5 CPU-s); counted by its convolutions' work and its recorded
    test rows, every job is estimated at 1.5-2.2 times its cost."""
    data, arch, budget_, seeds, steps, score = job
    w = dataclasses.replace(default_workload(data), architecture=arch)
    estimate = race.job_seconds(w, "adam", race.Race(budget_, steps, score, 1, seeds, 0.0, 0, 0.9, network=True))
    assert measured <= estimate <= 3 * measured
