"""Classroom exports: the run as a PyTorch snippet, as a GIF or MP4 of the path growing, and Compare's animation.

Movies are drawn with one matplotlib ``Figure``: the landscape is drawn once, saved with
``copy_from_bbox``, and each frame restores it and draws only the paths up to step t, so a frame
costs a path's worth of drawing. Frames are capped (``MAX_FRAMES``) so an export stays short.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st

import core
from core import article, snippets
from core.functions import display_name
from core.run import Landscape, Run
from core.schedules import SCHEDULES

from . import layout, plots, slide
from .i18n import N_, _, error_text, optimizer_name
from .plots import figure_text
from .problem import Surface, objective
from .state import PageState
from .theme import color, linestyle

MAX_FRAMES = 120  # a longer run skips steps evenly
FPS = 12  # 120 frames = 10 s
SIZE_IN, MOVIE_DPI = (8.0, 5.0), 160  # 1280 x 800 pixels (both multiples of 16, as H.264 wants)
WIDTH, HEIGHT = int(SIZE_IN[0] * MOVIE_DPI), int(SIZE_IN[1] * MOVIE_DPI)
MIN_SECONDS = 6.0  # a short run is slowed down to last about this long (see ``frame_repeats``)
HOLD_SECONDS = 2.0  # the last frame stays this much longer, so the end can be read before the loop restarts
FORMATS = {"GIF": ("image/gif", ".gif"), "MP4": ("video/mp4", ".mp4")}
Progress = Callable[[int, int], None]
_ONE_EXPORT = threading.Lock()


def frame_steps(steps: int, cap: int = MAX_FRAMES) -> np.ndarray:
    """The steps shown as frames: every step up to ``cap`` frames, else ``cap`` steps spread evenly (ends kept)."""
    return np.unique(np.linspace(0, steps, min(steps + 1, cap)).round().astype(int))


def title_for(
    names: list[str], f: core.Objective, hps: dict[str, dict[str, Any]], steps: int, schedule: tuple | None = None
) -> str:
    """One line that states the settings: optimizer(s), landscape, lr(s), schedule and steps."""
    shown = figure_text(N_(", ")).join(plots.figure_name(n) for n in names)
    lrs = " / ".join(f"{float(np.max(hps[n].get('lr', core.get_spec(n).hyper('lr').default))):g}" for n in names)
    tr = figure_text  # the title is drawn into the movie
    sched = (
        tr(N_(" · {schedule} schedule")).format(schedule=tr(SCHEDULES[schedule[0]].display_name)) if schedule else ""
    )
    return tr(N_("{optimizers} on {landscape} · lr {lrs}{schedule} · {steps} steps")).format(
        optimizers=shown, landscape=display_name(f, tr), lrs=lrs, schedule=sched, steps=steps
    )


def frame_repeats(frames: int) -> int:
    """How many movie frames (at ``FPS``) each step shows: one, or more so a short run lasts about ``MIN_SECONDS``
    (at most a second a step)."""
    return int(min(max(round(MIN_SECONDS * FPS / max(frames, 1)), 1), FPS))


def duration(steps: int) -> float:
    """Seconds a movie of ``steps`` steps plays, the held last frame included."""
    return len(frame_steps(steps)) * frame_repeats(len(frame_steps(steps))) / FPS + HOLD_SECONDS


def movie_slide(
    key: Surface,
    names: list[str],
    title: str,
    steps: int,
    box: tuple | None = None,
    article: bool = False,
) -> slide.Slide:
    """The movie's figure, laid out with room for its widest step counter (the counter's text is set per frame)."""
    widest = figure_text(N_("step {t} / {steps}")).format(t=steps, steps=steps)
    return slide.slide_figure(key, names, title, SIZE_IN, MOVIE_DPI, box, article, counter=widest)


def movie_frames(
    key: Surface,
    paths: tuple[plots.Path, ...],
    title: str,
    steps: int,
    box: tuple | None = None,
    article: bool = False,
) -> Iterator[np.ndarray]:
    """Opaque RGB frames ``(HEIGHT, WIDTH, 3)`` of the paths growing with t, one per ``frame_steps(steps)``."""
    shown = movie_slide(key, [n for n, _points in paths], title, steps, box, article)
    ax, counter, canvas = shown.ax, shown.counter, shown.canvas
    assert counter is not None
    moving = []
    for name, points in paths:
        c = color(name)
        if np.isfinite(points[0]).all():
            ax.plot(*points[0], "o", ms=7, color="white", mec=c, mew=2, zorder=4)
        moving.append(
            (
                points,
                ax.plot([], [], marker="o", linestyle=linestyle(name), color=c, lw=1.8, ms=2.6, animated=True)[0],
                ax.plot([], [], "X", ms=9, color=c, mec="white", mew=0.8, animated=True)[0],
            )
        )
    step_text = figure_text(N_("step {t} / {steps}"))
    counter.set_animated(True)
    canvas.draw()
    landscape = canvas.copy_from_bbox(shown.fig.bbox)
    for t in frame_steps(steps):
        canvas.restore_region(landscape)
        for points, line, head in moving:
            pts = plots.finite_prefix(points[: t + 1])
            line.set_data(pts[:, 0], pts[:, 1])
            head.set_data(pts[-1:, 0], pts[-1:, 1])
            ax.draw_artist(line)
            ax.draw_artist(head)
        counter.set_text(step_text.format(t=t, steps=steps))
        shown.fig.draw_artist(counter)
        yield np.asarray(canvas.buffer_rgba())[..., :3].copy()


def render_movie(
    kind: str,
    key: Surface,
    paths: tuple[plots.Path, ...],
    title: str,
    steps: int,
    progress: Progress | None = None,
    box: tuple | None = None,
    article: bool = False,
) -> bytes:
    """The GIF or MP4 bytes of ``movie_frames``; ``progress(done, total)`` is called after every frame.

    Each step shows for ``frame_repeats`` frames and the last one for ``HOLD_SECONDS`` more. Frames are
    encoded as they are drawn (never all held as RGB). One export runs at a time in the whole server (a
    lock), so a class exporting at once queues instead of taking both cores from everyone else.
    """
    total = len(frame_steps(steps))
    repeats = frame_repeats(total)

    def counted() -> Iterator[np.ndarray]:
        for i, frame in enumerate(movie_frames(key, paths, title, steps, box, article), 1):
            yield frame
            if progress is not None:
                progress(i, total)

    with _ONE_EXPORT:
        if kind == "GIF":
            return encode_gif(counted(), [color(n) for n, _points in paths], repeats / FPS)
        return encode_mp4(held_frames(counted(), repeats))


def held_frames(frames: Iterable[np.ndarray], repeats: int) -> Iterator[np.ndarray]:
    """Each frame ``repeats`` times and the last one ``HOLD_SECONDS`` longer (an MP4 has one frame rate)."""
    last = None
    for last in frames:
        for _i in range(repeats):
            yield last
    if last is not None:
        for _i in range(round(HOLD_SECONDS * FPS)):
            yield last


def encode_gif(frames: Iterable[np.ndarray], colors: Sequence[str] = (), seconds: float = 1 / FPS) -> bytes:
    """A looping GIF with one palette for every frame: the first frame's colours plus each path's colour; each
    frame shows ``seconds``, the last ``HOLD_SECONDS`` longer.

    Pillow (imageio's GIF writer) directly: a shared palette is about ten times faster than quantizing
    each frame, and each frame is kept as one byte per pixel.
    """
    from matplotlib.colors import to_rgb
    from PIL import Image

    frames = iter(frames)
    first = next(frames)
    swatch = np.repeat(np.array([[to_rgb(c) for c in [*colors, "white", "black"]]]) * 255, 64, axis=0)
    source = np.vstack([first, np.resize(swatch.astype(np.uint8), (64, first.shape[1], 3))])
    palette = Image.fromarray(source).quantize(256, method=Image.Quantize.FASTOCTREE)
    images = [Image.fromarray(f).quantize(palette=palette, dither=Image.Dither.NONE) for f in (first, *frames)]
    each = round(1000 * seconds)
    durations = [each] * (len(images) - 1) + [each + round(1000 * HOLD_SECONDS)]
    buf = io.BytesIO()
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:], duration=durations, loop=0)
    return buf.getvalue()


def encode_mp4(frames: Iterable[np.ndarray]) -> bytes:
    """An H.264 MP4 (yuv420p: browsers and slide software play it) from imageio-ffmpeg's ffmpeg, frame by frame."""
    import imageio.v2 as iio2

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "movie.mp4"
        with iio2.get_writer(
            target, format="FFMPEG", fps=FPS, codec="libx264", pixelformat="yuv420p", macro_block_size=16
        ) as writer:
            for frame in frames:
                writer.append_data(frame)  # type: ignore[attr-defined]  # imageio's v2 writer
        return target.read_bytes()


@st.cache_data(max_entries=6, ttl=3600, show_spinner=False)
def movie(
    kind: str,
    key: Surface,
    paths: tuple[plots.Path, ...],
    title: str,
    steps: int,
    box: tuple | None = None,
    article: bool = False,
    _made: bytes | None = None,
) -> bytes:
    """The movie's bytes, cached per settings; ``_made`` hands in bytes just drawn under a progress bar.

    The progress bar is drawn outside this function: an element drawn inside a cached function is
    replayed on every cache hit, and a bar created outside cannot be.
    """
    return _made if _made is not None else render_movie(kind, key, paths, title, steps, box=box, article=article)


def movie_controls(
    where_key: str,
    key: Surface,
    paths: tuple[plots.Path, ...],
    title: str,
    steps: int,
    file_stem: str,
    box: tuple | None = None,
    article: bool = False,
) -> None:
    """A format choice, a button that draws the movie with a progress bar, then its download button."""
    frames = len(frame_steps(steps))
    st.caption(
        _(
            "The path growing step by step, {width}×{height} px for slides: {frames} frames for these {steps} "
            "steps (at most {max_frames}: a longer run skips steps evenly), {per_step} s a step, the last "
            "held {hold} s: {seconds} s in all."
        ).format(
            width=WIDTH,
            height=HEIGHT,
            max_frames=MAX_FRAMES,
            frames=frames,
            steps=steps,
            per_step=f"{frame_repeats(frames) / FPS:.2g}",
            hold=f"{HOLD_SECONDS:g}",
            seconds=f"{duration(steps):.1f}",
        )
    )
    a, b = st.columns([1, 3])
    kind = a.radio(_("Format"), list(FORMATS), horizontal=True, key=f"{where_key}:movie_format")
    digest = hashlib.sha1(
        repr((kind, key, title, steps, box, article)).encode()
        + b"".join(np.ascontiguousarray(p).tobytes() for _name, p in paths)
    ).hexdigest()
    made = f"{where_key}:movie_made"
    if (
        b.button(_("Make the {format}").format(format=kind), icon=":material/movie:", key=f"{where_key}:make_movie")
        and st.session_state.get(made) != digest
    ):
        bar = st.progress(0.0, text=_("Waiting for the export before this one…"))
        data = render_movie(
            kind, key, paths, title, steps, lambda i, n: _show_progress(bar, i, n), box=box, article=article
        )
        with st.spinner(_("Drawing the movie…")):
            movie(kind, key, paths, title, steps, box, article, _made=data)
        bar.empty()
        st.session_state[made] = digest
    if st.session_state.get(made) == digest:
        mime, ext = FORMATS[kind]
        with st.spinner(_("Drawing the movie…")):
            data = movie(kind, key, paths, title, steps, box, article)
        st.download_button(
            _("Download the {format}").format(format=kind),
            data,
            f"{file_stem}{ext}",
            mime,
            on_click="ignore",
            icon=":material/download:",
            key=f"{where_key}:movie_download",
        )


def png_download(
    where_key: str,
    key: Surface,
    paths: tuple[plots.Path, ...],
    title: str,
    file_stem: str,
    box: tuple | None = None,
    article: bool = False,
) -> None:
    """The slide-ready PNG of the whole paths, drawn when clicked (the click does not rerun the page)."""
    st.download_button(
        _("Slide-ready contour plot (PNG)"),
        lambda: slide.png(key, paths, title, box=box, article=article),
        f"{file_stem}.png",
        "image/png",
        on_click="ignore",
        icon=":material/image:",
        key=f"{where_key}:png",
    )


def snippet_panel(run: Run) -> None:
    """``run`` as a runnable torch.optim program (``st.code`` has a copy button), or why there is none."""
    f = objective(run.surface)
    title = _("{optimizer} on {landscape}, {steps} steps, with torch.optim (Descent Lab)").format(
        optimizer=optimizer_name(run.optimizer), landscape=layout.function_name(f), steps=run.steps
    )
    try:
        code = snippets.snippet(run, title=title)
    except ValueError as err:
        st.info(error_text(err), icon=":material/info:")
        return
    st.code(code, language="python")
    st.caption(
        _(
            "float64, gradients by autograd on the same formula: the path agrees with the app's to rounding. "
            "With gradient noise, torch draws other random numbers, so the run is alike, not equal."
        )
        if run.noise > 0
        else _("float64, gradients by autograd on the same formula: the path agrees with the app's to rounding.")
    )


def optimizer_exports(ps: PageState, run: Run, trajectory: core.Trajectory) -> None:
    """The optimizer page's "Copy as PyTorch" and movie export of ``run``, drawn as ``trajectory``."""
    st.subheader(_("Copy as PyTorch"))
    snippet_panel(run)
    st.subheader(_("Animation as GIF or MP4"))
    title = title_for([run.optimizer], objective(run.surface), {run.optimizer: run.hp}, run.steps, run.schedule)
    paths = ((run.optimizer, trajectory.points),)
    movie_controls(ps.key("export"), run.surface, paths, title, run.steps, f"{run.optimizer}_path")


def compare_exports(ps: PageState, specs: list[Run], trajectories: dict[str, core.Trajectory]) -> None:
    """Compare's movie export and one PyTorch snippet per optimizer (``specs`` that ran: one per optimizer)."""
    ran = [r for r in specs if r.optimizer in trajectories]
    if not ran:
        return
    names = [r.optimizer for r in ran]
    paths = tuple((n, trajectories[n].points) for n in names)
    # Drawn only when opened: the code blocks inside would make a fresh tab load a large highlighter first.
    with layout.on_demand(
        _("Export: animation as GIF or MP4, and the runs as PyTorch"), ps.key("exportopen"), ":material/ios_share:"
    ) as shown:
        if not shown:
            return
        first = ran[0]
        title = title_for(
            names, objective(first.surface), {r.optimizer: r.hp for r in ran}, first.steps, first.schedule
        )
        png_download(ps.key("export"), first.surface, paths, title, "compare_paths")
        movie_controls(ps.key("export"), first.surface, paths, title, first.steps, "compare_paths")
        st.markdown("**" + _("Copy as PyTorch") + "**")
        for tab, r in zip(st.tabs([optimizer_name(n) for n in names]), ran, strict=True):
            with tab:
                snippet_panel(r)


def article_exports(ps: PageState, paths: tuple[plots.Path, ...]) -> None:
    """The article view's slide PNG, movie (level sets of √f on the article's box, Adam's early stop as it is) and
    its PyTorch program: the article's update rules in tensor ops (torch.optim has no ε inside the square root)."""
    with layout.on_demand(
        _("Export: slide PNG, animation as GIF or MP4, and the article as PyTorch"),
        ps.key("articleexportopen"),
        ":material/ios_share:",
    ) as shown:
        if not shown:
            return
        f, names = core.get_function(article.FUNCTION), [n for n, _points in paths]
        title = title_for(names, f, article.HYPERPARAMETERS, article.STEPS) + figure_text(
            N_(" · the article's setting, Adam stopped by its rule")
        )
        where, key = ps.key("article_export"), Landscape(article.FUNCTION)
        png_download(where, key, paths, title, "article_paths", box=article.BOX, article=True)
        movie_controls(where, key, paths, title, article.STEPS, "article_paths", box=article.BOX, article=True)
        st.markdown("**" + _("Copy as PyTorch") + "**")
        st.code(snippets.article_program(_("The article's five runs in PyTorch (Descent Lab)")), language="python")
        st.caption(
            _(
                "torch.optim's Adagrad, RMSprop and Adam add ε outside the square root (√v + ε); the article puts it "
                "inside (√(v + ε)), so the program writes the article's five update rules out in tensor ops. float64, "
                "gradients by autograd, Adam stopped by the article's rule: the paths agree with the app's to rounding."
            )
        )


def _show_progress(bar: Any, i: int, n: int) -> None:
    """Move the export's progress bar to frame ``i`` of ``n``."""
    bar.progress(i / n, text=_("Drawing frame {i} of {n}…").format(i=i, n=n))
