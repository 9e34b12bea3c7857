"""``core.run``: one description of a run, its link and its way back, as the pages read it."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import core
from core.messages import CoreError
from core.optimizers import NETWORK_SPECS
from core.run import Formula, Landscape, Run, page_defaults
from core.schedules import SCHEDULES, default_params
from core.snippets import snippet
from core.workloads import default_workload
from ui.i18n import optimizer_name
from ui.layout import function_name

LANDSCAPE_OPTIMIZERS = [n for n in core.OPTIMIZERS if n not in NETWORK_SPECS]


@st.composite
def landscapes(draw) -> Landscape | Formula:
    name = draw(st.sampled_from([*core.list_functions(), "custom"]))
    if name == "custom":
        w = draw(st.sampled_from([1.0, 2.5, 5.0, 40.0]))
        return Formula(draw(st.sampled_from(["x**2 + 3*y**2", "sin(x) + y^2", "abs(x) + (y - 1)**2"])), (-w, w, -w, w))
    values = {}
    for h in core.FUNCTIONS[name].params:
        lo, hi = h.ui
        values[h.name] = draw(st.floats(lo, hi, allow_nan=False))
    return Landscape.of(name, **values) if values else Landscape(name)


@st.composite
def runs(draw) -> Run:
    task = draw(landscapes())
    name = draw(st.sampled_from(LANDSCAPE_OPTIMIZERS))
    spec = core.get_spec(name)
    hp = dict(page_defaults(task, name))
    hp["lr"] = draw(st.floats(1e-5, 2.0))
    floats = [  # the controls a page draws: shown, not lr, with a range, and not "taken from elsewhere" (None)
        h
        for h in spec.hypers
        if h.kind == "float"
        and h.shown
        and h.name != "lr"
        and h.ui
        and h.ui[0] < h.ui[1]
        and hp.get(h.name) is not None
    ]
    if floats and draw(st.booleans()):
        h = draw(st.sampled_from(floats))
        hp[h.name] = draw(st.floats(*h.ui))  # type: ignore[misc]
    steps = draw(st.integers(1, 500))
    schedule = None
    if draw(st.booleans()):
        sched = draw(st.sampled_from(sorted(SCHEDULES)))
        schedule = (sched, default_params(sched, steps, (name,)))
    f = task.objective()
    xmin, xmax, ymin, ymax = f.box
    start = draw(st.none() | st.tuples(st.floats(xmin, xmax), st.floats(ymin, ymax)))
    noise = draw(st.sampled_from([0.0, 0.0, 0.1, 2.5]))
    seed = draw(st.integers(0, 999)) if noise > 0 else 0
    try:
        core.get_optimizer(name, **hp)
        core.get_schedule(schedule[0], **schedule[1]) if schedule else None
    except ValueError:
        assume(False)
    return Run.of(task, name, hp, schedule, steps=steps, start=start, noise=noise, seed=seed)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runs())
def test_a_link_reads_back_as_the_same_run(run):
    """``from_query(to_query(r)) == r`` (and hashes alike, so the page's cache finds it) for any 2-D run."""
    back = Run.from_query(run.optimizer, run.to_query())
    assert back == run
    assert hash(back) == hash(run)


def test_a_link_names_only_what_differs_from_where_the_page_starts():
    """A run at the page's own settings is a short link: the landscape, the lr and the steps."""
    run = Run.of(Landscape("quadratic"), "gd", page_defaults(Landscape("quadratic"), "gd"), steps=50)
    assert set(run.to_query()) == {"fn", "lr", "steps"}
    tuned = run.with_(hyper={**run.hp, "weight_decay": 0.01})
    assert tuned.to_query()["weight_decay"] == "0.01"


def test_equal_runs_are_equal_however_they_were_written():
    """Missing hyperparameters are torch's defaults and missing schedule parameters the schedule's: written out
    or not, the same run is one cache key."""
    short = Run.of(Landscape("booth"), "adam", {"lr": 0.1}, ("step", {"step_size": 5}), steps=20)
    full = Run.of(
        Landscape("booth"),
        "adam",
        core.get_spec("adam").defaults | {"lr": 0.1},
        ("step", {"step_size": 5, "gamma": 0.1}),
        steps=20,
    )
    assert short == full and hash(short) == hash(full)
    assert short != short.with_(steps=21)


def test_the_tunable_quadratic_is_a_landscape_with_parameters():
    """κ and the angle are the landscape's own parameters: named in the link as the page names them, checked
    as the landscape checks them, and the objective is the one they describe."""
    q = Landscape.of("conditioned_quadratic", condition=100.0, angle=30.0)
    assert q.to_query() == {"fn": "conditioned_quadratic", "kappa": "100.0", "angle": "30.0"}
    assert q.objective().curvature == pytest.approx((0.01, 1.0))
    assert Landscape.of("conditioned_quadratic") == Landscape.of("conditioned_quadratic", condition=10.0, angle=0.0)
    with pytest.raises(CoreError, match="condition"):
        Landscape.of("conditioned_quadratic", condition=0.5)


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"fn": "nowhere"}, ["unknown function", "nowhere"]),
        ({"fn": "quadratic", "lr": "fast"}, ["lr", "expected a number"]),
        ({"fn": "quadratic", "lr": "-1"}, ["lr", "allowed range"]),
        ({"fn": "quadratic", "steps": "2.5"}, ["steps", "integer"]),
        ({"fn": "quadratic", "steps": "100000"}, ["steps", "allowed range"]),
        ({"fn": "conditioned_quadratic", "kappa": "0.5"}, ["condition"]),
        ({"fn": "quadratic", "sched": "sometimes"}, ["sometimes"]),
        ({"fn": "quadratic", "sched": "step", "s.gamma": "nan"}, ["s.gamma"]),
        ({"fn": "quadratic", "x0": "inf"}, ["x0"]),
        ({"fn": "quadratic", "amsgrad": "yes"}, ["amsgrad", "True or False"]),
        ({"fn": "custom", "formula": "x" * 301}, ["300"]),
        ({"fn": "custom", "boxr": "0"}, ["boxr"]),
    ],
)
def test_a_link_that_cannot_be_read_says_which_value(query, words):
    with pytest.raises(CoreError) as err:
        Run.from_query("adam", query)
    for word in words:
        assert word in str(err.value)


def test_a_network_run_is_described_but_not_linked_to_an_optimizer_page():
    net = Run.of(default_workload("moons"), "adam", {"lr": 0.01}, steps=100, seeds=4)
    assert hash(net) == hash(Run.of(default_workload("moons"), "adam", {"lr": 0.01}, steps=100, seeds=4))
    with pytest.raises(CoreError, match="Network lab"):
        net.to_query()
    with pytest.raises(CoreError):
        _ = net.surface


PAGE_CASES = [
    Run.of(Landscape("rosenbrock"), "adam", {"lr": 0.05, "betas": (0.8, 0.99)}, steps=30, start=(-1.0, 2.0)),
    Run.of(
        Landscape.of("conditioned_quadratic", condition=200.0, angle=45.0),
        "momentum",
        {"lr": 0.3, "momentum": 0.7},
        ("cosine", {"T_max": 25, "eta_min": 0.01}),
        steps=25,
    ),
    Run.of(
        Landscape("booth"),
        "rmsprop",
        {"lr": 0.02},
        ("one_cycle", default_params("one_cycle", 40, ("rmsprop",))),
        steps=40,
        noise=0.3,
        seed=7,
    ),
    Run.of(Formula("x**2 + 3*y**2", (-2.0, 2.0, -2.0, 2.0)), "nadam", {"lr": 0.1}, steps=15, start=(1.5, -1.0)),
]


@pytest.mark.parametrize("run", PAGE_CASES, ids=lambda r: f"{r.optimizer}-{getattr(r.task, 'name', 'formula')}")
def test_an_optimizer_page_runs_what_its_link_describes(run):
    """Opened with ``run.to_query()``, the page runs ``run`` itself: its PyTorch program is the one written
    from ``run``, and the page keeps the link's settings in its URL."""
    from tests.apptest_helpers import open_page, show_tab

    at = open_page(f"pages/{run.optimizer}.py", run.to_query())
    at = show_tab(at, f"{run.optimizer}:tab", "PyTorch & animation export")
    assert not at.exception, at.exception
    title = f"{optimizer_name(run.optimizer)} on {function_name(run.objective())}, {run.steps} steps, with torch.optim (Descent Lab)"
    assert next(c.value for c in at.code).strip() == snippet(run, title=title).strip()
    assert Run.from_query(run.optimizer, dict(at.query_params)) == run.with_(start=run.x0())  # the page writes it
