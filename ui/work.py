"""Heavy numeric work inside a page: the CPU limits of one request, one computation at a time across sessions,
stop points while waiting and between chunks, and the messages when a page does less than asked or refuses.

The API for a page with heavy work (the race uses all of it; CONTRIBUTING, "Heavy work in a page"):

- ``limit(kind)``: the CPU-seconds a request of that kind may take (``core.budget.LIMITS``, one table);
- ``refuse(kind, seconds, lower)`` / ``reduced(kind, seconds, what)``: the one message that says which
  limit applied, the estimate, and how to get the full run;
- ``run_chunks(chunks, text)``: run a request split into chunks (each at most about a second), the ones not
  computed yet holding the shared heavy-work slot, with a stop point before each, so a closed tab or a changed
  setting ends the work at the next chunk and three heavy sessions take turns on one core;
- ``spent()``: what this request has already cost (``ui.app`` starts the clock at each script run), so a 2-D
  page plans its runs within what its limit leaves after the formula check and the drawing (``fit_steps``).
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

import streamlit as st
from threadpoolctl import threadpool_limits

from core import budget, sandbox
from core.lru import LRU
from core.simulate import Pulse

from .i18n import N_, _, join, optimizer_name

HEAVY_SECONDS = 0.5  # computations estimated above this wait for the shared slot; smaller ones just run
PULSE_SECONDS = 0.25  # a long computation's stop points, at most this often (each sends the progress bar again)
WAITING = N_("Waiting for other visitors' computations to finish…")
# How each limit of ``budget.LIMITS`` is named in the messages.
KINDS = {
    "page": N_("a page of 2-D runs"),
    "race": N_("a Fair race"),
    "network": N_("a network lab run"),
    "preset": N_("a heavy preset"),
}
_DONE: LRU[bool] = LRU(4096)  # keys of chunks computed in this process: their (cached) result needs no slot


def limit(kind: str) -> float:
    """CPU-seconds one request of ``kind`` may take here (``budget.LIMITS`` times the deployment's scale)."""
    return budget.limit(kind)


_REQUEST = threading.local()  # the script thread's CPU clock and reaped children's CPU when its run began


def begin_request() -> None:
    """Start this script run's CPU clock (``ui.app.run_app`` calls it first thing in every run)."""
    _REQUEST.start = (time.thread_time(), sandbox.reaped_seconds())


def spent() -> float:
    """CPU-seconds this script run has used so far: its thread's CPU time and that of the sandboxed children it
    waited for (a new formula's symbolic check); 0 outside a run that ``begin_request`` started."""
    start = getattr(_REQUEST, "start", None)
    if start is None:
        return 0.0
    return time.thread_time() - start[0] + sandbox.reaped_seconds() - start[1]


BLAS_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@functools.cache
def one_blas_thread() -> None:
    """Run the server's matrix products on one BLAS thread (once per process), unless the environment set a count.

    The app's products are small (a batch of little networks): split over two threads on two shared cores,
    they cost 2-10x the CPU time for the same result (``benchmarks/network_view_bench.py``), and the
    heavy-work slot already keeps one core for other visitors. Set once at start rather than per request:
    OpenBLAS's thread count is process-wide, so changing it back and forth would race with other sessions.
    """
    if not any(v in os.environ for v in BLAS_VARIABLES):
        threadpool_limits(1, user_api="blas")


@contextmanager
def heavy(bar, fraction: float, text: str) -> Iterator[None]:
    """Run the body holding ``budget.heavy``'s slot; while waiting for it, update ``bar`` (a stop point)."""
    while True:
        with budget.heavy(timeout=0.5) as got:
            if got:
                bar.progress(fraction, text=text)
                yield
                return
        bar.progress(fraction, text=_(WAITING))


class Chunk(NamedTuple):
    """One part of a request: ``run(pulse)`` computes it (through a cache), calling ``pulse()`` now and then if it
    is long (a stop point); ``key`` names it, ``text`` is shown meanwhile."""

    key: Hashable
    text: str
    run: Callable[[Pulse], Any]


def stop_point(bar, fraction: float, text: str) -> Pulse:
    """A ``pulse`` for a long computation in the script thread: at most every ``PULSE_SECONDS`` it shows ``bar`` as
    it is, which is a point where Streamlit ends the run of a session that closed or changed a setting (an ``st``
    call raises there), so even one long call stops within about that long. Never inside ``st.cache_data``:
    the cache would record the bar's updates to replay them."""
    last = time.monotonic()

    def pulse() -> None:
        nonlocal last
        if time.monotonic() - last >= PULSE_SECONDS:
            last = time.monotonic()
            bar.progress(fraction, text=text)

    return pulse


def run_chunks(chunks: Sequence[Chunk], text: str) -> list[Any]:
    """Every chunk's result, in order, under one progress bar.

    Before each chunk, and at each of its pulses, the bar is shown: a stop point, where Streamlit ends the run of a
    session that closed or changed a setting. A chunk not yet computed in this process runs holding the shared
    heavy-work slot, so heavy requests of every session take turns and the other core stays free for cheap pages.
    """
    bar = st.progress(0.0, text=text)
    out = []
    for i, chunk in enumerate(chunks):
        fraction = i / max(len(chunks), 1)
        bar.progress(fraction, text=chunk.text)
        pulse = stop_point(bar, fraction, chunk.text)
        if _DONE.get(chunk.key):
            out.append(chunk.run(pulse))
            continue
        with heavy(bar, fraction, chunk.text):
            out.append(chunk.run(pulse))
        _DONE.put(chunk.key, True)
    bar.empty()
    return out


def _how_to_run_all() -> str:
    return _(
        "To run it all, run the app on your own computer, where {env}=10 (or inf) raises every limit "
        "(README, “Capacity”)."
    ).format(env=budget.SCALE_ENV)


def refuse(kind: str, seconds: float, lower: str) -> None:
    """Say that a request is refused: its estimate, the limit that applied, what to lower, how to get the full run."""
    st.error(
        _(
            "This would take about {seconds:,.0f} CPU-seconds of the server, more than the {limit:g} CPU-s "
            "{kind} may take here. {lower} {how}"
        ).format(seconds=seconds, limit=limit(kind), kind=_(KINDS[kind]), lower=lower, how=_how_to_run_all()),
        icon=":material/block:",
    )


def reduced(kind: str, seconds: float, what: str) -> None:
    """Say that a request was reduced to fit its limit: what was left out, the full estimate, how to get it all."""
    st.info(
        _(
            "{what} All of it would take about {seconds:,.0f} CPU-seconds of the server, more than the {limit:g} "
            "CPU-s {kind} may take here. {how}"
        ).format(what=what, seconds=seconds, limit=limit(kind), kind=_(KINDS[kind]), how=_how_to_run_all()),
        icon=":material/speed:",
    )


def fit_steps(f: Any, steps: int, runs: int, points: int = 1, figures: int = 1, landscapes: int = 1) -> int:
    """The steps that fit the 2-D page's limit for ``runs`` batched runs of ``points`` starts (or noise seeds)
    each on ``f``, after what the request has spent and will spend drawing (``figures`` PNGs, ``landscapes``
    contour rasters, a loss curve per run), with a note if cut."""
    c = budget.cost(f)
    drawing = budget.drawing_seconds(c, figures=figures, landscapes=landscapes, rows=runs * min(steps + 1, 600))
    plan = budget.fit(c, points, steps, runs=runs, min_points=points, reserved=spent() + drawing)
    cuts = (
        [_("{fitted} steps instead of {steps}").format(fitted=plan.steps, steps=steps)] if plan.steps != steps else []
    )
    reduced_note(c, cuts, plan.reserved)
    return plan.steps


def fit_optimizers(f: Any, chosen: list[str], steps: int, points: int = 1, per_optimizer: float = 0.0) -> list[str]:
    """The first of ``chosen`` whose share of the request fits the 2-D page's limit after what it has spent: each
    optimizer's ``per_optimizer`` CPU-seconds (a new formula's lr suggestion: ``budget.SUGGEST_SECONDS``) and one
    step of its ``points`` runs, with the page's drawing. All of them unless even that is beyond the limit (then a
    note names those left out); ``fit_steps`` then fits the steps."""
    if len(chosen) <= 1:
        return chosen
    c = budget.cost(f)
    room = limit("page") - spent() - budget.drawing_seconds(c, figures=1, landscapes=1)
    each = per_optimizer + c.run(points, 1) + min(steps + 1, 600) * budget.CHART_ROW_SECONDS
    k = min(len(chosen), max(1, int(room / each))) if each > 0 else len(chosen)
    if k < len(chosen):
        reduced_note(c, [left_out(chosen, k)], limit("page") - room)
    return chosen[:k]


def left_out(chosen: list[str], k: int) -> str:
    """The cut that runs only the first ``k`` of the ``chosen`` optimizers, naming the others."""
    left = join([optimizer_name(n) for n in chosen[k:]])
    return _("only the first {k} of the {n} optimizers ({left} left out)").format(k=k, n=len(chosen), left=left)


def reduced_note(cost: budget.Cost, cuts: list[str], reserved: float = 0.0) -> None:
    """Tell the user what was cut to keep a 2-D page within ``limit("page")``, and why: the landscape's cost and
    what the rest of the request takes (``reserved``: the formula check so far, the drawing to come)."""
    if not cuts:
        return
    kind = KINDS["page"]
    st.info(
        _(
            "This landscape costs about {ns:,.0f} ns per point for its value and gradient "
            "(and {us:,.0f} µs per call). To keep this page within the {seconds:g} CPU-s of the server "
            "{kind} may take here, checking the formula and drawing included (about {other:.1f} s of it), it runs "
            "{cuts}. {how}"
        ).format(
            ns=cost.per_point * 1e9,
            us=cost.fixed * 1e6,
            seconds=limit("page"),
            kind=_(kind),
            other=reserved,
            cuts=_(" and ").join(cuts),
            how=_how_to_run_all(),
        ),
        icon=":material/speed:",
    )
