"""The "Reproduce MNIST-1D" page: the paper's table beside the committed measurement, the signals, and a live run.

Greydanus & Kobak's table (logistic regression 32 %, MLP 68 %, CNN 94 % test accuracy) needs 8000 Adam
steps per model, minutes of CPU for the CNN. The page shows what ``benchmarks/mnist1d_table.py --write``
measured (``core.mnist1d_paper.measured``) at once, and offers the paper's setting as a live preset cut to
the cap of an explicit heavy preset (``core.mnist1d_paper.LIVE_SECONDS``): it says what it will run, how
long that takes and what was reduced, trains in blocks of steps (a progress bar, a stop point between
blocks, the shared heavy-work slot) and keeps the result for the next visitor with the same settings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st
from matplotlib.figure import Figure

import core
from core import mnist1d_paper as paper
from core.lru import LRU

from . import charts, controls, i18n, layout, plots, present, work
from .classes import class_columns, show_class_table
from .i18n import N_, _
from .state import PageState, page_state
from .theme import INK

PAGE = "mnist1d"
MODEL_NAMES = {
    "logistic": N_("Logistic regression"),
    "mlp": N_("MLP (two residual ReLU layers of 100)"),
    "cnn": N_("CNN (three convolutions of 25 channels)"),
}
# For legends and narrow columns (MLP and CNN are written so in Chinese too).
SHORT_NAMES = {"logistic": N_("Logistic"), "mlp": "MLP", "cnn": "CNN"}
MODEL_COLORS = {"logistic": "#8c6d31", "mlp": "#3182bd", "cnn": "#e6550d"}  # models, not optimizers
STEP_CHOICES = ["250", "500", "1000", "2000", "4000", "8000"]
PER_CLASS = 3  # signals drawn per class
IMAGE_ROWS = 20  # test signals per class in the image


@dataclass(frozen=True)
class LiveRun:
    """A live run of the preset: per model the recorded steps, the test accuracy ``(rows, seeds)`` and final θ."""

    steps: int
    seeds: int
    at: dict[str, np.ndarray]
    accuracy: dict[str, np.ndarray]
    theta: dict[str, np.ndarray]


_LIVE: LRU[LiveRun] = LRU(8)  # live runs by (models, steps, seeds), shared by every session


def model_name(name: str) -> str:
    return _(MODEL_NAMES[name])


def short_name(name: str) -> str:
    return _(SHORT_NAMES[name])


def render() -> None:
    st.title(_("Reproduce MNIST-1D"))
    st.markdown(
        _(
            "MNIST-1D (Greydanus & Kobak, *Scaling down deep learning with MNIST-1D*, ICML 2024) is a teaching "
            "benchmark small enough for a laptop: 4000 training and 1000 test signals of 40 samples, one of ten "
            "digit shapes each, shifted, scaled, sheared and noised. Unlike the 8 × 8 digits, it separates models "
            "clearly: the paper's table gives logistic regression **32 %**, an MLP **68 %** and a CNN **94 %** test "
            "accuracy. Here is that table beside ours, measured with this app's NumPy core, and the same training "
            "to run yourself."
        )
    )
    with page_state(PAGE) as ps:
        _body(ps)


def _body(ps: PageState) -> None:
    with st.spinner(_("Generating MNIST-1D (once per server)…")):
        data = core.get_dataset("mnist1d")
    _committed()
    _signals(data)
    _live(ps)
    st.divider()
    st.caption(
        _(
            "Data: MNIST-1D by Sam Greydanus and Dmitry Kobak (ICML 2024), generated offline by their `mnist1d` "
            "package (Apache-2.0) with its default arguments and split; it is one of the data sets of Simon Prince's "
            "*Understanding Deep Learning*. Models and training as in the paper's training script: Adam, lr {lr:g}, "
            "minibatches of {batch} taken in order."
        ).format(lr=paper.LR, batch=paper.BATCH)
    )


def models_text() -> str:
    """The three models in a sentence (the tables name them short)."""
    return _("Models: {logistic}; {mlp}; {cnn}, then one linear layer.").format(
        **{n: model_name(n) for n in paper.MODELS}
    )


def _setting_text(setting: dict) -> str:
    return _(
        "Measured by `python -m benchmarks.mnist1d_table --write` on {date}: {seeds} seeds (initialisations) × "
        "{steps} steps per model, Adam lr {lr:g}, minibatches of {batch} in order, on {machine} "
        "(BLAS threads: {threads}, NumPy {numpy})."
    ).format(
        date=setting["date"],
        seeds=setting["seeds"],
        steps=setting["steps"],
        lr=setting["lr"],
        batch=setting["batch"],
        machine=setting["machine"],
        threads=setting["blas_threads"],
        numpy=setting["numpy"],
    )


def _committed() -> None:
    """The paper's table beside the committed measurement, its curves and its per-class accuracy."""
    measured = paper.measured()
    models = measured["models"]
    st.subheader(_("The paper's table and ours"))
    rows = []
    for name in paper.MODELS:
        m = models[name]
        rows.append(
            {
                _("model"): short_name(name),
                _("paper"): f"{paper.PAPER[name]:.0f} %",
                _("measured (mean)"): f"{np.mean(m['accuracy']):.1f} %",
                _("per seed"): " · ".join(f"{a:.1f}" for a in m["accuracy"]),
                _("difference"): f"{np.mean(m['accuracy']) - paper.PAPER[name]:+.1f}",
                _("seconds (wall)"): f"{m['seconds']:.0f}",
            }
        )
    layout.markdown_table(
        pd.DataFrame(rows), right=(_("paper"), _("measured (mean)"), _("difference"), _("seconds (wall)"))
    )
    st.caption(f"{models_text()} {_setting_text(measured['setting'])}")
    left, right = st.columns([3, 2], gap="medium")
    with left:
        charts.curves(
            {short_name(n): (np.array(models[n]["steps"]), np.array(models[n]["curve"]) / 100) for n in paper.MODELS},
            _("Test accuracy while training (mean over the seeds)"),
            _("test accuracy"),
            colors={short_name(n): MODEL_COLORS[n] for n in paper.MODELS},
            height=320,
        ).show(present.figure())
    with right:
        show_class_table(
            {short_name(n): np.array(models[n]["classes"]) / 100 for n in paper.MODELS},
            _("**Test accuracy per class** (mean over the seeds)"),
        )


def _signals(data: core.Dataset) -> None:
    st.subheader(_("What the models see"))
    left, right = st.columns([3, 2], gap="medium")
    with left:
        charts.signals(
            data.x_train,
            data.y_train,
            PER_CLASS,
            _("{n} training signals of every class").format(n=PER_CLASS),
            _("sample"),
        ).show(st)
    with right:
        st.image(
            class_image(IMAGE_ROWS, i18n.language()),
            width="stretch",
            caption=_(
                "{n} test signals per class as rows of colour (low dark, high bright), sorted by class: "
                "each digit's pattern, moved left and right by the random shifts the models must see through."
            ).format(n=IMAGE_ROWS),
        )


@st.cache_data(max_entries=4, show_spinner=False)
def class_image(rows: int, _lang: str) -> bytes:
    """PNG of ``rows`` test signals of every class, one image row each, sorted by class (cached)."""
    data = core.get_dataset("mnist1d")
    picked = np.concatenate([np.flatnonzero(data.y_test == k)[:rows] for k in range(10)])
    fig = Figure(figsize=(4.2, 5.0), dpi=plots.figure_dpi())
    ax = fig.add_axes((0.14, 0.1, 0.82, 0.86))
    ax.imshow(data.x_test[picked], aspect="auto", cmap="magma", interpolation="nearest")
    ax.set_yticks(np.arange(10) * rows + rows / 2 - 0.5, [str(k) for k in range(10)])
    ax.set_xlabel(plots.figure_text(N_("sample")))
    ax.set_ylabel(plots.figure_text(N_("class")))
    plots.style_axes(ax, fig, labelsize=plots.TICK_PT)
    ax.xaxis.label.set_fontsize(plots.LABEL_PT)
    ax.yaxis.label.set_fontsize(plots.LABEL_PT)
    for spine in ax.spines.values():
        spine.set_color(INK)
    return plots.to_png(fig)


def _live(ps: PageState) -> None:
    """The paper's setting as a live preset, reduced to the CPU cap with a message, run on a button."""
    st.subheader(_("Train them here"))
    left, right = st.columns(2)
    steps = int(
        controls.choice(
            ps,
            "steps",
            _("Steps per model"),
            STEP_CHOICES,
            str(paper.STEPS),
            where=left,
            help=_("The paper trains {steps} steps.").format(steps=paper.STEPS),
        )
    )
    seeds = controls.integer(
        ps,
        "seeds",
        _("Seeds (initialisations)"),
        1,
        paper.SEEDS,
        paper.SEEDS,
        where=right,
        help=_("Networks trained per model, from seeded initialisations; the table above averages {n}.").format(
            n=paper.SEEDS
        ),
    )
    live_preset(paper.MODELS, steps, seeds, ps.key("run"), _("measured (table above)"))


def live_preset(models: tuple[str, ...], steps: int, seeds: int, key: str, measured_label: str = "") -> None:
    """The paper's training of ``models`` (``steps`` × ``seeds`` each) as a live preset: reduced to the preset's cap
    with a message that says what and how long, run on a button (``key``) with a progress bar, shown beside the
    paper's and the committed table's numbers (``measured_label`` heads that column). The network lab runs it for
    one architecture."""
    measured_label = measured_label or _("measured ({steps} steps × {seeds} seeds)").format(
        steps=paper.measured()["setting"]["steps"], seeds=paper.measured()["setting"]["seeds"]
    )
    costs = {n: paper.step_seconds(n) for n in models}
    run_steps, run_seeds = fit(steps, seeds, costs)
    seconds = paper.estimate(run_steps, run_seeds, costs)
    if seconds > paper.LIVE_SECONDS:
        st.warning(
            _(
                "Even {steps} steps × 1 seed per model would take about {seconds:.0f} CPU-seconds on this server right "
                "now, more than the {cap:g} CPU-seconds it allows a preset, so nothing is trained here. The table "
                "above is the full run; to train yourself: `python -m benchmarks.mnist1d_table` on your own machine."
            ).format(steps=run_steps, seconds=seconds, cap=paper.LIVE_SECONDS),
            icon=":material/block:",
        )
        return
    if (run_steps, run_seeds) != (steps, seeds):
        st.info(
            _(
                "{steps} steps × {seeds} seed(s) per model would take about {asked:.0f} CPU-seconds on this server, "
                "more than the {cap:g} CPU-seconds it allows a preset. So the live run trains **{run_steps} steps × "
                "{run_seeds} seed(s)** per model (about {seconds:.0f} CPU-seconds); the table above is the full "
                "run. For the full run yourself: `python -m benchmarks.mnist1d_table` on your own machine."
            ).format(
                steps=steps,
                seeds=seeds,
                asked=paper.estimate(steps, seeds, costs),
                cap=paper.LIVE_SECONDS,
                run_steps=run_steps,
                run_seeds=run_seeds,
                seconds=seconds,
            ),
            icon=":material/speed:",
        )
    else:
        st.caption(
            _("{steps} steps × {seeds} seed(s) per model: about {seconds:.0f} CPU-seconds on this server.").format(
                steps=run_steps, seeds=run_seeds, seconds=seconds
            )
        )
    result = _LIVE.get((models, run_steps, run_seeds))
    if result is None:
        label = (
            _("Train the three models (about {seconds:.0f} s)")
            if len(models) == len(paper.MODELS)
            else _("Train it (about {seconds:.0f} s)")
        ).format(seconds=seconds)
        slot = st.empty()
        if not slot.button(label, key=key, icon=":material/play_arrow:"):
            return
        slot.empty()  # the run shows its progress, then its results, in the button's place
        result = train_live(run_steps, run_seeds, costs)
        _LIVE.put((models, run_steps, run_seeds), result)
    _show_live(result, measured_label)


def fit(steps: int, seeds: int, costs: dict[str, float]) -> tuple[int, int]:
    """What a live run of ``steps`` × ``seeds`` may train within ``PLAN_SECONDS``: one seed first, then fewer steps."""
    if paper.estimate(steps, seeds, costs) <= paper.PLAN_SECONDS:
        return steps, seeds
    if paper.estimate(steps, 1, costs) <= paper.PLAN_SECONDS:
        return steps, 1
    return min(steps, paper.plan(paper.PLAN_SECONDS, costs, seeds=1).steps), 1


def train_live(steps: int, seeds: int, costs: dict[str, float]) -> LiveRun:
    """Train every model of ``costs``, block by block, with a progress bar; each block waits for the shared
    heavy-work slot."""
    total = paper.estimate(steps, seeds, costs)
    bar = st.progress(0.0, text=_("Training…"))
    done = 0.0
    at, accuracy, theta = {}, {}, {}
    for name in costs:
        text = _("Training the {model}: {seeds} network(s), {steps} steps").format(
            model=model_name(name), seeds=seeds, steps=steps
        )
        points: list[paper.Checkpoint] = []
        run = paper.train(name, steps, seeds)
        while True:
            fraction = min((done + costs[name] * seeds * (points[-1].step if points else 0)) / total, 1.0)
            with work.heavy(bar, fraction, text):
                point = next(run, None)
            if point is None:
                break
            points.append(point)
        done += costs[name] * seeds * steps
        at[name] = np.array([p.step for p in points])
        accuracy[name] = np.stack([p.test_accuracy for p in points])
        theta[name] = points[-1].theta
    bar.empty()
    return LiveRun(steps, seeds, at, accuracy, theta)


def _show_live(result: LiveRun, measured_label: str) -> None:
    measured = paper.measured()["models"]
    models = tuple(result.at)
    rows = [
        {
            _("model"): short_name(n),
            _("paper"): f"{paper.PAPER[n]:.0f} %",
            measured_label: f"{np.mean(measured[n]['accuracy']):.1f} %",
            _("this run"): f"{100 * result.accuracy[n][-1].mean():.1f} %",
        }
        for n in models
    ]
    layout.markdown_table(pd.DataFrame(rows), right=(_("paper"), measured_label, _("this run")))
    st.caption(
        _("This run: {steps} steps × {seeds} seed(s) per model; fewer steps than the paper's {full} end lower.").format(
            steps=result.steps, seeds=result.seeds, full=paper.STEPS
        )
    )
    left, right = st.columns([3, 2], gap="medium")
    with left:
        charts.curves(
            {short_name(n): (result.at[n], result.accuracy[n].mean(axis=1)) for n in models},
            _("This run: test accuracy while training (mean over the seeds)"),
            _("test accuracy"),
            colors={short_name(n): MODEL_COLORS[n] for n in models},
            height=320,
        ).show(st)
    with right:
        columns: dict[str, np.ndarray] = {}
        for n in models:
            columns |= class_columns(paper.model(n), {short_name(n): result.theta[n][0]})
        show_class_table(columns, _("**Test accuracy per class** (this run, seed 0)"))
