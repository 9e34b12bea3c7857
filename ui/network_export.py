"""The Network lab's exports: each optimizer's seed-0 run as a PyTorch program, every curve as CSV, figures as PNG."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from core.network_program import MNIST1D_PACKAGE, final_loss_line, network_program
from core.run import Run
from core.workloads import Workload

from . import layout
from .i18n import _, error_text, optimizer_name
from .state import PageState

# The curves' columns in the CSV (English, as the 2-D pages' CSV): NetRun's field for each.
CURVES = {
    "train loss": "train_loss",
    "test loss": "test_loss",
    "train accuracy": "train_accuracy",
    "test accuracy": "test_accuracy",
}


def curves_frame(results: Mapping[str, Any]) -> pd.DataFrame:
    """One row per optimizer, seed and recorded step: training and test loss and accuracy (what the charts draw)."""
    frames = []
    for name, r in results.items():
        recorded, seeds = np.shape(r.train_loss)
        cols: dict[str, Any] = {
            "optimizer": name,
            "seed": np.tile(np.arange(seeds), recorded),
            "step": np.repeat(r.steps, seeds),
        }
        cols |= {column: np.asarray(getattr(r, field)).reshape(-1) for column, field in CURVES.items()}
        frames.append(pd.DataFrame(cols))
    return pd.concat(frames, ignore_index=True)


def program_panel(run: Run, network: str, app_loss: float) -> None:
    """One optimizer's run as a runnable torch.optim program (``st.code`` has a copy button), or why there is none."""
    title = _("{optimizer} training the {network}, {steps} steps, with torch.optim (Descent Lab)").format(
        optimizer=optimizer_name(run.optimizer), network=network, steps=run.steps
    )
    data = run.task.data if isinstance(run.task, Workload) else ""
    try:
        code = network_program(run, title=title)
    except ValueError as err:
        st.info(error_text(err), icon=":material/info:")
        return
    st.code(code, language="python")
    st.caption(
        _(
            "float64; the data, the initial θ and the minibatches are the app's own NumPy code, so the program's "
            "last line is this page's final training loss of the seed-0 network: `{line}`. torch sums in another "
            "order than NumPy, so where training is unstable (an oscillating weight, Muon near a minimum) that "
            "rounding grows and the later digits can differ."
        ).format(line=final_loss_line(app_loss))
    )
    if data == "digits":
        st.caption(_("The program loads the digits with scikit-learn (`pip install scikit-learn`)."))
    if data == "mnist1d":
        st.caption(
            _("The program generates MNIST-1D with its authors' package (`pip install {package}`).").format(
                package=MNIST1D_PACKAGE
            )
        )


def network_exports(
    ps: PageState,
    specs: Sequence[Run],
    results: Mapping[str, Any],
    network: str,
    figures: Sequence[tuple[str, str, Callable[[], bytes]]],
) -> None:
    """Below the figures, drawn only when opened: downloads (curves CSV, each figure's PNG) and one program per
    trained run of ``specs`` (``results`` by optimizer).

    ``figures`` are (button label, file name, PNG maker); the makers run on click only.
    """
    trained = [run for run in specs if run.optimizer in results]
    if not trained:
        return
    with layout.on_demand(
        _("Export: the runs as PyTorch, every curve as CSV, the figures as PNG"),
        ps.key("exportopen"),
        ":material/ios_share:",
    ) as shown:
        if not shown:
            return
        columns = st.columns(1 + len(figures))
        # Made on click, and the click must not rerun the page (a rerun would revoke the file being made).
        columns[0].download_button(
            _("Every curve as CSV"),
            lambda: layout.csv_bytes(curves_frame(results)),
            "network_curves.csv",
            "text/csv",
            on_click="ignore",
            icon=":material/download:",
            key=ps.key("curves_csv"),
            help=_("Training and test loss and accuracy at every recorded step, per optimizer and seed."),
        )
        for column, (label, file_name, make) in zip(columns[1:], figures, strict=True):
            column.download_button(
                label,
                make,
                file_name,
                "image/png",
                on_click="ignore",
                icon=":material/download:",
                key=ps.key(f"png:{file_name}"),
            )
        st.markdown("**" + _("Copy as PyTorch") + "**")
        for tab, run in zip(st.tabs([optimizer_name(run.optimizer) for run in trained]), trained, strict=True):
            with tab:
                program_panel(run, network, float(results[run.optimizer].train_loss[-1][0]))
