"""The network lab's Tune buttons: ``core.tune`` on the page's network, within the lab's work budget.

A press (of one optimizer's button, or of "Tune all") is a request; the page then tunes with a
progress bar in the shared heavy-work slot (a stop point per optimizer), stores the tuned values
and reruns, and the values go into the sliders before they are drawn. As on the landscapes
(``ui.tune``), the search runs over the sliders' own steps, the page's default and the current
values are trials (and so is torch's default), so tuning never scores worse than either on the
tuning runs: the page's seeds and steps, scored by the final test loss (``core.network_trials``).
"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

import core
from core import budget
from core.defaults import demo_hyperparameters
from core.lru import LRU
from core.network import Network
from core.simulate import Pulse
from core.tune import search_space
from core.workloads import Workload, work_per_sample

from . import runs, work
from .i18n import _, optimizer_name
from .state import PageState
from .tune import slider_values, tuned_values

TUNE_BUDGET = 16  # trials per optimizer when they fit the limit: the Fair race's network budget
MIN_BUDGET = 4  # fewer trials than this are no search: the page says so instead
SCORE = "final"  # the final test loss: every trial is judged on the held-out split


_TUNED: LRU[core.TuneResult] = LRU(64)  # not st.cache_data: its stop points would be recorded for replay


def tuned_network(
    f: Any,
    key: Workload,
    name: str,
    steps: int,
    batch: int | None,
    seeds: int,
    trials: int,
    fixed: tuple,
    options: tuple,
    include: tuple,
    *,
    pulse: Pulse | None = None,
) -> core.TuneResult:
    """``core.tune`` on the network of ``key`` (``f``), over the sliders' values, with the included settings (cached
    by everything but ``f`` and ``pulse``; ``pulse`` is a stop point the training reaches every few steps)."""
    cache_key = (key, name, steps, batch, seeds, trials, fixed, options, include)
    found = _TUNED.get(cache_key)
    if found is not None:
        return found
    result = core.tune(
        f,
        name,
        budget=trials,
        steps=steps,
        score=SCORE,
        seeds=seeds,
        batch_size=batch,
        shared_batches=True,  # the page trains its seeds on one minibatch order: the score is its own number
        fixed=dict(fixed),
        options={k: list(v) for k, v in options},
        include=[dict(i) for i in include],
        pulse=pulse,
    )
    _TUNED.put(cache_key, result)
    return result


def trial_seconds(f: Network, batch: int | None, seeds: int, steps: int, rows: int = 2) -> float:
    """Estimated CPU seconds of one tuning trial: its seeds trained, then each of its ``rows`` recorded rows scored
    on the training loss and the test split (2: the first and the last, as the final test loss needs; the race's
    other scores record more, ``core.network_trials.recorded_rows``), in ``work_per_sample`` units."""
    samples = f.n_samples if batch is None else min(batch, f.n_samples)
    evaluated = f.n_samples + f.dataset.n_test
    return budget.network_trial_seconds(seeds, steps, samples, work_per_sample(f), evaluated, rows)


def trials_within(f: Network, batch: int | None, seeds: int, steps: int, optimizers: int) -> int:
    """Trials per optimizer (at most ``TUNE_BUDGET``) such that tuning ``optimizers`` optimizers fits the limit;
    three more trials run than the budget (the default, the page's default, the current values)."""
    each = budget.limit("network") / max(optimizers, 1)
    return max(0, min(TUNE_BUDGET, math.floor(each / trial_seconds(f, batch, seeds, steps)) - 3))


class Tuning:
    """The Tune buttons of one run of the page, and the tuning they request."""

    def __init__(self, ps: PageState, key: Workload, chosen: list[str], steps: int, batch: int | None, seeds: int):
        self.ps, self.key, self.chosen = ps, key, chosen
        self.context = (key, steps, batch, seeds)
        self.steps, self.batch, self.seeds = steps, batch, seeds
        pending = st.session_state.pop(ps.key("_tuned_values"), None)
        if pending:  # tuned in the previous run: into the sliders before they are drawn
            st.session_state.update(pending)

    def all_button(self, where: Any) -> None:
        """One button that tunes every chosen optimizer."""
        if self.chosen:
            where.button(
                _("Tune all"),
                icon=":material/auto_fix_high:",
                key=self.ps.key("tune_all"),
                on_click=self._request,
                args=(tuple(self.chosen),),
                help=_(
                    "Tune every chosen optimizer's learning rate (and its other tunable settings) on this network "
                    "and set the sliders to the best: the same trials for each, judged by the final test loss "
                    "over the seeds. The default and the current settings are trials too."
                ),
            )

    def button(self, name: str, where: Any) -> None:
        """Optimizer ``name``'s Tune button (in its folded section), and what its last tuning found."""
        where.button(
            _("Tune"),
            icon=":material/auto_fix_high:",
            key=self.ps.key(f"{name}.tune"),
            on_click=self._request,
            args=((name,),),
            help=_(
                "Search {optimizer}'s {hyperparameters} on this network and set the sliders to the best "
                "(judged by the final test loss over the seeds). The default and the current settings are trials too."
            ).format(
                optimizer=optimizer_name(name),
                hyperparameters=", ".join(d.column for d in search_space(name)),
            ),
        )
        note = self.notes().get(name)
        if note is not None:
            where.caption(note)

    def notes(self) -> dict[str, str]:
        """The "Tuned: …" notes of this network and training (other settings make them stale)."""
        stored = st.session_state.get(self.ps.key("_tuned_notes"), {})
        return {n: text for n, (context, text) in stored.items() if context == self.context}

    def _request(self, names: tuple[str, ...]) -> None:
        st.session_state[self.ps.key("_tune_request")] = names

    def run(
        self, f: Network, hps: dict[str, dict[str, Any]], starts: dict[str, dict[str, Any]], seeds: int, steps: int
    ) -> None:
        """Tune what a button asked for (with a progress bar), then rerun with the tuned values in the sliders.

        ``seeds`` and ``steps`` are those the page runs (the work budget may have cut the sliders' values)."""
        names = [n for n in st.session_state.pop(self.ps.key("_tune_request"), ()) if n in self.chosen]
        if not names:
            return
        self.seeds, self.steps = seeds, steps
        trials = trials_within(f, self.batch, self.seeds, self.steps, len(names))
        if trials < MIN_BUDGET:
            st.error(
                _(
                    "Tuning here would take more than this server's limit of {limit:g} CPU-seconds: lower the steps, "
                    "the seeds or the network's size, use minibatches, or tune fewer optimizers at once. To tune it "
                    "in full, run the app on your own machine with a higher limit (the environment variable "
                    "`DESCENT_LAB_BUDGET_SCALE`, see the README)."
                ).format(limit=budget.limit("network")),
                icon=":material/block:",
            )
            return
        bar = st.progress(0.0, text=_("Tuning…"))
        values: dict[str, float] = {}
        notes = dict(st.session_state.get(self.ps.key("_tuned_notes"), {}))
        for i, name in enumerate(names):
            label = optimizer_name(name)
            text = _("Tuning {optimizer} ({trials} trials)…").format(optimizer=label, trials=trials)
            with work.heavy(bar, i / len(names), text):
                pulse = work.stop_point(bar, i / len(names), text)
                result = tuned_network(f, *self.args(name, trials, hps[name], starts[name]), pulse=pulse)
            found = tuned_values(self.ps, name, result, prefix=f"{name}.")
            values.update(found)
            shown = ", ".join(f"{k.split(':', 1)[1].removeprefix(name + '.')} = {v:g}" for k, v in found.items())
            notes[name] = (
                self.context,
                _(
                    "Tuned: {values} (final test loss {value:.3g}, the mean over {seeds} seeds; {trials} trials)."
                ).format(values=shown, value=result.score, seeds=self.seeds, trials=trials + 3),
            )
        bar.empty()
        st.session_state[self.ps.key("_tuned_values")] = values
        st.session_state[self.ps.key("_tuned_notes")] = notes
        st.rerun()

    def args(self, name: str, trials: int, current: dict[str, Any], start: dict[str, Any]) -> tuple:
        """The cached ``tuned_network`` call's arguments (after the objective) for optimizer ``name``."""
        spec = core.get_spec(name)
        searched = {d.hyper for d in search_space(name)}
        fixed = {k: v for k, v in current.items() if k not in searched}
        defaults = {**demo_hyperparameters(name), **start}
        options = []
        for dim in search_space(name, fixed):
            default = defaults[dim.hyper] if dim.index is None else defaults[dim.hyper][dim.index]
            options.append((dim.column, tuple(slider_values(spec, dim, default))))
        include = tuple(runs.freeze({k: v for k, v in s.items() if k in searched}) for s in (start, current))
        return (
            self.key,
            name,
            self.steps,
            self.batch,
            self.seeds,
            trials,
            runs.freeze(fixed),
            tuple(options),
            include,
        )
