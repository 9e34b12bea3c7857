"""Every page through AppTest: renders, draws charts and images, reacts to its controls."""

import pytest

import core
from core import article
from tests.apptest_helpers import charts, count, errors, image_ids, markdown_tables, open_page, show_tab
from ui.pages import all_page_files

OPTIMIZER_PAGES = [f"pages/{n}.py" for n in core.OPTIMIZERS]


@pytest.mark.parametrize("page", all_page_files())
def test_page_renders_with_charts_and_images(page):
    """At its defaults, with no click: every page's first view has a chart and an image."""
    at = open_page(page)
    assert not at.exception, at.exception
    assert count(at, "vega_lite_chart") >= 1
    assert count(at, "image") >= 1


@pytest.mark.parametrize("name", core.OPTIMIZERS)
def test_changing_lr_changes_the_drawing(name):
    at = open_page(f"pages/{name}.py")
    before = image_ids(at)
    slider = at.select_slider(key=f"{name}:lr")
    options = list(slider.options)
    current = slider.value
    new = options[max(0, options.index(str(current)) - 3)] if str(current) in options else options[0]
    slider.set_value(float(new)).run()
    assert not at.exception
    assert image_ids(at) != before
    assert at.query_params["lr"] == [str(float(new))] or at.query_params["lr"] == str(float(new))


def test_divergence_is_a_message_not_an_exception():
    at = open_page("pages/gd.py", {"lr": "1.5", "steps": "60"})
    assert not at.exception
    assert not errors(at) and any("diverged at step" in w.value for w in at.warning)
    assert count(at, "image") >= 1


@pytest.mark.parametrize("lr", ["0.6", "0.51"])
def test_the_divergence_note_and_the_step_panel_agree(lr):
    """At lr 0.6 GD leaves the landscape; at 0.51 it stays on it but its f − f* grows ×49 in 50 steps: both
    diverged by the one definition, and the note names the step the panel opens at and states."""
    import re

    at = open_page("pages/gd.py", {"lr": lr})
    assert not at.exception
    notes = [w.value for w in at.warning if "diverged" in w.value]
    assert len(notes) == 1, [w.value for w in at.warning]
    noted = int(re.search(r"\*\*Gradient descent\*\* diverged at step (\d+)", notes[0]).group(1))
    panel = next(m.value for m in at.markdown if m.value.startswith("**Step "))
    shown, stated = re.fullmatch(r"\*\*Step (\d+)\*\* · f = `[^`]+` · diverged at step (\d+)", panel).groups()
    assert int(shown) == int(stated) == noted == at.session_state["gd:t"]
    f = core.get_function("quadratic")
    values = core.simulate(f, core.get_optimizer("gd", lr=float(lr)), f.start, 50, escape=f.escape_radius).values
    assert values[noted] > 10 * values[0] >= values[noted - 1]  # the definition's step: from here on ×10 the start


def test_garbage_query_values_fall_back_with_a_warning():
    at = open_page(
        "pages/adam.py",
        {
            "lr": "abc",
            "steps": "-5",
            "fn": "nope",
            "x0": "nan",
            "t": "1e99",
            "betas0": "2",
            "conv": "<script>",
            "noise": "inf",
        },
    )
    assert not at.exception
    assert at.warning, "expected a warning about the ignored values"
    text = at.warning[0].value
    for name in ("lr", "steps", "fn", "x0", "betas0", "conv", "noise"):
        assert f"**{name}** =" in text
    assert count(at, "image") >= 1


def test_a_url_warning_goes_away_once_the_value_is_replaced():
    at = open_page("pages/gd.py", {"lr": "abc", "steps": "oops"})
    assert "**lr** =" in at.warning[0].value and "**steps** =" in at.warning[0].value
    at.slider(key="gd:steps").set_value(30).run()
    assert not at.exception
    text = at.warning[0].value
    assert "**lr** =" in text and "**steps** =" not in text
    at.run()
    assert "**steps** =" not in at.warning[0].value


def test_url_values_are_shown_as_text_in_the_warning():
    at = open_page("pages/compare.py", {"opts": "[a](//x.co)", "steps": "9\n\n# H1 [l](//x.co)"})
    text = at.warning[0].value
    assert "\n#" not in text
    assert "` [a](//x.co) `" in text and "` 9 # H1 [l](//x.co) `" in text  # code spans: nothing interpreted


def test_numbers_in_links_must_use_ascii_digits():
    at = open_page("pages/gd.py", {"steps": "١٢"})
    assert "digits 0-9" in at.warning[0].value.replace("\\", "")
    assert at.session_state["gd:steps"] != 12


def test_url_reproduces_settings():
    query = {"fn": "rosenbrock", "x0": "-1.2", "y0": "1.5", "steps": "120", "lr": "0.003", "momentum": "0.8"}
    at = open_page("pages/momentum.py", query)
    assert not at.exception and not at.warning
    state = at.session_state
    assert state["momentum:fn"] == "rosenbrock" and state["momentum:steps"] == 120
    assert state["momentum:lr"] == 0.003 and state["momentum:momentum"] == 0.8
    assert state["momentum:x0"] == -1.2 and state["momentum:y0"] == 1.5


def test_article_preset_reproduces_the_article():
    at = open_page("pages/compare.py")
    at.button[0].click().run()
    assert not at.exception
    assert at.query_params["article"] in ("1", ["1"])
    table = markdown_tables(at)[-1]
    for name, final in zip(core.ARTICLE_OPTIMIZERS, table["final loss"], strict=False):
        assert float(final) == pytest.approx(float(article.run(name).values[-1]), rel=1e-3)  # shown to 4 digits


def test_compare_page_runs_chosen_optimizers():
    at = open_page("pages/compare.py", {"opts": "adam,lion,rprop", "fn": "himmelblau", "steps": "80"})
    assert not at.exception
    table = markdown_tables(at)[-1]
    assert list(table["optimizer"]) == ["Adam", "Lion", "Rprop"]


def test_compare_page_noise_band():
    at = open_page("pages/compare.py", {"noise": "0.5", "seeds": "10", "opts": "gd,adam"})
    assert not at.exception
    bands = [
        (spec, data)
        for spec, data in charts(at)
        if any(layer.get("mark", {}).get("type") == "area" for layer in spec.get("layer", []))
    ]
    assert len(bands) == 1, "expected one median-and-band chart"
    data = bands[0][1]
    assert set(data["series"]) == {"Gradient descent", "Adam"}
    assert (data["lo"] <= data["median"]).all() and (data["median"] <= data["hi"]).all()
    assert (data["hi"] > data["lo"]).mean() > 0.5, "ten noisy runs must spread into a band"


@pytest.mark.parametrize(
    "formula", ["__import__('os').system('ls')", "9**9**9", "x" * 400, "1/0", "sqrt(-1-x**2)", "x.__class__", "z + 1"]
)
def test_hostile_formula_in_url_is_a_clean_message(formula):
    at = open_page("pages/gd.py", {"fn": "custom", "formula": formula})
    assert not at.exception
    assert errors(at) or at.warning


def test_custom_formula_works_like_a_builtin():
    at = open_page("pages/adam.py", {"fn": "custom", "formula": "(x-1)**2 + 3*(y+2)**2", "lr": "0.1", "steps": "200"})
    assert not at.exception and not errors(at)
    assert count(at, "image") >= 1 and count(at, "vega_lite_chart") == 1  # the loss; other curves on demand
    at.session_state["adam:curves"] = True
    assert count(at.run(), "vega_lite_chart") == 2  # the loss and the open curve tab only


@pytest.mark.parametrize("name", core.OPTIMIZERS)
def test_first_view_shows_the_loss_beside_the_contour(name):
    """No click: the contour and the run's loss chart (its one series, every step), and no other chart."""
    at = open_page(f"pages/{name}.py", {"steps": "40"})
    assert not at.exception
    assert count(at, "image") >= 1
    ((spec, data),) = charts(at)
    assert spec.get("title") == "Loss"
    assert set(data["series"]) == {core.get_spec(name).display_name} and data["step"].max() == 40


def test_every_curve_tab_draws_its_chart():
    """Curves are tabs drawn on demand: each one shows its own chart, and only the open one is drawn (beside the
    loss chart of the first view)."""
    at = open_page("pages/adam.py", {"sched": "cosine"})
    at.session_state["adam:curves"] = True
    labels = [t.label for t in at.run().tabs][:4]
    assert labels == ["Distance to nearest minimum", "Gradient norm", "Learning rate", "Effective step size"]
    titles = {"Distance to nearest minimum": "Distance to nearest minimum"}
    titles |= {
        "Gradient norm": "Gradient norm",
        "Effective step size": "Effective step size per coordinate |Δθᵢ| / |gᵢ|",
    }
    for label in labels:
        show_tab(at, "adam:curve", label)
        assert not at.exception
        loss, (spec, data), *others = charts(at)
        assert loss[0].get("title") == "Loss"
        assert not others and len(data) > 0
        assert spec.get("title") == titles.get(label, spec.get("title"))
    lr = charts(show_tab(at, "adam:curve", "Learning rate"))[1][1]
    assert lr["lr"].iloc[0] > lr["lr"].iloc[-1]  # the cosine schedule's lr falls


def test_play_pause_and_reset_move_the_scrubber():
    at = open_page("pages/adam.py")
    at.button(key="adam:play").click().run()
    assert at.session_state["adam:playing"] and at.session_state["adam:t"] >= 1
    at.run()
    assert at.session_state["adam:t"] >= 2  # at least a step per frame; more when the clock ran ahead (play follows it)
    at.button(key="adam:pause").click().run()
    assert not at.session_state["adam:playing"]
    at.button(key="adam:reset").click().run()
    assert at.session_state["adam:t"] == 0 and not at.exception


def test_schedule_is_selectable_and_charted():
    at = open_page("pages/momentum.py", {"sched": "cosine"})
    assert not at.exception
    plain = open_page("pages/momentum.py")
    for page in (at, plain):
        page.session_state["momentum:curves"] = True
        page.run()
    assert "Learning rate" in [t.label for t in at.tabs] and "Learning rate" not in [t.label for t in plain.tabs]
    assert len(charts(show_tab(at, "momentum:curve", "Learning rate"))) == 2  # the loss and the lr


def test_start_map_click_sets_the_start(monkeypatch):
    """A click's selection moves the start sliders to the clicked cell, and the page redraws from there."""
    import streamlit as st

    from ui.startmap import _apply
    from ui.state import PageState

    at = open_page("pages/gd.py")
    before = image_ids(at)
    state = {
        "gd:x0": at.session_state["gd:x0"],
        "gd:y0": at.session_state["gd:y0"],
        "gd:startmap": {"selection": {"start": [{"x": 1.25, "y": -2.5}]}},
    }
    assert (state["gd:x0"], state["gd:y0"]) != (1.25, -2.5)
    monkeypatch.setattr(st, "session_state", state)
    _apply(PageState("gd"), "gd:startmap")
    monkeypatch.undo()
    assert (state["gd:x0"], state["gd:y0"]) == (1.25, -2.5)
    at.session_state["gd:x0"], at.session_state["gd:y0"] = state["gd:x0"], state["gd:y0"]
    at.run()
    assert not at.exception
    assert (at.query_params["x0"], at.query_params["y0"]) == ("1.25", "-2.5")
    assert image_ids(at) != before


def test_tune_button_sets_tuned_hyperparameters_on_optimizer_and_compare_pages():
    at = open_page("pages/adam.py", {"fn": "rosenbrock", "lr": "0.001", "steps": "100"})
    at.button(key="adam:tune").click().run()
    assert not at.exception
    assert at.session_state["adam:lr"] != 0.001
    note = next(c.value for c in at.caption if c.value.startswith("Tuned: "))
    assert "lr = " in note and "β₁ = " in note and "betas0" not in note  # names people read, not URL names
    at = open_page("pages/compare.py", {"fn": "rosenbrock", "opts": "gd", "gd.lr": "0.0001"})
    at.button(key="compare:gd.tune").click().run()
    assert not at.exception
    assert at.session_state["compare:gd.lr"] != 0.0001
    assert not at.error, [e.value for e in at.error]


def test_a_formula_typo_keeps_every_other_setting():
    query = {"fn": "custom", "formula": "x**2 + 3*y**2", "lr": "0.05", "betas0": "0.8", "steps": "200"}
    at = open_page("pages/adam.py", query)
    assert not at.exception and not at.error
    at.text_input(key="adam:formula").set_value("x^2+(y").run()
    assert at.error, "the typo is reported"
    for name in ("lr", "betas0", "steps"):
        assert at.query_params[name] == query[name], name
    at.text_input(key="adam:formula").set_value("x**2 + 4*y**2").run()
    assert not at.error
    assert at.session_state["adam:lr"] == 0.05 and at.session_state["adam:betas0"] == 0.8
    assert at.session_state["adam:steps"] == 200


def test_fresh_defaults_follow_the_landscape_but_chosen_values_stay():
    from core.defaults import landscape_hyperparameters

    at = open_page("pages/compare.py", {"opts": "gd,momentum"})
    assert at.session_state["compare:gd.lr"] == 0.4
    at.selectbox(key="compare:fn").set_value("rosenbrock").run()
    assert at.session_state["compare:gd.lr"] == landscape_hyperparameters("rosenbrock", "gd")["lr"]
    assert not at.error, [e.value for e in at.error]
    at.session_state["compare:momentum.hp#open"] = True  # draw its folded controls
    at.run().select_slider(key="compare:momentum.lr").set_value(0.0001).run()
    at.selectbox(key="compare:fn").set_value("himmelblau").run()
    assert at.session_state["compare:momentum.lr"] == 0.0001
    assert at.session_state["compare:gd.lr"] == landscape_hyperparameters("himmelblau", "gd")["lr"]


def test_any_lr_in_range_is_accepted_from_the_link():
    at = open_page("pages/gd.py", {"lr": "0.33"})
    assert not at.warning and at.session_state["gd:lr"] == 0.33


def test_open_on_compare_from_the_custom_page_keeps_the_choices():
    from urllib.parse import parse_qs

    at = open_page("pages/custom.py", {"opts": "adam,lion", "lr": "0.05", "steps": "200", "x0": "-2", "y0": "1"})
    assert not at.exception
    link = at.get("page_link")[0].proto
    assert link.page == "compare"
    query = {k: v[0] for k, v in parse_qs(link.query_string).items()}
    assert query["opts"] == "adam,lion" and query["steps"] == "200" and query["fn"] == "custom"
    assert query["adam.lr"] == query["lion.lr"] == "0.05"
    at = open_page("pages/compare.py", query)
    assert not at.exception and not at.warning
    assert at.session_state["compare:lion.lr"] == 0.05 and at.session_state["compare:steps"] == 200


def test_switching_landscape_on_the_sweep_page_drops_the_clicked_run():
    at = open_page("pages/lr_sweep.py", {"opts": "gd", "count": "100"})
    at.session_state["sweep:chart"] = {"selection": {"pick": [{"optimizer": "gd", "lr": 0.001}]}}
    at.selectbox(key="sweep:fn").set_value("himmelblau").run()
    assert not at.exception
    assert "sweep:chart" not in at.session_state or not at.session_state["sweep:chart"].get("selection", {}).get("pick")


def test_divergence_is_one_note_with_the_largest_stable_lr():
    at = open_page("pages/compare.py", {"opts": "gd,momentum,adam", "gd.lr": "2", "momentum.lr": "2"})
    assert not at.exception and not at.error
    notes = [w.value for w in at.warning if "diverged" in w.value]
    assert len(notes) == 1, notes
    note = notes[0]
    assert "**Gradient descent**" in note and "**Momentum (heavy ball)**" in note and "Adam" not in note
    stable = float(note.split("up to about ")[1].split(" ")[0])
    f = core.get_function("quadratic")
    run = core.simulate(f, core.get_optimizer("gd", lr=stable), (-4.0, -6.0), 50, escape=f.escape_radius)
    assert run.diverged_at < 0 and stable <= 0.5 < stable * 1.3  # GD stays bounded up to 2/L = 0.5 here


def test_a_diverged_run_keeps_the_loss_axis_and_the_table_readable():
    at = open_page("pages/compare.py", {"fn": "rosenbrock", "opts": "gd,adam", "gd.lr": "0.5"})
    assert not at.exception
    table = markdown_tables(at)[-1]
    row = table[table["optimizer"] == "Gradient descent"].iloc[0]
    assert row["diverged"].startswith("yes, at step") and row["final loss"] == "—"
    assert "None" not in table.to_string() and "e+7" not in table.to_string()
    losses = [data for spec, data in charts(at) if "value" in data]
    assert losses and max(float(d["value"].max()) for d in losses) < 1e6


def test_rarely_changed_settings_start_folded_and_open_when_set():
    """ε, weight decay and the switches fold under "More options", schedule and noise under their own section;
    a section opens by itself when the link sets one of its values, so nothing set is hidden."""
    fresh = open_page("pages/adam.py")
    assert not fresh.session_state["adam:more#open"] and not fresh.session_state["adam:extra#open"]
    assert [e.label for e in fresh.sidebar.expander][-2:] == ["More options", "Schedule and gradient noise"]
    assert not any(e.proto.expanded for e in fresh.sidebar.expander)
    assert "adam:eps" not in [w.key for w in fresh.select_slider]  # folded controls are not drawn
    linked = open_page("pages/adam.py", {"eps": "1e-06", "amsgrad": "1"})
    assert linked.session_state["adam:more#open"] and not linked.session_state["adam:extra#open"]
    assert [e.proto.expanded for e in linked.sidebar.expander][-2:] == [True, False]
    assert linked.toggle(key="adam:amsgrad").value
    scheduled = open_page("pages/compare.py", {"sched": "cosine"})
    assert scheduled.session_state["compare:extra#open"]
    assert open_page("pages/gd.py", {"noise": "0.5"}).session_state["gd:extra#open"]


def test_a_folded_setting_keeps_its_value():
    """Closing a section hides its controls but not their values: the run and the link keep them."""
    at = open_page("pages/adam.py", {"eps": "1e-06", "amsgrad": "1"})
    at.session_state["adam:more#open"] = False
    at.run()
    assert not at.exception and "adam:amsgrad" not in [w.key for w in at.toggle]
    assert at.query_params["eps"] in ("1e-06", ["1e-06"]) and at.query_params["amsgrad"] in ("1", ["1"])
    plain = open_page("pages/adam.py")
    assert at.session_state["adam:t"] == plain.session_state["adam:t"]
    assert markdown_tables(at)[0].iloc[0, 1] != markdown_tables(plain)[0].iloc[0, 1]  # amsgrad changed the run


def test_compare_hyperparameters_fold_per_optimizer_and_still_apply():
    at = open_page("pages/compare.py", {"opts": "gd,adam", "adam.lr": "0.05"})
    assert at.session_state["compare:adam.hp#open"] and not at.session_state["compare:gd.hp#open"]
    assert "compare:gd.lr" not in [w.key for w in at.select_slider]
    table = markdown_tables(at)[-1].set_index("optimizer")
    plain = markdown_tables(open_page("pages/compare.py", {"opts": "gd,adam"}))[-1].set_index("optimizer")
    assert table.loc["Adam", "final loss"] != plain.loc["Adam", "final loss"]
    assert table.loc["Gradient descent", "final loss"] == plain.loc["Gradient descent", "final loss"]


def test_an_lr_beyond_the_slider_says_why_it_was_not_taken():
    """Typing 3.0 in /gd's lr box (the slider ends at 2) sets the slider's end and says so, with no error."""
    at = open_page("pages/gd.py")
    hi = max(at.select_slider(key="gd:lr").options, key=float)
    at.number_input(key="gd:lr#exact").set_value(3.0).run()
    assert not at.exception and not errors(at)
    assert float(at.select_slider(key="gd:lr").value) == float(hi)
    said = " ".join(c.value for c in at.caption)
    assert "3 is outside this slider's range" in said and "learning-rate sweep" in said


def test_csv_downloads_carry_a_byte_order_mark_for_excel():
    """UTF-8 with a BOM: Excel on Windows reads "∇" and Chinese headers; pandas reads the columns unchanged."""
    import io

    import pandas as pd

    from ui.layout import csv_bytes

    frame = pd.DataFrame({"gradient ∇f (x)": [1.0], "梯度": [2.0]})
    data = csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf") and "∇".encode() in data
    assert list(pd.read_csv(io.BytesIO(data), encoding="utf-8-sig").columns) == list(frame.columns)


def test_the_open_tab_is_kept_in_the_link():
    """Opening a tab writes it into the URL, and a link naming it opens it (an unknown name opens the first)."""
    at = show_tab(open_page("pages/adam.py"), "adam:tab", "Steps table & downloads")
    assert not at.exception and at.query_params["tab"] == "table"
    reopened = open_page("pages/adam.py", {"tab": "table", "curves": "1"})
    assert reopened.session_state["adam:tab"] == "Steps table & downloads"
    assert any(b.label == "Trajectory as CSV" for b in reopened.get("download_button"))
    curve = open_page("pages/adam.py", {"curves": "1", "curve": "gnorm"})  # the curves section open on that tab
    assert "Gradient norm" in [spec.get("title") for spec, _ in charts(curve)]
    assert curve.query_params["curve"] == "gnorm" and curve.query_params["curves"] == "1"
    for bad in ("nope", "<b>"):
        fresh = open_page("pages/adam.py", {"tab": bad})
        assert not fresh.exception and fresh.session_state["adam:tab"] == "3-D surface"
        assert "tab" not in fresh.query_params
