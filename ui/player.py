"""The one player of every page that plays a run (the optimizer pages, Compare and its article view).

Play / Pause, Reset and End, one speed control ("auto" plays any run in about ``AUTO_SECONDS``, or a fixed
number of steps per second), and a step slider ``t``. While playing, the page's view is a fragment rerun on
a timer, and each frame shows the step the wall clock since Play puts the run at, so a busy server drops
frames rather than slowing the run down. The step and the speed live in the URL (``t``, ``speed``).

A page calls ``show(ps, steps, view, ...)``; its ``view(ps, interval, ...)`` calls ``controls`` where the
buttons go (this also moves ``t`` on while playing) and ``slider`` where the step slider goes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, NamedTuple

import streamlit as st

from . import controls as widgets
from . import present
from .i18n import _
from .state import PageState

AUTO_SECONDS = 10  # the "auto" speed plays a whole run in about this many seconds
MAX_FPS = 8  # frames per second at most: every frame is a figure drawn on the server
SPEEDS = ["auto", "1", "2", "5", "10", "20", "50", "100", "200"]  # steps per second
END_GRACE = 2.0  # seconds after the clock reaches the end that playing stops without the browser's word


def steps_per_second(speed: str, steps: int) -> float:
    """The playing speed: ``speed`` steps per second, or for "auto" the whole run in ``AUTO_SECONDS``."""
    return steps / AUTO_SECONDS if speed == "auto" else float(speed)


def play_plan(speed: str, steps: int) -> tuple[float, int]:
    """(seconds between frames, steps per frame) for playing at ``speed`` (see ``steps_per_second``)."""
    per_second = steps_per_second(speed, steps)
    fps = min(max(per_second, 1.0), MAX_FPS)
    return 1.0 / fps, max(1, round(per_second / fps))


class PlayClock(NamedTuple):
    """Where playing stands: since ``start`` (wall clock) it plays from step ``t0`` at ``speed``; ``shown``
    is the step of the last frame."""

    start: float
    t0: int
    speed: str
    shown: int


def show(ps: PageState, steps: int, view: Callable[..., None], *args: Any) -> None:
    """Draw ``view(ps, interval, *args)`` as the player's fragment: rerun every ``interval`` seconds while playing
    (``None`` when not), alone, so a frame redraws only the view."""
    interval = None
    if st.session_state.get(ps.key("playing")):
        interval = play_plan(st.session_state.get(ps.key("speed"), "auto"), steps)[0]
    st.fragment(view, run_every=interval)(ps, interval, *args)


def controls(ps: PageState, steps: int, interval: float | None, help: str | None = None, where: Any = st) -> str:
    """Play/Pause, Reset and End in one row with the speed, in ``where``; then this frame's step (moved on by the
    clock while playing). ``interval`` is the timer ``show`` registered the fragment with. Returns the speed."""
    speed = _buttons(ps, steps, help, where)
    playing, t_key = ps.key("playing"), ps.key("t")
    wanted = play_plan(speed, steps)[0]
    if (wanted if st.session_state.get(playing) else None) != interval:
        st.rerun(scope="app")  # Play, Pause or a new speed: only a full run can set the fragment's timer
    if t_key in st.session_state and st.session_state[t_key] > steps:
        st.session_state[t_key] = steps
    if st.session_state.get(playing):
        if _ended(ps, steps):
            st.session_state[playing] = False
            st.session_state[t_key] = steps
            st.rerun()
        st.session_state[t_key] = _next_t(ps, speed, steps)
    return speed


def slider(ps: PageState, steps: int, label: str, default: int, where: Any = st) -> int:
    """The step slider (the URL's ``t``), starting at ``default``; returns the step to show."""
    t = widgets.integer(ps, "t", label, 0, steps, default, where=where.container(key=present.STEP))
    _in_url("t", t)
    return t


def _buttons(ps: PageState, steps: int, help: str | None, where: Any) -> str:
    """Play/Pause, Reset and End in one row with the speed picker; returns the speed."""
    playing = ps.key("playing")
    row = where.container(horizontal=True, vertical_alignment="bottom", gap="small", key=present.PLAYER)
    if st.session_state.get(playing):
        row.button(
            _("Pause"),
            icon=":material/pause:",
            on_click=lambda: st.session_state.__setitem__(playing, False),
            key=ps.key("pause"),
        )
    else:
        row.button(
            _("Play"),
            icon=":material/play_arrow:",
            on_click=_play,
            args=(ps, steps),
            key=ps.key("play"),
            help=help or _("Animate the path step by step."),
        )
    row.button(_("Reset"), icon=":material/skip_previous:", on_click=_jump, args=(ps, 0), key=ps.key("reset"))
    row.button(_("End"), icon=":material/skip_next:", on_click=_jump, args=(ps, steps), key=ps.key("end"))
    speed = widgets.choice(
        ps,
        "speed",
        _("Speed"),
        SPEEDS,
        "auto",
        where=row.container(width=150),
        labels={
            "auto": _("auto · {n} s").format(n=AUTO_SECONDS),
            **{v: _("{n} steps/s").format(n=v) for v in SPEEDS[1:]},
        },
        help=_("Steps shown per second while playing; auto plays the whole run in {n} s.").format(n=AUTO_SECONDS),
    )
    _in_url("speed", speed)
    return speed


def _play(ps: PageState, steps: int) -> None:
    """Start playing, from step 0 if the run is already at its end."""
    if st.session_state.get(ps.key("t"), steps) >= steps:
        st.session_state[ps.key("t")] = 0
    st.session_state[ps.key("playing")] = True
    st.session_state.pop(ps.key("clock"), None)


def _jump(ps: PageState, t: int) -> None:
    """Stop playing (if it is) and show step ``t``."""
    st.session_state[ps.key("playing")] = False
    st.session_state[ps.key("t")] = t


def _next_t(ps: PageState, speed: str, steps: int) -> int:
    """The step of this frame: where the wall clock since Play (or the last change of speed) puts the run, so a
    busy server drops frames rather than slowing the run down. The slider is not read while playing: a frame
    may start before the browser has the previous one."""
    now = time.monotonic()
    clock: PlayClock | None = st.session_state.get(ps.key("clock"))
    if clock is None or clock.speed != speed:
        t = clock.shown if clock else st.session_state.get(ps.key("t"), 0)
        start, t0, target = now, t, t + play_plan(speed, steps)[1]
    else:
        start, t0 = clock.start, clock.t0
        target = max(clock.shown + 1, t0 + int(steps_per_second(speed, steps) * (now - start)))
    target = min(target, steps)
    st.session_state[ps.key("clock")] = PlayClock(start, t0, speed, target)
    return target


def _ended(ps: PageState, steps: int) -> bool:
    """Whether playing stops at this frame: the last step was shown and the browser's slider sends it back.

    Frames requested before the browser drew the last one carry an older slider value; stopping on the
    first of them would let the rest move the stopped run back a few steps. A browser that never sends the
    last step back is stopped ``END_GRACE`` seconds after the clock reached it.
    """
    clock: PlayClock | None = st.session_state.get(ps.key("clock"))
    if clock is None or clock.shown < steps:
        return False
    reached = clock.start + (steps - clock.t0) / max(steps_per_second(clock.speed, steps), 1.0)
    return st.session_state.get(ps.key("t")) == steps or time.monotonic() - reached > END_GRACE


def _in_url(name: str, value: object) -> None:
    """Write a setting changed by a fragment rerun into the URL (``page_state`` only writes it on full runs)."""
    if st.query_params.get(name) != str(value):
        st.query_params[name] = str(value)
