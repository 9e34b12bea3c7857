"""Heavy numeric work inside a page: one computation at a time across sessions, stop points while waiting,
and a note when a page had to do less than asked."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from threadpoolctl import threadpool_limits

from core import budget

from .i18n import N_, _

HEAVY_SECONDS = 0.5  # computations estimated above this wait for the shared slot; smaller ones just run
WAITING = N_("Waiting for other visitors' computations to finish…")


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


def reduced_note(cost: budget.Cost, cuts: list[str]) -> None:
    """Tell the user what was cut to keep the page within ``budget.PAGE_SECONDS``, and why."""
    if cuts:
        st.info(
            _(
                "This landscape costs about {ns:,.0f} ns per point for its value and gradient "
                "(and {us:,.0f} µs per call), so to keep this page within about "
                "{seconds:g} s of computing it runs {cuts}."
            ).format(
                ns=cost.per_point * 1e9, us=cost.fixed * 1e6, seconds=budget.PAGE_SECONDS, cuts=_(" and ").join(cuts)
            ),
            icon=":material/speed:",
        )
