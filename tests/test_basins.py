"""Basins of attraction: core.basins labels and step counts, and the page through AppTest."""

from dataclasses import replace

import numpy as np
import pytest

import core
from core import basins
from core.basins import DIVERGED, ELSEWHERE, basin_map, grid_axes, label_points, start_grid, stop_rule
from tests.apptest_helpers import count, image_ids, markdown_tables, open_page

HIMMELBLAU = core.get_function("himmelblau")


def test_grid_is_cell_centres():
    xs, ys = grid_axes((-5.0, 5.0, -1.0, 3.0), 4)
    assert np.allclose(xs, [-3.75, -1.25, 1.25, 3.75])
    assert np.allclose(ys, [-0.5, 0.5, 1.5, 2.5])
    g = start_grid((-5.0, 5.0, -1.0, 3.0), 4)
    assert g.shape == (4, 4, 2)
    assert tuple(g[2, 1]) == (xs[1], ys[2])
    with pytest.raises(ValueError):
        grid_axes((0, 1, 0, 1), 0)


def test_shapes_and_types():
    m = basin_map(HIMMELBLAU, core.get_optimizer("adam", lr=0.05), 16, 50)
    assert m.label.shape == m.steps_to_converge.shape == m.final_value.shape == (16, 16)
    assert np.issubdtype(m.label.dtype, np.integer) and np.issubdtype(m.steps_to_converge.dtype, np.integer)
    assert m.n == 16 and m.n_minima == 4 and m.steps == 50
    assert set(np.unique(m.label)) <= {DIVERGED, ELSEWHERE, 0, 1, 2, 3}
    assert m.steps_to_converge.min() >= -1 and m.steps_to_converge.max() <= 50
    shares = basins.fractions(m)
    assert sum(shares.values()) == pytest.approx(1.0)


def test_start_near_each_himmelblau_minimum_reaches_it():
    pts = np.array([m.point for m in HIMMELBLAU.all_minima])
    starts = pts + 0.3
    run = core.simulate(HIMMELBLAU, core.get_optimizer("gd", lr=0.01), starts, 200, record="last")
    labels = label_points(HIMMELBLAU, run.final, basins.capture_radius(HIMMELBLAU), run.diverged)
    assert list(labels) == [0, 1, 2, 3]
    # And on a grid: the cells containing each minimum are labelled with that minimum.
    m = basin_map(HIMMELBLAU, core.get_optimizer("gd", lr=0.01), 64, 200)
    for k, (x, y) in enumerate(pts):
        j = int(np.argmin(np.abs(m.xs - x)))
        i = int(np.argmin(np.abs(m.ys - y)))
        assert m.label[i, j] == k
        assert 0 <= m.steps_to_converge[i, j] <= 20


def test_far_points_are_elsewhere_and_bad_points_diverged():
    r = basins.capture_radius(HIMMELBLAU)
    assert r == pytest.approx(0.5)
    pts = np.array([[0.0, 0.0], [3.0, 2.0 + 0.9 * r], [np.nan, 1.0], [3.0, 2.0]])
    assert list(label_points(HIMMELBLAU, pts, r, np.array([False, False, False, True]))) == [
        ELSEWHERE,
        0,
        DIVERGED,
        DIVERGED,
    ]


def test_diverging_learning_rate_is_labelled_diverged():
    m = basin_map(HIMMELBLAU, core.get_optimizer("gd", lr=0.5), 16, 50)
    assert (m.label == DIVERGED).all()
    assert (m.steps_to_converge == -1).all()
    assert np.isinf(m.final_value).all()


def test_steps_to_converge_matches_a_single_simulate():
    opt = core.get_optimizer("momentum", lr=0.01, momentum=0.5)
    m = basin_map(HIMMELBLAU, opt, 12, 150, tol=1e-4)
    stop = stop_rule(HIMMELBLAU, 1e-4, m.radius)
    for i, j in [(0, 0), (3, 7), (6, 6), (11, 2)]:
        start = np.array([m.xs[j], m.ys[i]])
        run = core.simulate(HIMMELBLAU, opt, start, 150, stop_when=stop)
        assert m.steps_to_converge[i, j] == run.stopped_at
        if run.stopped_at >= 0:
            assert HIMMELBLAU.value(run.points[-1]) <= 1e-4
            assert np.allclose(run.points[run.stopped_at :], run.points[-1])  # frozen once converged
        assert m.final_value[i, j] == pytest.approx(run.values[-1], rel=1e-12, abs=1e-300)


def test_local_minima_count_as_converged():
    camel = core.get_function("six_hump_camel")
    m = basin_map(camel, core.get_optimizer("gd", lr=0.01), 48, 300)
    assert set(np.unique(m.label)) == set(range(6))  # every minimum has a basin
    local = m.label >= len(camel.minima)
    assert (m.steps_to_converge[local] >= 0).mean() > 0.9


def test_stop_rule_needs_the_right_minimum_value_nearby():
    camel = core.get_function("six_hump_camel")
    stop = stop_rule(camel, 1e-3, basins.capture_radius(camel))
    (gx, gy), (lx, ly) = camel.all_minima[0].point, camel.all_minima[2].point
    x = np.array([gx, lx, 0.0, lx + 0.05])
    y = np.array([gy, ly, 0.0, ly])
    assert list(stop(x, y)) == [True, True, False, False]


def test_function_without_minima():
    saddle = core.get_function("saddle")
    assert stop_rule(saddle, 1e-3, 0.1) is None
    m = basin_map(saddle, core.get_optimizer("gd", lr=0.01), 8, 20)
    assert set(np.unique(m.label)) <= {ELSEWHERE, DIVERGED}
    assert (m.steps_to_converge == -1).all()


# --- the page -----------------------------------------------------------------------------------


def _table(at):
    """The share table, its percentages ("25.7 %") as numbers."""
    table = markdown_tables(at)[0]
    shares = [c for c in table.columns if table[c].astype(str).str.endswith(" %").all()]
    return table.assign(**{c: table[c].str.removesuffix(" %").astype(float) for c in shares})


def test_page_renders_default_with_mostly_converged_basins():
    at = open_page("pages/basins.py", {"n": "64"})
    assert not at.exception, at.exception
    assert count(at, "image") == 5
    assert count(at, "vega_lite_chart") >= 1
    table = _table(at)
    assert list(table["optimizer"]) == [
        core.get_spec(n).display_name for n in ("gd", "momentum", "adagrad", "rmsprop", "adam")
    ]
    assert (table["elsewhere"] + table["diverged"] < 5).all(), table
    minima_cols = [c for c in table.columns if c.startswith("(")]
    assert len(minima_cols) == 4
    assert (table[minima_cols].sum(axis=1) > 95).all()


def test_page_reacts_to_grid_size_lr_and_colouring():
    at = open_page("pages/basins.py", {"n": "64", "opts": "gd,adam", "steps": "60"})
    assert not at.exception
    first = image_ids(at)
    assert len(first) == 2
    at.selectbox(key="basins:n").set_value("128").run()
    assert not at.exception
    second = image_ids(at)
    assert second != first and at.query_params["n"] in ("128", ["128"])
    at.session_state["basins:gd.hp#open"] = True  # the optimizer's folded controls
    slider = at.run().select_slider(key="basins:gd.lr")
    options = [float(o) for o in slider.options]
    slider.set_value(options[options.index(0.01) - 2]).run()
    assert not at.exception
    third = image_ids(at)
    assert third[0] != second[0] and third[1] == second[1]
    at.selectbox(key="basins:color").set_value("steps").run()
    assert not at.exception and image_ids(at) != third


def test_page_url_settings_and_other_functions():
    at = open_page(
        "pages/basins.py",
        {
            "fn": "six_hump_camel",
            "n": "64",
            "steps": "100",
            "opts": "momentum",
            "color": "steps",
            "momentum.lr": "0.02",
        },
    )
    assert not at.exception and not at.warning
    assert at.session_state["basins:momentum.lr"] == 0.02
    assert len([c for c in _table(at).columns if c.startswith("(")]) == 6
    at = open_page("pages/basins.py", {"fn": "saddle", "n": "64", "opts": "gd"})
    assert not at.exception and count(at, "image") == 1
    at = open_page("pages/basins.py", {"n": "999", "steps": "9999"})
    assert not at.exception and at.warning
    assert at.session_state["basins:n"] == "128" and at.session_state["basins:steps"] == 200


# --- every minimum the runs settle at -------------------------------------------------------------


def test_rastrigin_grid_finds_its_lattice_of_local_minima():
    f = core.get_function("rastrigin")
    m = basin_map(f, core.get_optimizer("adam", lr=0.05), 64, 200)
    assert m.n_minima > 50 and len(np.unique(m.label[m.label >= 0])) > 50
    assert np.mean(m.label == ELSEWHERE) < 0.05  # not a grey map any more
    found = m.minima[1:]
    assert np.abs(found - np.round(found)).max() < 0.05  # at the integer points, f's local minima
    assert np.allclose(m.minimum_values[1:], f.value(found))
    assert (np.diff(m.minimum_values[1:]) >= 0).all()  # the found ones lowest first


def test_himmelblau_four_minima_are_found_without_being_told():
    unknown = replace(HIMMELBLAU, minima=(), local_minima=())
    m = basin_map(unknown, core.get_optimizer("adam", lr=0.05), 32, 300)
    true = np.array([mm.point for mm in HIMMELBLAU.minima])
    assert m.n_minima == 4
    assert np.sqrt(((m.minima[:, None] - true[None]) ** 2).sum(-1)).min(axis=0).max() < 0.05
    assert set(np.unique(m.label)) == {0, 1, 2, 3}


def test_slow_valleys_and_saddles_are_not_minima():
    for name, opt in (
        ("rosenbrock", core.get_optimizer("adam", lr=0.05)),
        ("saddle", core.get_optimizer("gd", lr=0.01)),
    ):
        f = core.get_function(name)
        m = basin_map(f, opt, 48, 200)
        assert m.n_minima == len(f.all_minima), name


def test_relabel_shares_one_list_of_minima_across_maps():
    f = core.get_function("rastrigin")
    a = basin_map(f, core.get_optimizer("adam", lr=0.05), 32, 200, find=False)
    b = basin_map(f, core.get_optimizer("adagrad", lr=0.5), 32, 200, find=False)
    ra, rb = basins.relabel(f, [a, b])
    assert np.array_equal(ra.minima, rb.minima) and ra.n_minima > 20
    both = (ra.label >= 0) & (rb.label >= 0)
    same_end = np.linalg.norm(ra.final - rb.final, axis=-1) < 0.1
    assert (ra.label[both & same_end] == rb.label[both & same_end]).all() and (both & same_end).any()


def test_unsettled_ends_are_elsewhere_even_next_to_a_minimum():
    f = core.get_function("rastrigin")
    m = basin_map(f, core.get_optimizer("gd", lr=0.01), 32, 100)  # lr × curvature > 2: it keeps bouncing
    assert m.converged.mean() < 0.05 and (m.label[~m.converged] == ELSEWHERE).all()
    near_a_minimum = np.linalg.norm(m.final - np.round(m.final), axis=-1) < m.radius
    assert (near_a_minimum & ~m.converged).mean() > 0.3


def test_rastrigin_page_colours_every_local_minimum():
    at = open_page("pages/basins.py", {"fn": "rastrigin", "n": "64", "opts": "adam,adagrad"})
    assert not at.exception
    table = _table(at)
    assert (table["elsewhere"] < 10).all(), table
    named = [c for c in table.columns if c.startswith("(")]
    assert named[0] == "(0.00, 0.00)" and len(named) == 6
    assert (table["other minima"] > 50).all()
