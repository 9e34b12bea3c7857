"""Tests for core.budget (work planned from a measured evaluation cost) and the pages that use it."""

import re

import core
from core import budget
from core.formula import parse_formula
from tests.apptest_helpers import count, open_page

# Accepted (about 0.3 s of SymPy, well inside its 1 s CPU limit on a busy machine), ~100x the cost per point
# of Himmelblau.
COSTLY = "(x+y)**(" * 16 + "x" + ")" * 16


def _pinned_costs(monkeypatch) -> None:
    """Page tests plan from fixed costs (a formula costly, built-ins cheap), not from a timing on a busy machine."""
    monkeypatch.setattr(
        budget, "cost", lambda f: budget.Cost(fixed=2e-5, per_point=2e-6 if f.name == "custom" else 4e-8)
    )


def test_cost_is_measured_once_and_tells_cheap_from_costly():
    cheap = budget.cost(core.get_function("himmelblau"))
    costly = budget.cost(parse_formula(COSTLY))
    assert budget.cost(core.get_function("himmelblau")) is cheap  # cached per objective
    assert 0 < cheap.per_point < costly.per_point / 10
    assert costly.run(1000, 10) > costly.run(100, 10) > costly.run(100, 1) > 0


def test_fit_cuts_points_then_steps_to_the_budget():
    c = budget.Cost(fixed=1e-4, per_point=1e-6)
    same = budget.fit(c, 100, 100, runs=2, seconds=10.0)
    assert (same.points, same.steps, same.reduced) == (100, 100, False)
    fewer = budget.fit(c, 65536, 500, runs=6, seconds=6.0, min_points=256)
    assert fewer.reduced and fewer.steps == 500 and 256 <= fewer.points < 65536
    assert fewer.seconds <= 6.0 and budget.fit(c, fewer.points + 1000, 500, runs=6, seconds=6.0).points == fewer.points
    both = budget.fit(c, 65536, 500, runs=6, seconds=0.05, min_points=256, granularity=8)
    assert both.points == 256 and both.steps < 500 and both.seconds <= 0.05 + 6 * c.step(256)


def test_basins_page_reduces_the_grid_for_a_costly_formula_and_says_so(monkeypatch):
    monkeypatch.setitem(budget.LIMITS, "page", 1.0)
    _pinned_costs(monkeypatch)
    at = open_page(
        "pages/basins.py", {"fn": "custom", "formula": COSTLY, "n": "128", "steps": "200", "opts": "gd,adam"}
    )
    assert not at.exception and not at.error
    notes = [i.value for i in at.info]
    assert any("instead of 128 × 128" in note and "ns per point" in note for note in notes), notes
    assert count(at, "image") == 2
    # a cheap built-in function at the same settings is not cut
    monkeypatch.setitem(budget.LIMITS, "page", 2.0)
    at = open_page("pages/basins.py", {"n": "128", "steps": "200", "opts": "gd,adam"})
    assert not at.exception and not any("instead of" in i.value for i in at.info)


def test_sweep_page_reduces_for_a_costly_formula(monkeypatch):
    monkeypatch.setitem(budget.LIMITS, "page", 0.3)
    _pinned_costs(monkeypatch)
    at = open_page(
        "pages/lr_sweep.py",
        {"fn": "custom", "formula": COSTLY, "steps": "300", "count": "300", "opts": "gd,momentum,adam"},
    )
    assert not at.exception and not at.error
    assert any("learning rates instead of 300" in i.value for i in at.info), [i.value for i in at.info]


# The costliest links' landscape (``benchmarks.hostile_load.COSTLY``, a formula of about 800 ns per point and 100 µs
# per call) and what its check costs a request (``ui.work.spent`` when the page plans: about 0.6 CPU-s measured).
COSTLY_COST = budget.Cost(fixed=1e-4, per_point=8e-7)
CHECKED = 0.6


def test_fit_leaves_the_rest_of_the_request_out_of_the_runs_share():
    c = budget.Cost(fixed=1e-4, per_point=1e-6)
    whole = budget.fit(c, 65536, 500, runs=6, seconds=2.0, min_points=256)
    rest = budget.fit(c, 65536, 500, runs=6, seconds=2.0, min_points=256, reserved=1.5)
    assert rest.points < whole.points and rest.seconds <= 0.5 + 1e-9 and rest.reserved == 1.5
    beyond = budget.fit(c, 65536, 500, runs=6, seconds=2.0, min_points=256, reserved=3.0)  # nothing left: the least
    assert (beyond.points, beyond.steps) == (256, 1)


def test_drawing_estimate_counts_the_page_its_pictures_and_the_landscapes_evaluations():
    cheap, costly = budget.Cost(fixed=2e-5, per_point=4e-8), COSTLY_COST
    assert budget.drawing_seconds(cheap) == budget.PAGE_SECONDS
    assert budget.drawing_seconds(cheap, figures=6) == budget.PAGE_SECONDS + 6 * budget.FIGURE_SECONDS
    assert budget.drawing_seconds(costly, landscapes=1) > budget.drawing_seconds(cheap, landscapes=1)
    assert budget.drawing_seconds(costly, landscapes=1) - budget.drawing_seconds(cheap, landscapes=1) > 0.01
    assert budget.drawing_seconds(cheap, rows=5700) > budget.drawing_seconds(cheap, rows=100)


def test_basins_costliest_link_is_planned_whole_within_the_limit(monkeypatch):
    """A costly formula, 256² starts, 500 steps, six optimizers (issue 25): the runs, the six maps, their labelling
    and the page together fit the page's limit after the formula's check; beyond, fewer maps, never none."""
    from ui import basins

    monkeypatch.delenv(budget.SCALE_ENV, raising=False)
    monkeypatch.setattr(budget, "cost", lambda f: COSTLY_COST)
    f = parse_formula(COSTLY)
    p = basins.plan(f, 256, 500, 6, spent=CHECKED)
    assert p.optimizers == 6 and p.side < 256 and p.fit.reserved > CHECKED + 6 * budget.FIGURE_SECONDS
    assert CHECKED + 6 * budget.FIGURE_SECONDS < p.seconds <= budget.limit("page")
    # the runs' share alone was what the page planned before: more than the limit once the rest is added
    alone = budget.fit(COSTLY_COST, 256 * 256, 500, runs=6, min_points=basins.MIN_GRID**2)
    assert alone.seconds + p.fit.reserved > budget.limit("page")
    late = basins.plan(f, 256, 500, 6, spent=1.4)  # a slow check: the maps alone would exceed the limit
    assert 1 <= late.optimizers < 6 and late.seconds <= budget.limit("page")
    assert basins.plan(f, 256, 500, 6, spent=5.0).optimizers == 1  # the first map is always drawn


def test_sweep_costliest_link_is_planned_whole_within_the_limit(monkeypatch):
    """A costly formula, 300 learning rates, every optimizer, 500 steps (issue 25)."""
    from ui import sweep

    monkeypatch.delenv(budget.SCALE_ENV, raising=False)
    runs_ = len(core.OPTIMIZERS)
    p = sweep.plan(COSTLY_COST, 300, 500, runs_, spent=CHECKED)
    assert p.points < 300 and p.seconds + p.reserved <= budget.limit("page") + 1e-9
    assert p.reserved > CHECKED + budget.drawing_seconds(COSTLY_COST, figures=1, landscapes=1)
    alone = budget.fit(COSTLY_COST, 300, 500, runs=runs_, min_points=sweep.MIN_COUNT)
    assert alone.seconds + p.reserved > budget.limit("page")


def test_compare_costliest_link_leaves_optimizers_out_and_says_which(monkeypatch):
    """Every optimizer on a new costly formula: each one's starting lr is tuned on it before anything runs, so after
    the check only some of them fit; the note names those left out and the limit."""
    from ui import work

    _pinned_costs(monkeypatch)
    monkeypatch.setattr(work, "spent", lambda: 1.0)
    names = list(core.OPTIMIZERS)
    at = open_page("pages/compare.py", {"fn": "custom", "formula": COSTLY, "steps": "500", "opts": ",".join(names)})
    assert not at.exception and not at.error
    notes = [i.value for i in at.info if "left out" in i.value]
    assert len(notes) == 1 and "2 CPU-s" in notes[0], [i.value for i in at.info]
    cut = re.search(r"only the first (\d+) of the (\d+) optimizers", notes[0])
    assert cut is not None and 1 <= int(cut[1]) < len(names) == int(cut[2])
    first, last = (str(core.get_spec(n).display_name) for n in (names[0], names[-1]))
    assert last in notes[0] and first not in notes[0]
    assert count(at, "image") >= 1  # the contour of the optimizers that ran


def test_custom_page_shows_a_note_for_a_gradient_too_large_to_typeset():
    at = open_page("pages/custom.py", {"fn": "custom", "formula": "atan2(" * 14 + "x" + ",y)" * 14})
    assert not at.exception and not at.error
    assert all(len(m.value) < 4000 for m in at.latex)
    assert any("too large to typeset" in c.value for c in at.caption)
    at = open_page("pages/custom.py", {"fn": "custom", "formula": "x**2 + 3*y"})
    assert any(r"\nabla f" in m.value for m in at.latex)


def test_fit_network_cuts_seeds_then_steps_then_refuses():
    """Fewer seeds first, then fewer steps (not below the minimum), and no plan at all beyond that."""

    def cost(seeds: int, steps: int) -> float:
        return 0.01 * seeds * steps

    assert budget.fit_network(cost, 4, 200, seconds=10).reduced is False
    fewer_seeds = budget.fit_network(cost, 16, 200, seconds=10)
    assert (fewer_seeds.seeds, fewer_seeds.steps, fewer_seeds.reduced) == (5, 200, True)
    fewer_steps = budget.fit_network(cost, 16, 2000, seconds=10, min_steps=50)
    assert (fewer_steps.seeds, fewer_steps.steps) == (1, 1000) and cost(1, 1000) <= 10 < cost(1, 1001)
    refused = budget.fit_network(cost, 16, 2000, seconds=0.4, min_steps=50)
    assert not refused.fits and refused.asked_seconds == cost(16, 2000)


def test_network_lab_estimate_refuses_the_costly_link():
    """Every optimizer × 16 seeds × 2000 full-batch steps of a 3 × 64 tanh network on the digits (issue 25)."""
    from core.workloads import default_workload
    from ui import network

    f = core.mlp(core.get_dataset("digits"), (64, 64, 64), "tanh")
    plan = network.plan(f, len(network.ALL_OPTIMIZERS), None, 16, 2000)
    assert not plan.fits and plan.asked_seconds > 100 * budget.limit("network")
    w = default_workload("digits")  # the default view fits as asked
    default = network.plan(w.network(), len(network.DEFAULT_OPTIMIZERS), w.batch_size, 4, 200)
    assert default.fits and not default.reduced


def test_network_lab_default_mnist1d_view_fits_the_limit():
    """MNIST-1D's default view (the CNN, the data set's own steps and seeds, the five default optimizers) is estimated
    within the lab's limit as asked, and so is each other architecture at those settings; the CNN's slice and curves
    are the cut ones (a subset of the training split, fewer rows), the logistic regression's are whole."""
    from core.workloads import architectures, default_workload
    from ui import network

    w = default_workload("mnist1d")
    mine = network.DATA_DEFAULTS["mnist1d"]
    for arch in architectures("mnist1d"):
        key = network.lab_workload("mnist1d", arch, w.hidden, w.activation, w.batch_size, 0, 0.0)
        f = key.network()
        plan = network.plan(f, len(network.DEFAULT_OPTIMIZERS), w.batch_size, mine["seeds"], mine["steps"])
        assert plan.fits and not plan.reduced and plan.seconds <= budget.limit("network"), (arch, plan)
    cnn = w.network()
    assert network.max_rows(cnn) == network.FEW_ROWS and network.slice_size(cnn)[1] < cnn.dataset.n_train
    logistic = network.lab_workload("mnist1d", "logistic", (), "relu", 100, 0, 0.0).network()
    assert network.max_rows(logistic) == network.MAX_ROWS and network.slice_size(logistic)[1] == 4000
    # the paper's setting (3 seeds × 8000 steps) does not fit the view: the lab cuts it, the preset runs it
    paper_run = network.plan(cnn, 1, 100, 3, 8000)
    assert not paper_run.fits or paper_run.reduced


def test_limits_are_one_table_scaled_by_the_deployment(monkeypatch):
    monkeypatch.delenv(budget.SCALE_ENV, raising=False)
    assert budget.limit("page") == budget.LIMITS["page"] == 2.0
    assert budget.LIMITS["race"] == budget.LIMITS["network"] == 10.0 and budget.LIMITS["preset"] == 15.0
    monkeypatch.setenv(budget.SCALE_ENV, "10")
    assert budget.limit("race") == 100.0
    monkeypatch.setenv(budget.SCALE_ENV, "inf")
    assert budget.limit("race") == float("inf")
    for bad in ("-1", "0", "lots"):  # not a positive factor: the limits as they are
        monkeypatch.setenv(budget.SCALE_ENV, bad)
        assert budget.limit("race") == 10.0


def test_tune_estimate_grows_with_every_factor_of_the_request():
    c = budget.Cost(fixed=2e-5, per_point=4e-8)
    base = budget.tune_seconds(c, 64, 4, 100)
    assert budget.tune_seconds(c, 128, 4, 100) > base and budget.tune_seconds(c, 64, 80, 100) > base
    assert budget.tune_seconds(c, 64, 4, 500) > 4 * base
    # the race's largest batch: 130 trials x 16 starts x 5 seeds x 500 steps is about half a second of one core
    assert 0.3 < budget.tune_seconds(c, 128, 80, 500) < 1.5


def test_compare_page_runs_fewer_steps_for_a_costly_formula_and_says_so(monkeypatch):
    monkeypatch.setitem(budget.LIMITS, "page", 0.05)  # 3 runs x 500 steps of the pinned formula: about 0.2 s
    _pinned_costs(monkeypatch)
    at = open_page("pages/compare.py", {"fn": "custom", "formula": COSTLY, "steps": "500", "opts": "gd,momentum,adam"})
    assert not at.exception and not at.error
    assert any("steps instead of 500" in i.value for i in at.info), [i.value for i in at.info]
    monkeypatch.setitem(budget.LIMITS, "page", 2.0)
    at = open_page("pages/compare.py", {"steps": "500", "opts": "gd,momentum,adam"})  # at the page's limit: all of it
    assert not at.exception and not any("instead of" in i.value for i in at.info)
