"""The Network lab page: optimizers training small classifiers (logistic regression, MLPs, MNIST-1D's CNN), compared
over seeds on one loss slice.

What is trained is one ``core.workloads.Workload`` (data set, size, noise, architecture, hidden layers, minibatch
size): the page caches its objective by it, as the Fair race does."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

import core
from core import budget, landscape, metrics
from core import mnist1d_paper as paper
from core.datasets import LAB_DATASETS, NOISE_HELP, TWO_D_DATASETS
from core.defaults import demo_hyperparameters
from core.lru import LRU
from core.network import ACTIVATIONS, Network
from core.run import Run
from core.simulate import join
from core.workloads import (
    SIGNAL_DATASETS,
    TWO_D_NOISE,
    TWO_D_SAMPLES,
    Workload,
    architectures,
    default_workload,
    work_per_sample,
)

from . import charts, controls, i18n, layout, mnist1d, plots, present, runs, work
from .classes import class_columns, show_class_table
from .i18n import N_, _, error_text, optimizer_name
from .network_export import network_exports
from .network_tune import Tuning
from .plots import figure_text
from .state import PageState, page_state
from .text import plain
from .theme import CMAP, INK, color, linestyle

PAGE = "network"
ALL_OPTIMIZERS = list(core.OPTIMIZERS) + list(core.NETWORK_OPTIMIZERS)
# The article's five, as on Compare: a first look a student can read (the other eight, Muon and Adafactor are
# one pick away; all thirteen at once would be thirteen curves, maps and folded settings on a fresh tab).
DEFAULT_OPTIMIZERS = list(core.ARTICLE_OPTIMIZERS)
# Learning rates that train a 2-16-16-2 tanh network on the 2-D sets in a few hundred full-batch steps
# (the 2-D pages' demo values are tuned for the landscapes, not for networks).
NET_DEFAULTS = {
    "gd": {"lr": 0.5},
    "momentum": {"lr": 0.1, "momentum": 0.9},
    "nesterov": {"lr": 0.1, "momentum": 0.9},
    "adagrad": {"lr": 0.1},
    "rmsprop": {"lr": 0.01},
    "adam": {"lr": 0.02},
    "adamw": {"lr": 0.02},
    "nadam": {"lr": 0.02},
    "radam": {"lr": 0.02},
    "adamax": {"lr": 0.05},
    "adadelta": {"lr": 1.0},
    "rprop": {"lr": 0.01},
    "lion": {"lr": 0.003},
    "muon": {"lr": 0.05, "adamw_lr": 0.02},
    "adafactor": {"lr": 0.05},
}
SAMPLES = ["200", "400", "800"]
WIDTHS = ["4", "8", "16", "32", "64"]
BATCHES = ["full", "8", "16", "32", "64", "100", "128"]
PLANES = {"pca": N_("principal directions of the paths"), "random": N_("filter-normalised random directions")}
CENTRES = {"init": N_("the shared initialisation"), "best": N_("the best end point")}
BATCH_LABELS = {"full": N_("full")}
MAX_ROWS = 50  # recorded rows per run: each row is evaluated on both splits, so rows are the evaluation's cost
# A network whose one row costs more than ROW_SECONDS to evaluate (MNIST-1D's CNN: 9000 samples through three
# convolutions, about 0.1 s) records FEW_ROWS rows per run: its curves then cost about what its training does.
FEW_ROWS = 6
ROW_SECONDS = 0.02
REGION_GRID = 120
SLICE_RESOLUTION = 31
# A slice whose full grid would cost more than SLICE_SECONDS (the CNN: about 50 s on all 4000 training signals)
# is cut at SMALL_SLICE_RESOLUTION² points on a seeded subset of the training split that fits, and says so.
SLICE_SECONDS = 1.5
SMALL_SLICE_RESOLUTION = 21
MIN_SLICE_SAMPLES = 100
MIN_STEPS = 50  # fewer steps than this would show nothing: beyond the limit at one seed and this, the page refuses
CHUNK_SECONDS = 0.5  # estimated CPU seconds of one chunk of training: a stop point and a partial result after each
CLASS_COLORS = ("#4c78a8", "#f58518")
ARCHITECTURE_NAMES = {
    "logistic": N_("Logistic regression"),
    "mlp": N_("Multilayer perceptron (MLP)"),
    "cnn": N_("CNN (the MNIST-1D paper's)"),
}
# Training defaults that differ by data set (the others train 4 seeds × 200 steps). A sample costs MNIST-1D's CNN
# about 13× what it costs the digits' MLP, and its curves evaluate 9000 signals per row, so its default view trains
# one seed for 200 steps on the paper's minibatches of 100 (5 epochs) with FEW_ROWS rows: five optimizers side by
# side within the lab's limit (benchmarks/network_view_bench.py).
DATA_DEFAULTS: dict[str, dict[str, int]] = {"mnist1d": {"steps": 200, "seeds": 1}}
STEPS, SEEDS = 200, 4
SIGNALS_PER_CLASS = 2  # input signals drawn per class for MNIST-1D (ui.mnist1d draws 3 on its own page)


@dataclass(frozen=True)
class NetRun:
    """What the page keeps of one optimizer's runs over all seeds (every recorded step)."""

    steps: np.ndarray  # (R,) step of each recorded row
    train_loss: np.ndarray  # (R, seeds)
    test_loss: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    path: np.ndarray  # (R, D): seed 0's parameters, for the shared slice
    final: np.ndarray  # (seeds, D)
    diverged_at: np.ndarray  # (seeds,)


@st.cache_resource(max_entries=8, show_spinner=False)
def problem(key: Workload) -> Network:
    """The network objective of workload ``key`` (shared: it holds only read-only data and per-thread scratch)."""
    return key.network()


def lab_workload(
    data: str, arch: str, hidden: tuple[int, ...], activation: str, batch: int | None, samples: int, noise: float
) -> Workload:
    """The page's workload: a 2-D set at the chosen size and noise, the other sets whole; logistic regression and
    the CNN with no hidden sizes (their controls are hidden), so one network has one key."""
    two_d = data in TWO_D_DATASETS
    if arch != "mlp":
        hidden, activation = (), ("relu" if arch == "cnn" else activation)
    return Workload(
        data,
        hidden,
        activation,
        batch,
        arch,
        samples=samples if two_d else None,
        noise=float(noise) if two_d else TWO_D_NOISE,
    )


def max_rows(f: Network) -> int:
    """Rows recorded per run of network ``f``: ``MAX_ROWS``, or ``FEW_ROWS`` where one row's evaluation on both
    splits is estimated above ``ROW_SECONDS``."""
    ds = f.dataset
    row = budget.forward_seconds(round(work_per_sample(f)), 2 * ds.n_train + ds.n_test, 1)
    return FEW_ROWS if row > ROW_SECONDS else MAX_ROWS


def slice_size(f: Network) -> tuple[int, int]:
    """Resolution and training samples of the loss slice of ``f``: ``SLICE_RESOLUTION`` on the whole training split
    when that fits ``SLICE_SECONDS``, else ``SMALL_SLICE_RESOLUTION`` on as many samples as fit (at least
    ``MIN_SLICE_SAMPLES``, a multiple of 50)."""
    work, n = round(work_per_sample(f)), f.dataset.n_train
    if budget.forward_seconds(work, SLICE_RESOLUTION**2 * n, 1) <= SLICE_SECONDS:
        return SLICE_RESOLUTION, n
    fit = SLICE_SECONDS / max(budget.forward_seconds(work, SMALL_SLICE_RESOLUTION**2, 1), 1e-12)
    return SMALL_SLICE_RESOLUTION, min(n, max(MIN_SLICE_SAMPLES, int(fit) // 50 * 50))


@st.cache_resource(max_entries=4, show_spinner=False)
def slice_problem(key: Workload) -> Network:
    """The objective the loss slice is cut on: ``problem(key)``, or the same network on a seeded subset of its
    training split where the whole one would cost too much (``slice_size``)."""
    f = problem(key)
    _resolution, samples = slice_size(f)
    ds = f.dataset
    if samples >= ds.n_train:
        return f
    rows = np.sort(np.random.default_rng(0).permutation(ds.n_train)[:samples])
    return key.network(replace(ds, x_train=ds.x_train[rows], y_train=ds.y_train[rows]))


_RUNS: LRU[NetRun] = LRU(48)  # finished runs: a rerun with another chart option trains nothing


def every(steps: int, most: int = MAX_ROWS) -> int:
    """Steps between recorded rows of a run of ``steps`` steps that records at most about ``most`` rows."""
    return max(1, steps // most)


def rows(steps: int, most: int = MAX_ROWS) -> int:
    """Recorded rows of a run of ``steps`` steps (every ``every`` steps, and the last)."""
    return steps // every(steps, most) + 2


def estimate(f: Network, optimizers: int, batch: int | None, seeds: int, steps: int) -> float:
    """Estimated CPU seconds of the page's numeric work: every optimizer's training, the evaluation of its recorded
    rows on both splits (``simulate`` adds the training loss), the loss slice and the decision regions or the
    per-class table, in ``work_per_sample`` units (a CNN's convolutions cost more than its parameter count)."""
    ds, work = f.dataset, round(work_per_sample(f))
    samples = f.n_samples if batch is None else min(batch, f.n_samples)
    per_optimizer = budget.training_seconds(work, samples, seeds, steps) + budget.forward_seconds(
        work, 2 * ds.n_train + ds.n_test, seeds * rows(steps, max_rows(f))
    )
    resolution, sliced = slice_size(f)
    drawn = resolution**2 * sliced + optimizers * (REGION_GRID**2 if ds.box is not None else ds.n_test)
    return optimizers * per_optimizer + budget.forward_seconds(work, drawn, 1)


def plan(f: Network, optimizers: int, batch: int | None, seeds: int, steps: int) -> budget.NetworkPlan:
    """The seeds and steps that fit the network lab's limit (``budget.limit("network")``)."""
    return budget.fit_network(lambda s, t: estimate(f, optimizers, batch, s, t), seeds, steps, min_steps=MIN_STEPS)


def chunks(f: Network, batch: int | None, seeds: int, steps: int) -> list[int]:
    """Step counts of the chunks one optimizer trains in: about ``CHUNK_SECONDS`` each, multiples of ``every``."""
    per_step = estimate(f, 1, batch, seeds, steps) / max(steps, 1)
    k = every(steps, max_rows(f))
    size = max(k, int(CHUNK_SECONDS / max(per_step, 1e-12)) // k * k)
    out = [size] * (steps // size)
    return [*out, steps - sum(out)] if sum(out) < steps else out


def evaluate_rows(f: Network, points: np.ndarray) -> dict[str, np.ndarray]:
    """Loss and accuracy on both splits at each recorded row ``(R, seeds, D)``, one row at a time: a row's numbers
    then do not depend on how many rows are evaluated together (a batched reduction may differ in the last bit),
    so a run trained in chunks reads exactly as one trained at once."""
    rows = [f.evaluate(row) for row in points]
    fields = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")
    return {k: np.stack([getattr(r, k) for r in rows]) if rows else np.empty((0, points.shape[1])) for k in fields}


def net_run(parts: list[tuple[core.Trajectory, dict[str, np.ndarray]]]) -> NetRun:
    """One optimizer's ``NetRun`` from its chunks so far (each a trajectory and the evaluation of its new rows)."""
    run = join([p for p, _ev in parts])
    ev = {k: np.concatenate([e[k] for _p, e in parts]) for k in parts[0][1]}
    return NetRun(
        run.recorded_steps,
        ev["train_loss"],
        ev["test_loss"],
        ev["train_accuracy"],
        ev["test_accuracy"],
        run.points[:, 0],
        run.final,
        metrics.growth_diverged_at(ev["train_loss"], run),  # network_trials.diverged_at on the rows' own losses
    )


def train_chunks(run: Run, sizes: list[int]):
    """Train ``run``'s ``seeds`` networks (inits 0..seeds-1) chunk by chunk (``sizes`` steps each), yielding the
    ``NetRun`` so far after each chunk: one ``simulate`` continued from its checkpoint, so the end is one call's run."""
    key = _workload(run)
    f = problem(key)
    opt = core.get_optimizer(run.optimizer, **run.hp)
    start: Any = f.init(range(run.seeds))
    parts: list = []
    for size in sizes:
        part = core.simulate(
            f,
            opt,
            start,
            size,
            batch_size=key.batch_size,
            seed=0,
            record_every=every(run.steps, max_rows(f)),
            checkpoint=True,
        )
        new = part.points if not parts else part.points[1:]  # a continuation's first row is the last one's
        parts.append((part, evaluate_rows(f, new)))
        start = part.checkpoint
        yield net_run(parts)


def train(run: Run) -> NetRun:
    """``run``'s ``seeds`` networks trained together (cached; ``_train_all`` fills the cache chunk by chunk)."""
    found = _RUNS.get(run)
    if found is not None:
        return found
    [trained] = train_chunks(run, [run.steps])
    _RUNS.put(run, trained)
    return trained


def _workload(run: Run) -> Workload:
    """The network and data of a network-lab run."""
    if not isinstance(run.task, Workload):
        raise TypeError("a network-lab run trains a Workload")
    return run.task


def lab_runs(key: Workload, hps: Mapping[str, Mapping[str, Any]], steps: int, seeds: int) -> list[Run]:
    """One run per optimizer of ``hps`` (in its order): ``seeds`` networks of ``key`` trained for ``steps``."""
    return [Run(key, name, runs.freeze(dict(hp)), steps=steps, seeds=seeds) for name, hp in hps.items()]


def render() -> None:
    st.title(_("Network lab"))
    with page_state(PAGE) as ps:
        _body(ps)


def _body(ps: PageState) -> None:
    side = st.sidebar
    labels = {n: optimizer_name(n) for n in ALL_OPTIMIZERS}
    chosen = controls.multi(ps, "opts", _("Optimizers"), ALL_OPTIMIZERS, DEFAULT_OPTIMIZERS, labels=labels, where=side)
    side.header(_("Data and network"))
    data = controls.choice(
        ps,
        "data",
        _("Data set"),
        list(LAB_DATASETS),
        "moons",
        labels={k: i18n.dataset_name(k) for k in core.DATASETS},
        where=side,
        on_change=lambda: ps.new_landscape(always=("layers", "width", "act", "bs", "arch")),
    )
    base = default_workload(data)  # the practitioner's network and minibatch size for this data set
    samples, noise = TWO_D_SAMPLES, TWO_D_NOISE
    if data in TWO_D_DATASETS:
        samples = int(controls.choice(ps, "n", _("Samples (train + test)"), SAMPLES, str(TWO_D_SAMPLES), where=side))
        noise = controls.number(
            ps,
            "noise",
            _("Noise"),
            0.0,
            0.5,
            TWO_D_NOISE,
            where=side,
            help=_(NOISE_HELP[data]),
        )
    arch = architecture_control(ps, data, base.architecture, side)
    layers, width, activation = len(base.hidden), base.hidden[0], base.activation
    if arch == "mlp":  # logistic regression has no hidden layer, the CNN its own layers
        layers = controls.integer(ps, "layers", _("Hidden layers"), 1, 3, len(base.hidden), where=side)
        width = int(controls.choice(ps, "width", _("Units per hidden layer"), WIDTHS, str(base.hidden[0]), where=side))
        activation = controls.choice(ps, "act", _("Activation"), list(ACTIVATIONS), base.activation, where=side)
    side.header(_("Training"))
    wanted = {"steps": STEPS, "seeds": SEEDS, **DATA_DEFAULTS.get(data, {})}
    for name in wanted:  # a data set's own defaults: a new data set restarts them unless chosen
        ps.depends_on_landscape(name)
    steps = controls.integer(
        ps,
        "steps",
        _("Steps"),
        10,
        2000,
        wanted["steps"],
        where=side,
        help=_("Number of updates."),
        on_change=lambda: ps.mark_explicit("steps"),
    )
    batch_text = controls.choice(
        ps,
        "bs",
        _("Minibatch size"),
        BATCHES,
        "full" if base.batch_size is None else str(base.batch_size),
        labels={b: _(BATCH_LABELS.get(b, b)) for b in BATCHES},
        where=side,
        help=_("Samples per gradient; every optimizer and seed sees the same minibatches."),
    )
    seeds = controls.integer(
        ps,
        "seeds",
        _("Seeds (initialisations)"),
        1,
        16,
        wanted["seeds"],
        where=side,
        on_change=lambda: ps.mark_explicit("seeds"),
    )
    side.header(_("Loss landscape slice"))
    plane = controls.choice(
        ps, "plane", _("Directions"), list(PLANES), "pca", labels={k: _(v) for k, v in PLANES.items()}, where=side
    )
    centre = controls.choice(
        ps, "center", _("Through"), list(CENTRES), "init", labels={k: _(v) for k, v in CENTRES.items()}, where=side
    )
    side.header(_("Hyperparameters"))
    batch = None if batch_text == "full" else int(batch_text)
    key = lab_workload(data, arch, (width,) * layers, activation, batch, samples, noise)
    tuning = Tuning(ps, key, chosen, steps, batch, seeds)
    tuning.all_button(side)
    hps, starts = {}, {}
    for name in chosen:
        spec, prefix = core.get_spec(name), f"{name}."
        starts[name] = {**demo_hyperparameters(name), **NET_DEFAULTS.get(name, {})}
        box = controls.hyper_section(ps, spec, starts[name], side)
        tuning.button(name, box)
        hps[name] = controls.params(ps, spec.hypers, starts[name], prefix=prefix, where=box)

    f = problem(key)
    ds = f.dataset
    fitted = plan(f, max(len(chosen), 1), batch, seeds, steps)
    if fitted.fits:
        seeds, steps = fitted.seeds, fitted.steps  # what runs: the note below says what was cut
    st.markdown(
        _(
            "**{network}**: {description} {n_train} training and {n_test} test samples, "
            "{dim:,} parameters θ, cross-entropy loss. Every optimizer trains the same initialisations (seeds: "
            "{seeds}; drawn as torch's layers draw them by default), all at once. {network_only} apply to networks "
            "only; Muon trains the biases with AdamW."
        ).format(
            network=_(f.display_name),
            description=_(ds.description),
            n_train=ds.n_train,
            n_test=ds.n_test,
            dim=f.dim,
            seeds=seeds,
            network_only=i18n.join(optimizer_name(n) for n in core.NETWORK_OPTIMIZERS),
        )
        + (
            " "
            + _(
                "It trains the convolution kernels with AdamW too: torch.optim.Muon orthogonalises weight matrices "
                "only."
            )
            if arch == "cnn"
            else ""
        )
    )
    st.caption(defaults_sentence(data))
    if not chosen:
        st.info(_("Choose at least one optimizer in the sidebar."))
        return
    tuning.run(f, hps, starts, seeds, steps)
    tuned = tuning.notes()
    if tuned:
        st.success(
            "\n".join(f"- **{optimizer_name(n)}**: {text}" for n, text in tuned.items() if n in chosen),
            icon=":material/auto_fix_high:",
        )
    if not _budget_note(fitted):
        return
    specs = lab_runs(key, {n: hps[n] for n in chosen}, steps, seeds)
    results = _train_all(specs)
    if results:
        trained = tuple(run for run in specs if run.optimizer in results)
        _draw_figures(trained, plane, centre)
        _curves(ps, results, seeds)
        _table(results, labels)
        # The per-class table (a column per optimizer) needs more than half the width (issue 24).
        left, right = st.columns(2 if data in TWO_D_DATASETS else [2, 3], gap="medium")
        with left:
            _slice(trained, plane, centre)
        with right:
            if data in TWO_D_DATASETS:
                st.image(
                    regions_png(trained, i18n.language()),
                    caption=_(
                        "Decision regions of each optimizer's seed-0 network after training, with the training points"
                    ),
                    width="stretch",
                )
            else:
                _per_class(f, results)
        if data not in TWO_D_DATASETS:
            st.caption(_("Decision regions are drawn for the 2-D data sets only: these inputs have more dimensions."))
        if data in SIGNAL_DATASETS:
            _signals(ds)
            _paper_preset(ps, arch)
        figures = [
            (
                _("Loss slice (PNG)"),
                "network_loss_slice.png",
                lambda: slice_png(trained, plane, centre, i18n.language())[0],
            )
        ]
        if data in TWO_D_DATASETS:
            figures.append(
                (
                    _("Decision regions (PNG)"),
                    "network_decision_regions.png",
                    lambda: regions_png(trained, i18n.language()),
                )
            )
        network_exports(ps, trained, results, _(f.display_name), figures)


def _draw_figures(specs: tuple[Run, ...], plane: str, centre: str) -> None:
    """Compute the loss slice and the decision regions of the trained ``specs`` in the heavy-work slot, with a
    progress bar (they are cached, so the page's figures below only draw them)."""
    bar = st.progress(0.0, text=_("Cutting the loss slice…"))
    with work.heavy(bar, 0.0, _("Cutting the loss slice…")):
        slice_png(specs, plane, centre, i18n.language())
    if problem(_workload(specs[0])).dataset.box is not None:
        with work.heavy(bar, 0.8, _("Drawing the decision regions…")):
            regions_png(specs)
    bar.empty()


def defaults_sentence(data: str = TWO_D_DATASETS[0]) -> str:
    """Why the defaults are what they are (on a signal set such as MNIST-1D, why its view is short), and that they
    are untuned until the user tunes."""
    small = default_workload(TWO_D_DATASETS[0])
    large = [d for d in LAB_DATASETS if d not in TWO_D_DATASETS and d not in SIGNAL_DATASETS]
    big = default_workload(large[0]) if large else small
    general = _(
        "Defaults as a practitioner would train: on the 2-D sets a {small} {small_act} network, full batch "
        "(as TensorFlow Playground does); on {large} one hidden layer of {width} {big_act} units on minibatches of "
        "{batch} (as scikit-learn's MLPClassifier does), which also keeps this view within a few CPU-seconds. "
        "Every optimizer runs its untuned default setting, so this compares defaults until you press Tune."
    ).format(
        small="2-" + "-".join(map(str, small.hidden)) + "-2",
        small_act=small.activation,
        large=i18n.join(i18n.dataset_name(d) for d in large),
        width=big.hidden[0],
        big_act=big.activation,
        batch=big.batch_size,
    )
    if data not in SIGNAL_DATASETS:
        return general
    w, mine = default_workload(data), DATA_DEFAULTS.get(data, {})
    steps, seeds = mine.get("steps", STEPS), mine.get("seeds", SEEDS)
    cnn, mlp = problem(w), problem(big)
    signal = _(
        "On {data}, the paper's CNN on its minibatches of {batch}, but {steps} steps ({epochs:g} epochs) and {seeds} "
        "seed(s) instead of its {paper_steps} steps and {paper_seeds} seeds: a sample costs the CNN about {ratio:.0f}× "
        "what it costs the {big} network, and five optimizers must fit this view's limit of {limit:g} CPU-seconds. "
        "Its curves are evaluated every {every} steps; the preset below trains the paper's setting."
    ).format(
        data=i18n.dataset_name(data),
        batch=w.batch_size,
        steps=steps,
        epochs=steps * (w.batch_size or cnn.n_samples) / cnn.n_samples,
        seeds=seeds,
        paper_steps=paper.STEPS,
        paper_seeds=paper.SEEDS,
        ratio=work_per_sample(cnn) / work_per_sample(mlp),
        big=i18n.dataset_name(big.data),
        limit=budget.limit("network"),
        every=every(steps, max_rows(cnn)),
    )
    return f"{general} {signal}"


def _seconds(value: float) -> str:
    """An estimate of CPU seconds as a reader takes it: 10.4, 55, 4,678."""
    return f"{value:.1f}" if value < 20 else f"{value:,.0f}"


def _budget_note(fitted: budget.NetworkPlan) -> bool:
    """Say what the work budget cut or why it refused; False when nothing runs."""
    how = _(
        "To run it in full, run the app on your own machine with a higher limit "
        "(the environment variable `DESCENT_LAB_BUDGET_SCALE`, see the README)."
    )
    if not fitted.fits:
        st.error(
            _(
                "This comparison would take about {asked} CPU-seconds, more than this server's limit of "
                "{limit:g} CPU-seconds per view of the network lab, even with one seed and {steps} steps. "
                "Choose fewer optimizers, a smaller network or minibatches. {how}"
            ).format(asked=_seconds(fitted.asked_seconds), limit=fitted.limit, steps=fitted.steps, how=how),
            icon=":material/block:",
        )
        return False
    if fitted.reduced:
        cuts = []
        if fitted.seeds < fitted.asked_seeds:
            cuts.append(_("{fitted} of {seeds} seeds").format(fitted=fitted.seeds, seeds=fitted.asked_seeds))
        if fitted.steps < fitted.asked_steps:
            cuts.append(_("{fitted} steps instead of {steps}").format(fitted=fitted.steps, steps=fitted.asked_steps))
        st.info(
            _(
                "The full run would take about {asked} CPU-seconds; to stay within this server's limit of "
                "{limit:g} CPU-seconds per view of the network lab it runs {cuts}. {how}"
            ).format(asked=_seconds(fitted.asked_seconds), limit=fitted.limit, cuts=_(" and ").join(cuts), how=how),
            icon=":material/speed:",
        )
    return True


def _train_all(specs: list[Run]) -> dict[str, NetRun]:
    """Every chosen optimizer's runs, trained chunk by chunk in the shared heavy-work slot, with a progress bar that
    moves per optimizer and per chunk and the training-loss curves drawn as they grow.

    Each chunk is a stop point (Streamlit ends a script whose session closed or reran at its next ``st`` call),
    so abandoned work ends within about ``CHUNK_SECONDS``."""
    if not specs:
        return {}
    key, steps, seeds = _workload(specs[0]), specs[0].steps, specs[0].seeds
    f = problem(key)
    bar = st.progress(0.0, text=_("Training…"))
    live = st.empty()
    sizes = chunks(f, key.batch_size, seeds, steps)
    out: dict[str, NetRun] = {}
    for i, spec in enumerate(specs):
        name = spec.optimizer
        label = optimizer_name(name)
        found = _RUNS.get(spec)
        if found is not None:
            out[name] = found
            continue
        try:
            core.get_optimizer(name, **spec.hp)
        except ValueError as err:
            st.error(f"{label}: {plain(error_text(err), 300)}", icon=":material/block:")
            continue
        text = _("Training {seeds} networks with {optimizer}…").format(seeds=seeds, optimizer=label)
        done, chunk_runs = 0, train_chunks(spec, sizes)
        run = None
        for size in sizes:
            with work.heavy(bar, (i + done / steps) / len(specs), text):
                try:
                    run = next(chunk_runs)
                except ValueError as err:  # a setting the core refuses only once training starts
                    st.error(f"{label}: {plain(error_text(err), 300)}", icon=":material/block:")
                    break
            done += size
            bar.progress((i + done / steps) / len(specs), text=text)
            with live.container():
                over = (
                    _("median and 10–90 % band over {seeds} seeds").format(seeds=seeds) if seeds > 1 else _("one seed")
                )
                charts.band(
                    band_frame({**out, name: run}, "train_loss"),
                    _("Training loss ({over})").format(over=over),
                    _("cross-entropy"),
                ).show(st)
        if run is None or done < steps:
            continue
        _RUNS.put(spec, run)
        out[name] = run
    live.empty()
    bar.empty()
    for name, r in out.items():
        bad = int((r.diverged_at >= 0).sum())
        if bad:
            st.error(
                _(
                    "{optimizer}: {bad} of {seeds} runs diverged (first at step {step}). Try a smaller learning rate."
                ).format(
                    optimizer=optimizer_name(name),
                    bad=bad,
                    seeds=seeds,
                    step=int(r.diverged_at[r.diverged_at >= 0].min()),
                ),
                icon=":material/warning:",
            )
    return out


def band_frame(results: dict[str, NetRun], field: str) -> pd.DataFrame:
    """Median and 10–90 % band over seeds of ``field`` at every recorded step, per optimizer."""
    frames = []
    for name, r in results.items():
        v = getattr(r, field)
        with np.errstate(all="ignore"):
            v = np.where(np.isfinite(v), v, np.nan)
            lo, med, hi = metrics.nan_percentiles(v, (10, 50, 90))
        frames.append(pd.DataFrame({"step": r.steps, "series": name, "median": med, "lo": lo, "hi": hi}))
    return pd.concat(frames, ignore_index=True).dropna()


def _curves(ps: PageState, results: dict[str, NetRun], seeds: int) -> None:
    """Loss and accuracy, each a tab of training and test curves; only the open tab is drawn."""
    over = _("median and 10–90 % band over {seeds} seeds").format(seeds=seeds) if seeds > 1 else _("one seed")
    loss_tab, accuracy_tab = layout.tabs_on_demand(
        [_("Loss"), _("Accuracy")], ps.key("curves"), ps, ["loss", "accuracy"]
    )
    if loss_tab is not None:
        with loss_tab:
            left, right = present.figure().columns(2, gap="medium")
            loss = _("cross-entropy")
            charts.band(band_frame(results, "train_loss"), _("Training loss ({over})").format(over=over), loss).show(
                left
            )
            charts.band(band_frame(results, "test_loss"), _("Test loss ({over})").format(over=over), loss).show(right)
    if accuracy_tab is not None:
        with accuracy_tab:
            left, right = st.columns(2, gap="medium")
            accuracy = _("accuracy")
            charts.band(band_frame(results, "train_accuracy"), _("Training accuracy"), accuracy, log=False).show(left)
            charts.band(band_frame(results, "test_accuracy"), _("Test accuracy"), accuracy, log=False).show(right)


def _table(results: dict[str, NetRun], labels: dict[str, str]) -> None:
    rows = []
    for name, r in results.items():
        with np.errstate(all="ignore"):
            rows.append(
                {
                    _("optimizer"): labels[name],
                    _("train loss"): float(np.nanmedian(r.train_loss[-1])),
                    _("test loss"): float(np.nanmedian(r.test_loss[-1])),
                    _("train accuracy"): float(np.nanmedian(r.train_accuracy[-1])),
                    _("test accuracy"): float(np.nanmedian(r.test_accuracy[-1])),
                    _("diverged runs"): int((r.diverged_at >= 0).sum()),
                }
            )
    layout.markdown_table(pd.DataFrame(rows), {c: "{:.3f}" for c in (_("train accuracy"), _("test accuracy"))})


def _slice(specs: tuple[Run, ...], plane: str, centre: str) -> None:
    """The loss slice through the trained ``specs``' networks, with what it shows and how it was cut."""
    png, explained = slice_png(specs, plane, centre, i18n.language())
    st.image(
        png,
        width="stretch",
        caption=_(
            "Training loss on one plane through {centre} spanned by the {plane}, "
            "with every optimizer's seed-0 path projected onto it (start ○, end ✕)."
        ).format(centre=_(CENTRES[centre]), plane=_(PLANES[plane])),
    )
    st.caption(
        _("Share of each path's variance inside the plane: {shares}").format(
            shares=i18n.join(f"{optimizer_name(n)} {e:.0%}" for n, e in explained if np.isfinite(e))
        )
    )
    f = problem(_workload(specs[0]))
    resolution, samples = slice_size(f)
    if samples < f.dataset.n_train:
        st.caption(
            _(
                "This network's slice on all {total} training samples would take about {seconds} CPU-seconds, so it "
                "is cut on a seeded subset of {samples} of them, at {resolution} × {resolution} points: its shape, "
                "not its exact height."
            ).format(
                total=f.dataset.n_train,
                seconds=_seconds(
                    budget.forward_seconds(round(work_per_sample(f)), SLICE_RESOLUTION**2 * f.dataset.n_train, 1)
                ),
                samples=samples,
                resolution=resolution,
            )
        )


@st.cache_data(max_entries=24, ttl=3600, show_spinner=False)
def slice_png(specs: tuple[Run, ...], plane: str, centre: str, lang: str = "en") -> tuple[bytes, tuple]:
    """PNG of the shared loss slice with every run's seed-0 path, and each path's explained variance (labels in
    ``lang``)."""
    key = _workload(specs[0])
    f = slice_problem(key)
    resolution, _samples = slice_size(problem(key))
    paths = [train(run).path for run in specs]
    names = [run.optimizer for run in specs]
    s = landscape.loss_slice(f, paths, method=plane, center=centre, resolution=resolution)
    fig = Figure(figsize=(5.6, 4.6), dpi=plots.DPI)
    fig.patch.set_alpha(0.0)
    ax = fig.add_axes((0.12, 0.11, 0.7, 0.83))
    with np.errstate(all="ignore"):
        shade = np.log10(np.where(np.isfinite(s.values), s.values, np.nan))
    finite = shade[np.isfinite(shade)]
    if finite.size:
        lo, hi = np.percentile(finite, [0.5, 99.5])
        levels = np.linspace(lo, hi if hi > lo else lo + 1, 22)
        cs = ax.contourf(s.alpha, s.beta, np.clip(shade, lo, hi), levels=levels, cmap=CMAP)
        ax.contour(s.alpha, s.beta, shade, levels=levels[::2], colors="white", linewidths=0.4, alpha=0.45)
        cb = fig.colorbar(cs, cax=fig.add_axes((0.85, 0.11, 0.025, 0.83)))
        cb.set_label(figure_text(N_("training loss (log10)")), color=INK, fontsize=8)
        cb.ax.tick_params(colors=INK, labelsize=7)
        cb.outline.set_edgecolor(INK)
    for name, path, explained in zip(names, s.paths, s.explained, strict=False):
        if len(path):
            c = color(name)
            ax.plot(
                path[:, 0],
                path[:, 1],
                linestyle=linestyle(name),
                color=c,
                lw=1.8,
                zorder=3,
                label=f"{plots.figure_name(name)} ({explained:.0%})",
            )
            ax.plot(*path[0], "o", ms=7, color="white", mec=c, mew=2, zorder=4)
            ax.plot(*path[-1], "X", ms=9, color=c, mec="white", mew=0.8, zorder=4)
    ax.set_xlim(s.alpha[0], s.alpha[-1])
    ax.set_ylim(s.beta[0], s.beta[-1])
    ax.set_xlabel(figure_text(N_("direction 1")))
    ax.set_ylabel(figure_text(N_("direction 2")))
    plots.style_axes(ax, fig)
    if names:
        ax.legend(loc="upper right", fontsize=7, framealpha=0.85).get_frame().set_edgecolor(INK)
    return plots.to_png(fig), tuple((n, e) for n, e in zip(names, s.explained, strict=False))


@st.cache_data(max_entries=24, ttl=3600, show_spinner=False)
def regions_png(specs: tuple[Run, ...], lang: str = "en") -> bytes:
    """PNG of the decision regions of each run's trained seed-0 network on a 2-D data set (titles in ``lang``)."""
    names = [run.optimizer for run in specs]
    f = problem(_workload(specs[0]))
    ds = f.dataset
    assert ds.box is not None  # decision regions are drawn for 2-D data sets only
    xmin, xmax, ymin, ymax = ds.box
    xs, ys = np.linspace(xmin, xmax, REGION_GRID), np.linspace(ymin, ymax, REGION_GRID)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    finals = np.stack([train(run).final[0] for run in specs])
    with np.errstate(all="ignore"):
        predicted = f.predict(finals, grid).reshape(len(names), REGION_GRID, REGION_GRID)
    cols = min(3, len(names))
    rows = -(-len(names) // cols)
    fig = Figure(figsize=(2.2 * cols, 2.3 * rows), dpi=plots.DPI)
    fig.patch.set_alpha(0.0)
    cmap = ListedColormap(CLASS_COLORS)
    for i, name in enumerate(names):
        ax = fig.add_subplot(rows, cols, i + 1)
        ax.imshow(
            predicted[i],
            origin="lower",
            extent=ds.box,
            cmap=cmap,
            alpha=0.35,
            vmin=0,
            vmax=1,
            interpolation="nearest",
            aspect="auto",
        )
        ax.scatter(ds.x_train[:, 0], ds.x_train[:, 1], c=[CLASS_COLORS[y] for y in ds.y_train], s=5, lw=0)
        ax.set_title(plots.figure_name(name), color=color(name), fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_edgecolor(color(name))
            spine.set_linewidth(2)
    fig.tight_layout(pad=0.4)
    return plots.to_png(fig)


def _per_class(f: Network, results: dict[str, NetRun]) -> None:
    """For the digits and MNIST-1D: test accuracy per class for each optimizer's seed-0 network (``ui.classes``)."""
    columns = class_columns(f, {optimizer_name(n): r.final[0] for n, r in results.items()})
    show_class_table(columns, _("**Test accuracy per class** (seed 0)"))


def _signals(ds: core.Dataset) -> None:
    """MNIST-1D's inputs: a few training signals of every class (they are not images)."""
    charts.signals(
        ds.x_train,
        ds.y_train,
        SIGNALS_PER_CLASS,
        _("What the networks see: {n} training signals of every class").format(n=SIGNALS_PER_CLASS),
        _("sample"),
        height=380,
    ).show(st)


def architecture_control(ps: PageState, data: str, default: str, where: Any) -> str:
    """The architecture of the network (URL ``arch``): only those ``architectures(data)`` allows, the CNN for
    signals. Shared by the network lab and the Fair race."""
    offered = list(architectures(data))
    return controls.choice(
        ps,
        "arch",
        _("Architecture"),
        offered,
        default if default in offered else offered[0],
        labels={a: _(ARCHITECTURE_NAMES[a]) for a in offered},
        where=where,
        help=_("The CNN (three convolutions of 25 channels, as the MNIST-1D paper's) is offered for signals."),
    )


def _paper_preset(ps: PageState, arch: str) -> None:
    """MNIST-1D's "Reproduce the paper" preset for this architecture: the paper's setting, cut to the preset's cap,
    trained and shown by ``ui.mnist1d.live_preset`` (the Reproduce MNIST-1D page's own run, for one model)."""
    with layout.on_demand(
        _("Reproduce the paper: {model} as Greydanus & Kobak train it").format(model=mnist1d.model_name(arch)),
        ps.key("paper"),
        ":material/science:",
        ps=ps,
    ) as shown:
        if not shown:
            return
        st.markdown(
            _(
                "The paper's setting for this architecture: Adam, lr {lr:g}, minibatches of {batch} taken in order, "
                "{steps} steps, {seeds} seeds; its MLP is two residual ReLU layers of 100, whatever the hidden "
                "layers chosen above. The paper's test accuracy and the app's committed full run are beside this "
                "run's. The three models side by side: "
            ).format(lr=paper.LR, batch=paper.BATCH, steps=paper.STEPS, seeds=paper.SEEDS)
        )
        st.page_link("pages/mnist1d.py", label=_("Reproduce MNIST-1D"), icon=":material/open_in_new:")
        mnist1d.live_preset((arch,), paper.STEPS, paper.SEEDS, ps.key("paper_run"))
