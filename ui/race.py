"""The Fair race page: every optimizer tuned with the same budget, then compared over starts, seeds and landscapes.

A comparison at one learning rate and one start mostly shows whose default suited the
landscape. Here each optimizer first gets the same number of tuning trials (``core.tune``),
then its tuned setting is judged over random starts and noise seeds, by steps to a target,
and across several landscapes with a performance profile (Dolan & Moré 2002; AlgoPerf).
The workload can also be networks (``core.workloads``): the runs are seeded initialisations,
judged on the held-out test split, and the network-only optimizers join the race.
"""

from __future__ import annotations

import functools
import math
from typing import Any, NamedTuple

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

import core
from core import budget
from core.datasets import TWO_D_DATASETS
from core.lru import LRU
from core.network import ACTIVATIONS
from core.network_trials import recorded_rows
from core.run import Landscape, Run
from core.simulate import Pulse
from core.tune import FLOOR, MISSED, SCORES, evaluate, performance_profile, search_space, starts, survival
from core.workloads import SIGNAL_DATASETS, TWO_D_SAMPLES, Workload, default_workload

from . import charts, controls, layout, plots, present, problem, work
from .i18n import N_, _, dataset_name, error_text, join, optimizer_name
from .network import architecture_control
from .network_tune import trial_seconds
from .state import PageState, page_state
from .text import plain
from .theme import color, dash
from .tune import page_values, tune_button

PAGE = "race"
PROFILE_DEFAULT = ["quadratic", "conditioned_quadratic", "rosenbrock", "beale", "himmelblau", "six_hump_camel"]
MAX_WORK = 3_000_000  # run-steps per batched call (trials × starts × seeds × steps): about 100 MB of points
WORKLOADS = {"land": N_("Landscapes"), "net": N_("Networks")}
LAND_OPTIMIZERS = ["gd", "momentum", "rmsprop", "adam"]
# On networks the two network-only optimizers race a plain, a heavy-ball and an adaptive one.
NET_OPTIMIZERS = ["gd", "momentum", "adam", *core.NETWORK_OPTIMIZERS]
NET_PROFILE_DEFAULT: list[str] = [d for d in ("moons", "spiral", "digits") if d in core.DATASETS]
# Defaults that differ by workload: a network race runs longer trials, so it gets fewer of them.
STEPS = {"land": 100, "net": 300}
BUDGET = {"land": 64, "net": 16}
WIDTHS = ["4", "8", "16", "32", "64", "128"]
BATCHES = ["full", "16", "32", "64", "100", "128", "256"]
# Race defaults that differ by data set: MNIST-1D's CNN costs about 2 ms per step of one network and about
# 0.07 s per run to score (the training loss that the divergence rule reads, and the test split, at the
# start and the end), so its default race is tiny (four optimizers, few trials and steps, one seed, scored
# by the final test loss, which needs no test curve, and a profile over MNIST-1D alone) to keep the default
# view within the network cap (``python -m benchmarks.tune_bench --mnist1d``); raise them for a real race.
DATA_DEFAULTS: dict[str, dict[str, Any]] = {
    "mnist1d": {
        "opts": ["gd", "momentum", "adam", "muon"],
        "steps": 20,
        "budget": 8,
        "inits": 1,
        "score": "final",
        "nets": ["mnist1d"],
    }
}
SCORE_LABELS = {"final": N_("final f − f*"), "steps": N_("steps to target"), "auc": N_("area under log f − f*")}
NET_SCORE_LABELS = {"final": N_("final test loss"), "steps": N_("steps to target"), "auc": N_("mean test loss")}
# ``core.tune.SCORES``'s descriptions, marked here for translation where they are shown.
SCORE_NAMES = {
    "final": N_("final f − f*"),
    "steps": N_("steps to reach f − f* ≤ target"),
    "auc": N_("area under the log loss curve (geometric mean of f − f*)"),
}


# What the scores mean on a network (``core.network_trials``).
NET_SCORE_NAMES = {
    "final": N_("final test loss"),
    "steps": N_("steps to reach test accuracy ≥ target"),
    "auc": N_("mean test loss over the steps"),
}


def score_name(score: str, network: bool = False) -> str:
    """``core.tune.SCORES[score]`` (or what it means on a network) in the current language."""
    if network:
        return _(NET_SCORE_NAMES[score])
    return _(SCORE_NAMES.get(score, SCORES[score]))


def score_label(race: Race) -> str:
    """The short name of the race's score, for axes and table headers."""
    return _((NET_SCORE_LABELS if race.network else SCORE_LABELS)[race.score])


def target_text(race: Race) -> str:
    """The target as a condition: ``f − f* ≤ 0.001`` or ``test accuracy ≥ 0.9``."""
    if race.network:
        return _("test accuracy ≥ {target:g}").format(target=race.target)
    return f"f − f* ≤ {race.target:g}"


class Race(NamedTuple):
    """The settings every optimizer is tuned and judged with (hashable, for the cache)."""

    budget: int
    steps: int
    score: str
    starts: int
    seeds: int
    noise: float
    seed: int
    target: float
    network: bool = False  # seeds are then initialisations and the target a test accuracy

    def judged(self) -> dict[str, Any]:
        """How every run is judged, as ``core.tune`` and ``evaluate`` take it (steps and starts are given apart)."""
        return {"score": self.score, "seeds": self.seeds, "noise": self.noise, "seed": self.seed, "target": self.target}


class Entry(NamedTuple):
    """One optimizer's race on one workload: the search, and its tuned setting run from every start and seed."""

    result: core.TuneResult
    scores: np.ndarray  # per run
    reached: np.ndarray  # per run: first step at the target, −1 never
    path: np.ndarray | None  # on a landscape, from its own start, first seed: (steps + 1, d)
    accuracy: np.ndarray | None = None  # on a network, the median test accuracy over the seeds at every step


Key = Any  # a core.run.Task: a landscape, a formula or a network workload


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False)
def race_entry(key: problem.Surface, name: str, race: Race) -> Entry:
    """Tune ``name`` on landscape ``key``, then evaluate the tuned setting (cached)."""
    f = problem.objective(key)
    x0 = starts(f, race.starts, race.seed)
    result = core.tune(f, name, budget=race.budget, steps=race.steps, x0=x0, **race.judged())
    ev = evaluate(f, name, result.best, steps=race.steps, x0=x0, **race.judged())
    assert ev.trajectory is not None  # a landscape's runs
    return Entry(result, ev.scores.ravel(), ev.reached_at.ravel(), ev.trajectory.points[:, 0, 0])


@st.cache_resource(max_entries=16, show_spinner=False)
def network(workload: Workload) -> Any:
    """The network objective of ``workload``, a ``core.MLP`` or ``core.CNN`` (shared: read-only data and per-thread
    scratch; typed ``Any`` as ``core.tune`` names only the MLP among networks)."""
    return workload.network()


_NETWORK_ENTRIES: LRU[Entry] = LRU(256)  # not st.cache_data: its stop points would be recorded for replay


def network_entry(workload: Workload, name: str, race: Race, pulse: Pulse | None = None) -> Entry:
    """Tune ``name`` on a network workload, then run the tuned setting from every seeded initialisation (cached).

    Such a job can take most of the race's limit, so its training reaches ``pulse`` (a stop point) every few steps:
    a closed tab ends it then, not at its end."""
    key = (workload, name, race)
    found = _NETWORK_ENTRIES.get(key)
    if found is not None:
        return found
    net = network(workload)
    judged = {**race.judged(), "steps": race.steps, "batch_size": workload.batch_size, "pulse": pulse}
    result = core.tune(net, name, budget=race.budget, **judged)
    ev = evaluate(net, name, result.best, **judged)
    assert ev.steps is not None and ev.curves is not None  # a network's runs
    median = np.median(ev.curves["test_accuracy"], axis=1)
    accuracy = np.interp(np.arange(race.steps + 1), ev.steps, median)  # drawn over steps, as the other curves
    out = Entry(result, ev.scores.ravel(), ev.reached_at.ravel(), None, accuracy)
    _NETWORK_ENTRIES.put(key, out)
    return out


def entry(key: Key, name: str, race: Race, pulse: Pulse | None = None) -> Entry:
    """The race of ``name`` on a landscape or a network workload (a landscape's job is short: no stop points)."""
    return network_entry(key, name, race, pulse) if race.network else race_entry(key, name, race)


def workload_name(key: Key, is_net: bool) -> str:
    """How the page names a workload: the landscape, or the network and its data set."""
    if not is_net:
        return layout.landscape_name(problem.objective(key))
    feed = _("full batch") if key.batch_size is None else _("minibatches of {n}").format(n=key.batch_size)
    data = dataset_name(key.data)
    if key.architecture == "cnn":
        net = network(key)
        return _("{layers}-layer {activation} CNN ({channels} channels) on {data}, {feed}").format(
            layers=len(net.channels),
            activation=net.activation,
            channels="-".join(map(str, net.channels)),
            data=data,
            feed=feed,
        )
    if key.architecture == "logistic":
        return _("Logistic regression on {data}, {feed}").format(data=data, feed=feed)
    sizes = "-".join(map(str, network(key).sizes))
    return _("{sizes} {activation} network on {data}, {feed}").format(
        sizes=sizes, activation=key.activation, data=data, feed=feed
    )


def profile_key(name: str) -> problem.Surface:
    """A built-in landscape with its parameters (if any) at their defaults."""
    return Landscape.of(name)


def render() -> None:
    st.title(_("Fair race"))
    st.markdown(
        _(
            "Every optimizer first gets **the same tuning budget**: quasi-random trials of its learning rate "
            "and its other tunable hyperparameters (momentum, β₁, α, ρ), all run in a few batched calls. "
            "Its best setting is then run from random starts and noise seeds, timed to a target, and "
            "raced on several landscapes — the protocol of optimizer benchmarks such as DeepOBS and AlgoPerf. "
            "Choose networks as the workload to race on small classifiers instead."
        )
    )
    with page_state(PAGE) as ps:
        _body(ps)


def _body(ps: PageState) -> None:
    side = st.sidebar
    kind = controls.choice(
        ps,
        "work",
        _("Workload"),
        list(WORKLOADS),
        "land",
        labels={k: _(v) for k, v in WORKLOADS.items()},
        where=side,
        on_change=lambda: _new_workload(ps),
        help=_("Landscapes: 2-D test functions. Networks: small classifiers judged on their held-out test split."),
    )
    net = kind == "net"
    names = offered(net)
    labels = {n: optimizer_name(n) for n in names}
    default = network_optimizers(ps.get("data", st.query_params.get("data"))) if net else LAND_OPTIMIZERS
    chosen = controls.multi(ps, "opts", _("Optimizers"), names, default, labels=labels, where=side)
    if net:
        side.header(_("Data and network"))
        key: Key = _workload_settings(ps, side)
        race = _race_settings(ps, side, data=key.data)
        profile_keys = [key if d == key.data else default_workload(d) for d in _network_profile(ps, side, key.data)]
        st.markdown(workload_sentence(race))
    else:
        side.header(_("Landscape"))
        picked = controls.landscape(ps, where=side)
        if picked is None:
            return
        key, f = picked
        race = _race_settings(ps, side)
        profile_keys = [profile_key(p) for p in _landscape_profile(ps, side)]
    if not chosen:
        st.info(_("Choose at least one optimizer in the sidebar."))
        return
    if not _affordable(race):
        return
    raced = _within_limit(key, chosen, profile_keys, race)
    if raced is None:
        return
    profile_keys = [k for k in profile_keys if k in raced]

    entries = _run_all(raced, chosen, race)
    here = {n: entries[(key, n)] for n in chosen}
    st.subheader(_("Tuned on {landscape}").format(landscape=workload_name(key, net)))
    _table(here, race, labels)
    if isinstance(key, Landscape):
        _open_links(key, here, race, labels)
    left, right = st.columns([3, 2], gap="medium")
    with left, present.figure():
        if net:
            _accuracy(here, race, labels)
        else:
            st.image(
                plots.contour_png(key, tuple((n, e.path) for n, e in here.items() if e.path is not None)),
                width="stretch",
                caption=_("Tuned paths from the landscape's own start (first noise seed): start ○, end ✕, minima ★"),
            )
    with right:
        _distribution(here, race, labels)
    views = (
        lambda: _survival(here, race, labels),
        lambda: _sensitivity(here, race, labels),
        lambda: _profile({k: {n: entries[(k, n)] for n in chosen} for k in profile_keys}, race, labels),
    )
    titles = [_("Runs reaching the target"), _("Sensitivity to the lr"), _("Performance profile")]
    tabs = layout.tabs_on_demand(titles, ps.key("view"), ps, ["reached", "lr", "profile"])
    for tab, view in zip(tabs, views, strict=True):
        if tab is not None:
            with tab:
                view()
    if not net:
        _beat_the_tuner(ps, key, f, chosen, race, labels)


def offered(network: bool) -> list[str]:
    """The optimizers a race offers: the network-only ones (Muon, Adafactor) only on networks."""
    return [*core.OPTIMIZERS, *core.NETWORK_OPTIMIZERS] if network else list(core.OPTIMIZERS)


def _new_workload(ps: PageState) -> None:
    """On a change of workload (a callback): keep the chosen optimizers the new workload offers, and restart
    the settings whose defaults differ by workload (steps, budget) unless the link set them."""
    allowed = offered(ps.get("work") == "net")
    kept = [n for n in ps.get("opts", []) if n in allowed]
    ps.set("opts", kept or (NET_OPTIMIZERS if ps.get("work") == "net" else LAND_OPTIMIZERS))
    ps.new_landscape(always=("steps", "budget"))


def network_optimizers(data: str | None) -> list[str]:
    """The optimizers of a network race by default: the data set's own (``DATA_DEFAULTS``) or ``NET_OPTIMIZERS``."""
    return list(DATA_DEFAULTS.get(data or "", {}).get("opts", NET_OPTIMIZERS))


def _new_data(ps: PageState, before: str | None) -> None:
    """On a change of data set (a callback): the settings whose defaults depend on it restart from the new set's,
    the chosen optimizers too when the old or the new set has its own default list."""
    always = ["layers", "width", "act", "bs", "arch", "steps", "budget", "inits", "score", "nets"]
    if network_optimizers(before) != network_optimizers(ps.get("data")):
        always.append("opts")
    ps.new_landscape(always=tuple(always))


def _workload_settings(ps: PageState, side) -> Workload:
    """The data set and its network: shape and minibatch start from the data set's practitioner default."""
    before = ps.get("data")
    data = controls.choice(
        ps,
        "data",
        _("Data set"),
        list(core.DATASETS),
        "moons",
        labels={k: dataset_name(k) for k in core.DATASETS},
        where=side,
        on_change=lambda: _new_data(ps, before),
    )
    base = default_workload(data)
    arch = architecture_control(ps, data, base.architecture, side)
    layers, width, activation = len(base.hidden), str(base.hidden[0]), base.activation
    if arch == "mlp":
        layers = controls.integer(ps, "layers", _("Hidden layers"), 1, 3, layers, where=side)
        width = controls.choice(ps, "width", _("Units per hidden layer"), WIDTHS, width, where=side)
        activation = controls.choice(ps, "act", _("Activation"), list(ACTIVATIONS), activation, where=side)
    batch = controls.choice(
        ps,
        "bs",
        _("Minibatch size"),
        BATCHES,
        "full" if base.batch_size is None else str(base.batch_size),
        labels={"full": _("full")},
        where=side,
        help=_("Samples per gradient; every optimizer and trial sees the same minibatches of a seed."),
    )
    return Workload(data, (int(width),) * layers, activation, None if batch == "full" else int(batch), arch)


def workload_sentence(race: Race) -> str:
    """One sentence on the network workloads' defaults and how their runs are judged."""
    small = default_workload(TWO_D_DATASETS[0])
    large = [d for d in core.DATASETS if d not in TWO_D_DATASETS and d not in SIGNAL_DATASETS]
    big = default_workload(large[0]) if large else small
    text = _(
        "Defaults as a practitioner would train them: on the 2-D sets ({n} points), a {small} {small_act} network, "
        "full batch; on {large}, one hidden layer of {width} {big_act} units, minibatches of {batch}. Each trial "
        "trains the same {seeds} seeded initialisation(s) and is judged on the held-out test split."
    ).format(
        n=TWO_D_SAMPLES,
        small="2-" + "-".join(map(str, small.hidden)) + "-2",
        small_act=small.activation,
        large=join(dataset_name(d) for d in large),
        width=big.hidden[0],
        big_act=big.activation,
        batch=big.batch_size,
        seeds=race.seeds,
    )
    signals = [d for d in core.DATASETS if d in SIGNAL_DATASETS]
    if not signals:
        return text
    more = _(
        "On {signals}, the CNN of the MNIST-1D paper on minibatches of {batch}, in a smaller race by default "
        "(a step costs far more)."
    ).format(signals=join(dataset_name(d) for d in signals), batch=default_workload(signals[0]).batch_size)
    return f"{text} {more}"


def _landscape_profile(ps: PageState, side) -> list[str]:
    known = [n for n in core.list_functions() if math.isfinite(core.get_function(n).min_value)]
    box = controls.section(ps, "profile", _("Performance profile"), {"probs": ",".join(PROFILE_DEFAULT)}, side)
    return controls.multi(
        ps,
        "probs",
        _("Landscapes"),
        known,
        PROFILE_DEFAULT,
        labels={n: layout.function_name(core.get_function(n)) for n in known},
        where=box,
    )


def _network_profile(ps: PageState, side, data: str) -> list[str]:
    """The data sets of the network profile, each at its practitioner default (the raced one as set above)."""
    default = DATA_DEFAULTS.get(data, {}).get("nets", NET_PROFILE_DEFAULT)
    box = controls.section(ps, "nprofile", _("Performance profile"), {"nets": ",".join(default)}, side)
    return controls.multi(
        ps,
        "nets",
        _("Data sets"),
        list(core.DATASETS),
        default,
        labels={k: dataset_name(k) for k in core.DATASETS},
        where=box,
    )


def _affordable(race: Race) -> bool:
    """False, with a message, when one optimizer's race on landscapes would hold more runs in memory than this server
    allows. (A network's trials are held in chunks by ``core.network_trials``; its CPU is planned by ``plan``.)"""
    work = math.ceil(race.budget / 2) * race.starts * race.seeds * (race.steps + 1)  # the global round's batch
    if race.network or work <= MAX_WORK:
        return True
    st.error(
        _(
            "That is {work:,} run-steps per batch, more than this server holds in memory at once ({limit:,}): "
            "lower the budget, the starts, the noise seeds or the steps."
        ).format(work=work, limit=MAX_WORK),
        icon=":material/block:",
    )
    return False


def _race_settings(ps: PageState, side, data: str | None = None) -> Race:
    """The sidebar's tuning and judging settings (on networks, for data set ``data``: seeds are initialisations, the
    target an accuracy; ``DATA_DEFAULTS`` may start a data set's race smaller)."""
    network = data is not None
    kind = "net" if network else "land"
    own = DATA_DEFAULTS.get(data or "", {})
    steps = controls.steps_picker(ps, default=own.get("steps", STEPS[kind]), where=side)
    side.header(_("Tuning"))
    score = controls.choice(
        ps,
        "score",
        _("Score (lower is better)"),
        list(SCORES),
        own.get("score", "steps"),
        labels={k: score_name(k, network) for k in SCORES},
        where=side,
        help=_(
            "What a trial is judged by, averaged over its runs; a trial with a diverged run "
            "scores worst. Steps: a run that never reaches the target counts {missed} × steps."
        ).format(missed=MISSED),
    )
    budget = controls.integer(
        ps,
        "budget",
        _("Budget (trials per optimizer)"),
        8,
        128,
        own.get("budget", BUDGET[kind]),
        where=side,
        help=_(
            "Half on a Halton sequence over the whole search space, the rest in three "
            "rounds that zoom in on the best trial so far."
        ),
    )
    if network:
        accuracy = controls.number(
            ps,
            "acc",
            _("Target test accuracy"),
            0.5,
            1.0,
            0.9,
            where=side,
            help=_("For steps-to-target and the survival curves: the share of test samples classified right."),
        )
        box = controls.section(ps, "spread", _("Seeds"), {"inits": own.get("inits", 2), "seed": 0}, side)
        inits = controls.integer(
            ps,
            "inits",
            _("Seeds (initialisations)"),
            1,
            8,
            own.get("inits", 2),
            where=box,
            help=_("Every trial trains these seeded initialisations, each on its own minibatch order."),
        )
        seed = controls.integer(
            ps, "seed", _("Seed"), 0, 999, 0, where=box, help=_("Seeds the minibatch order and the search.")
        )
        return Race(budget, steps, score, 1, inits, 0.0, seed, accuracy, network=True)
    target = controls.number(
        ps,
        "target",
        _("Target f − f*"),
        1e-8,
        1.0,
        1e-3,
        log=True,
        where=side,
        help=_("For steps-to-target and the survival curves."),
    )
    box = controls.section(ps, "spread", _("Starts and noise"), {"starts": 4, "noise": 0.0, "seed": 0}, side)
    count = controls.integer(
        ps,
        "starts",
        _("Starts"),
        1,
        16,
        4,
        where=box,
        help=_("The landscape's own start plus random starts in its box (seeded)."),
    )
    noise = controls.number(
        ps, "noise", _("noise σ"), 0.0, 5.0, 0.0, where=box, help=_("Gaussian noise added to every gradient.")
    )
    seeds = controls.integer(ps, "seeds", _("Noise seeds per start"), 1, 8, 3, where=box) if noise > 0 else 1
    seed = controls.integer(
        ps, "seed", _("Seed"), 0, 999, 0, where=box, help=_("Seeds the random starts, the noise and the search.")
    )
    return Race(budget, steps, score, count, seeds, noise, seed, target)


def job_seconds(key: Key, name: str, race: Race) -> float:
    """Estimated CPU-seconds of one optimizer's race on one workload (its tuning, then its tuned setting's runs)."""
    if not race.network:
        c = budget.cost(problem.objective(key))
        return budget.tune_seconds(c, race.budget, race.starts * race.seeds, race.steps)
    trials = race.budget + 3  # the page's and torch's defaults join the search, and the evaluation is one more
    rows = recorded_rows(race.steps, race.score)
    return trials * trial_seconds(network(key), key.batch_size, race.seeds, race.steps, rows)


def plan(key: Key, chosen: list[str], profile_keys: list[Key], race: Race) -> tuple[list[Key], float, float]:
    """The workloads raced within the race's CPU limit, the estimate for them, and the estimate for all asked.

    The raced workload comes first, then the performance profile's in their order while they fit (the
    profile is what grows a request: every optimizer tuned on every landscape). When the raced workload
    alone exceeds the limit, nothing fits: the list is empty.
    """
    cap = work.limit("race")
    seconds = {k: sum(job_seconds(k, n, race) for n in chosen) for k in dict.fromkeys([key, *profile_keys])}
    total = sum(seconds.values())
    if seconds[key] > cap:
        return [], 0.0, total
    kept, used = [key], seconds[key]
    for k, s in seconds.items():
        if k != key and used + s <= cap:
            kept.append(k)
            used += s
    return kept, used, total


def _within_limit(key: Key, chosen: list[str], profile_keys: list[Key], race: Race) -> list[Key] | None:
    """``plan``'s workloads, with a message when the profile was cut; None, with a message, when refused."""
    kept, _used, total = plan(key, chosen, profile_keys, race)
    if not kept:
        lower = (
            _("Lower the budget, the seeds, the steps, the optimizers, the network's size or the minibatch size.")
            if race.network
            else _("Lower the budget, the starts, the noise seeds, the steps or the optimizers.")
        )
        work.refuse("race", total, lower)
        return None
    left = [k for k in dict.fromkeys(profile_keys) if k not in kept]
    if left:
        names = "; ".join(workload_name(k, race.network) for k in left)
        work.reduced(
            "race",
            total,
            _("The performance profile leaves out {n} workload(s): {names}.").format(n=len(left), names=names),
        )
    return kept


def _run_all(keys: list[Key], chosen: list[str], race: Race) -> dict[tuple[Key, str], Entry]:
    """Every (workload, optimizer) race: one chunk each, taking turns on the heavy-work slot (``work.run_chunks``)."""
    jobs = [(k, n) for k in keys for n in chosen]
    chunks = [
        work.Chunk(
            (race.network, k, n, race),
            _("Tuning {optimizer} on {landscape}").format(
                optimizer=optimizer_name(n), landscape=workload_name(k, race.network)
            ),
            functools.partial(entry, k, n, race),
        )
        for k, n in jobs
    ]
    return dict(zip(jobs, work.run_chunks(chunks, _("Tuning…")), strict=True))


def _hyper_text(name: str, best: dict) -> str:
    """The tuned hyperparameters with their symbols: ``η = 0.47 · μ = 0.6``."""
    spec = core.get_spec(name)
    parts = []
    for d in search_space(name):
        label = spec.hyper(d.hyper).elements()[d.index or 0][0]
        value = best[d.hyper] if d.index is None else best[d.hyper][d.index]
        parts.append(f"{label} = {value:.3g}")
    return " · ".join(parts)


def missed_note(race: Race) -> str:
    """What a run that misses the target scores, said wherever steps-to-target numbers are shown ("" otherwise)."""
    if race.score != "steps":
        return ""
    return _(
        "A run that never reaches {condition} within the {steps} steps counts {missed} × {steps} = "
        "{penalty} steps in the averages; tables show it as “not reached”."
    ).format(condition=target_text(race), steps=race.steps, missed=MISSED, penalty=MISSED * race.steps)


def with_missed_note(text: str, race: Race) -> str:
    """``text`` followed by ``missed_note`` when the score is steps to target."""
    note = missed_note(race)
    return f"{text} {note}" if note else text


def _shown_score(value: float, race: Race) -> str:
    """A score as the tables show it: for steps to target, a miss (every run missed: the penalty) is "not reached"."""
    if race.score == "steps" and not value < MISSED * race.steps:
        return _("not reached")
    return f"{value:.4g}" if math.isfinite(value) else "—"


def _median_run(e: Entry, race: Race) -> float:
    """The median run's score; for steps to target, a run that missed counts as never (so a median past the
    budget is a miss, not a number between a hit and the penalty)."""
    scores = e.scores
    if race.score == "steps":
        scores = np.where(scores < MISSED * race.steps, scores, np.inf)
    return float(np.median(scores))


def _table(entries: dict[str, Entry], race: Race, labels: dict[str, str]) -> None:
    score = _("score ({what})").format(what=score_label(race))
    median = _("median run")
    rows = []
    for n, e in entries.items():
        rows.append(
            {
                _("optimizer"): labels[n],
                _("tuned"): _hyper_text(n, e.result.best),
                score: _shown_score(e.result.score, race),
                median: _shown_score(_median_run(e, race), race),
                _("runs reaching {condition}").format(condition=target_text(race)): f"{np.mean(e.reached >= 0):.0%}",
                _("trials that diverged"): f"{np.mean(e.result.trials['diverged'] > 0):.0%}",
            }
        )
    layout.markdown_table(pd.DataFrame(rows), right=(score, median))
    if race.network:
        runs = _(
            "Each optimizer: {budget} trials of {steps} steps, every trial training {seeds} seeded "
            "initialisation(s), scored on the test split. Score: {score}, averaged over the runs."
        )
    else:
        runs = _(
            "Each optimizer: {budget} trials of {steps} steps, every trial from {starts} "
            "start(s) × {seeds} noise seed(s). Score: {score}, averaged over the runs."
        )
    text = runs.format(
        budget=race.budget,
        steps=race.steps,
        starts=race.starts,
        seeds=race.seeds,
        score=score_name(race.score, race.network),
    )
    st.caption(with_missed_note(text, race))


def tuned_run(key: Landscape, name: str, e: Entry, race: Race) -> Run:
    """Optimizer ``name``'s tuned setting as one run on its own page: from the landscape's start, without noise,
    a linear slider's value on that slider's nearest step (``ui.tune.page_values``)."""
    return Run.of(key, name, page_values(key, name, e.result.best), steps=race.steps)


def _open_links(key: Landscape, entries: dict[str, Entry], race: Race, labels: dict[str, str]) -> None:
    """A link per optimizer to its own page running its tuned setting on this landscape (``core.run``)."""
    with st.popover(_("Open a tuned setting on its optimizer's page"), icon=":material/open_in_new:"):
        for n, e in entries.items():
            st.page_link(f"pages/{n}.py", label=labels[n], query_params=tuned_run(key, n, e, race).to_query())


def _scale(values: pd.Series) -> alt.Scale:
    """A log scale when every value is positive, else a linear one."""
    return alt.Scale(type="log") if len(values) and (values > 0).all() else alt.Scale(zero=False)


def _colors(names: list[str], labels: dict[str, str]) -> alt.Scale:
    return alt.Scale(domain=[labels[n] for n in names], range=[color(n) for n in names])


def _distribution(entries: dict[str, Entry], race: Race, labels: dict[str, str]) -> None:
    """Box and strip plot of the tuned setting's score over every start and seed."""
    names = list(entries)
    frame = pd.DataFrame(
        {
            "optimizer": np.repeat([labels[n] for n in names], [e.scores.size for e in entries.values()]),
            "score": np.concatenate([e.scores for e in entries.values()]),
        }
    )
    diverged = int((~np.isfinite(frame["score"])).sum())
    frame = frame[np.isfinite(frame["score"])]
    # Whole names: Vega's 100 px label limit cut "Momentum (heavy ball)" to "Momentum (heav…" (issue 24).
    y = alt.Y("optimizer:N", sort=[labels[n] for n in names], title=None, axis=alt.Axis(labelLimit=220))
    x = alt.X("score:Q", title=score_label(race), scale=_scale(frame["score"]))
    colour = alt.Color("optimizer:N", scale=_colors(names, labels), legend=None)
    box = alt.Chart(frame).mark_boxplot(extent="min-max", opacity=0.35, size=22).encode(x=x, y=y, color=colour)
    dots = (
        alt.Chart(frame)
        .mark_circle(size=22, opacity=0.75)
        .encode(
            x=x,
            y=y,
            color=colour,
            yOffset="jitter:Q",
            tooltip=[
                alt.Tooltip("optimizer:N", title=_("optimizer")),
                alt.Tooltip("score:Q", format=".4g", title=_("score")),
            ],
        )
        .transform_calculate(jitter="random() * 16 - 8")
    )
    st.altair_chart(
        alt.layer(box, dots).properties(title=_("Tuned setting over every start and seed"), height=330),
        width="stretch",
    )
    note = with_missed_note(_("{n} run(s) diverged and are left out.").format(n=diverged) if diverged else "", race)
    if note.strip():
        st.caption(note.strip())


def _accuracy(entries: dict[str, Entry], race: Race, labels: dict[str, str]) -> None:
    """The tuned setting's test accuracy over the steps (median over the seeds), with the target as a rule."""
    series = {labels[n]: e.accuracy for n, e in entries.items() if e.accuracy is not None}
    charts.lines(
        series,
        _("Test accuracy of the tuned setting (median over the seeds)"),
        _("test accuracy"),
        colors={labels[n]: color(n) for n in entries},
        dashes={labels[n]: dash(n) for n in entries},
        height=300,
        rule_at=race.target,
    ).show(st)


def _survival(entries: dict[str, Entry], race: Race, labels: dict[str, str]) -> None:
    """Fraction of runs that reached the target by each step."""
    series = {labels[n]: survival(e.reached, race.steps) for n, e in entries.items()}
    colors = {labels[n]: color(n) for n in entries}
    charts.lines(
        series,
        _("Fraction of runs with {condition} by step t").format(condition=target_text(race)),
        _("fraction of runs"),
        colors=colors,
        dashes={labels[n]: dash(n) for n in entries},
        height=300,
    ).show(st)


def _sensitivity(entries: dict[str, Entry], race: Race, labels: dict[str, str]) -> None:
    """Every trial's score against its lr: a wide low valley is an optimizer robust to its lr."""
    frames = []
    for n, e in entries.items():
        t = e.result.trials
        frames.append(
            pd.DataFrame(
                {
                    "optimizer": labels[n],
                    "lr": t["lr"],
                    "score": t["score"],
                    "trial": np.where(t["round"] == 0, _("global search"), _("refinement")),
                }
            )
        )
    data = pd.concat(frames, ignore_index=True)
    finite = data["score"][np.isfinite(data["score"])]
    # Diverged trials are drawn just above the rest; steps to target already tops out at the miss penalty.
    above = 1.5 if race.score == "steps" else 10.0
    cap = float(finite.max() * above if len(finite) and finite.max() > 0 else 1.0)
    ran, diverged = _("ran"), _("diverged")
    data["status"] = np.where(np.isfinite(data["score"]), ran, diverged)
    data["score"] = np.where(np.isfinite(data["score"]), data["score"], cap)
    names = list(entries)
    chart = (
        alt.Chart(data)
        .mark_point(filled=True, size=36, opacity=0.8)
        .encode(
            x=alt.X("lr:Q", scale=alt.Scale(type="log"), title=_("learning rate")),
            y=alt.Y("score:Q", scale=_scale(data["score"]), title=score_label(race)),
            color=alt.Color("optimizer:N", scale=_colors(names, labels), legend=alt.Legend(orient="top", title=None)),
            shape=alt.Shape(
                "status:N", scale=alt.Scale(domain=[ran, diverged], range=["circle", "cross"]), legend=None
            ),
            tooltip=[
                alt.Tooltip("optimizer:N", title=_("optimizer")),
                alt.Tooltip("lr:Q", format=".4g"),
                alt.Tooltip("score:Q", format=".4g", title=_("score")),
                alt.Tooltip("trial:N", title=_("trial")),
                alt.Tooltip("status:N", title=_("status")),
            ],
        )
        .properties(title=_("Sensitivity: every tuning trial's score against its learning rate"), height=340)
    )
    st.altair_chart(chart, width="stretch")
    st.caption(
        with_missed_note(
            _(
                "Other tuned hyperparameters vary between trials too. A broad low valley means the optimizer "
                "works over a wide range of lr; a narrow dip means it wins only when tuned. Crosses at the top: "
                "trials with a diverged run."
            ),
            race,
        )
    )


def _profile(entries: dict[Key, dict[str, Entry]], race: Race, labels: dict[str, str]) -> None:
    """Dolan–Moré performance profile of the tuned scores across the chosen landscapes or network workloads."""
    if not entries:
        st.info(
            _("Choose data sets for the performance profile in the sidebar.")
            if race.network
            else _("Choose landscapes for the performance profile in the sidebar.")
        )
        return
    share = _("fraction of workloads") if race.network else _("fraction of landscapes")
    names = list(next(iter(entries.values())))
    scores = np.array([[e[n].result.score for n in names] for e in entries.values()])
    with np.errstate(all="ignore"):
        ratios = np.maximum(scores, FLOOR) / np.maximum(scores.min(axis=1, keepdims=True), FLOOR)
    finite = ratios[np.isfinite(ratios)]
    top = max(float(finite.max()) * 1.5 if finite.size else 10.0, 10.0)
    taus = np.geomspace(1.0, top, 200)
    rho = performance_profile(scores, taus)
    data = pd.DataFrame(
        {
            "tau": np.tile(taus, len(names)),
            "fraction": rho.T.ravel(),
            "optimizer": np.repeat([labels[n] for n in names], len(taus)),
        }
    )
    chart = (
        alt.Chart(data)
        .mark_line(interpolate="step-after", strokeWidth=2)
        .encode(
            x=alt.X(
                "tau:Q",
                scale=alt.Scale(type="log"),
                title=_("τ (within a factor τ of the best)"),
                axis=alt.Axis(format="~g"),
            ),
            y=alt.Y("fraction:Q", scale=alt.Scale(domain=[0, 1]), title=share),
            color=alt.Color("optimizer:N", scale=_colors(names, labels), legend=alt.Legend(orient="top", title=None)),
            tooltip=[
                alt.Tooltip("optimizer:N", title=_("optimizer")),
                alt.Tooltip("tau:Q", format=".3g", title="τ"),
                alt.Tooltip("fraction:Q", format=".0%", title=share),
            ],
        )
        .properties(
            title=(
                _("Performance profile over {n} network workload(s), each optimizer tuned on each")
                if race.network
                else _("Performance profile over {n} landscape(s), each optimizer tuned on each")
            ).format(n=len(entries)),
            height=320,
        )
    )
    st.altair_chart(chart, width="stretch")
    caption = _(
        "At τ = 1: the share of landscapes on which an optimizer was the best; as τ grows, the share on "
        "which it came within a factor τ of the best (Dolan & Moré 2002). Higher and further left is better."
    )
    if race.network:
        caption = _(
            "At τ = 1: the share of workloads on which an optimizer was the best; as τ grows, the share on "
            "which it came within a factor τ of the best (Dolan & Moré 2002). Higher and further left is better. "
            "Workloads: {names}."
        ).format(names="; ".join(workload_name(k, True) for k in entries))
    st.caption(caption)


def _beat_the_tuner(
    ps: PageState, key: problem.Surface, f: core.Objective, chosen: list[str], race: Race, labels: dict[str, str]
) -> None:
    """Pick one optimizer's hyperparameters by hand, compare with the tuner, or let the Tune button set them."""
    if ps.get("mine") not in (None, *chosen):
        st.session_state.pop(ps.key("mine"))  # that optimizer left the race
    box = controls.section(ps, "beat", _("Beat the tuner"), {"mine": chosen[0]}, icon=":material/sports_score:")
    name = controls.choice(ps, "mine", _("Optimizer"), chosen, chosen[0], labels=labels, where=box)
    spec = core.get_spec(name)
    if isinstance(box, controls.Folded):  # folded: its settings stay in the link; nothing is run or drawn
        controls.hyperparameters(ps, spec, key, prefix=f"my.{name}.", where=box)
        return
    with box:
        cols = st.columns(3)
        hp = controls.hyperparameters(ps, spec, key, prefix=f"my.{name}.", where=cols[0])
        x0 = starts(f, race.starts, race.seed)
        try:
            mine = evaluate(f, name, hp, steps=race.steps, x0=x0, **race.judged()).scores.mean()
        except ValueError as err:
            cols[1].error(_("These settings cannot run: {error}").format(error=plain(error_text(err), 300)))
            return
        cols[1].metric(_("Your setting"), _shown_score(float(mine), race))
        cols[1].metric(_("Tuned"), _shown_score(race_entry(key, name, race).result.score, race))
        cols[2].markdown(
            with_missed_note(
                _(
                    "Score: {score}, averaged over the same {starts} start(s) × {seeds} seed(s). "
                    "**Tune** searches on the sliders' own steps and sets them."
                ).format(score=score_name(race.score), starts=race.starts, seeds=race.seeds),
                race,
            )
        )
        tune_button(
            ps,
            key,
            name,
            x0,
            race.steps,
            where=cols[2],
            prefix=f"my.{name}.",
            hyperparameters=hp,
            budget=race.budget,
            **race.judged(),
        )
