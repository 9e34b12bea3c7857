"""Slide exports (the PNG and every GIF / MP4 frame) for 1, 5 and 13 optimizers, in English and Chinese: no
text overlaps another or leaves the figure, every axis label is kept, and the landscape's box keeps its
aspect ratio (square on a square domain).

The checks read the laid-out figure (text bounding boxes from its renderer) and the exported pixels (the
figure's outer margin stays blank in every frame, so nothing is cut at an edge). Without a font with Chinese
glyphs (``fc-list :lang=zh``; ``packages.txt`` installs one on Streamlit Cloud), figures would fall back to
English: the Chinese cases then draw the Chinese text with the font that is there (each missing glyph a box
as wide as a character), which still measures the Chinese layout.
"""

from __future__ import annotations

import io
import itertools
import warnings

import imageio.v3 as iio
import numpy as np
import pytest
from matplotlib.image import imread
from matplotlib.transforms import Bbox

import core
from core.run import Landscape
from ui import export, i18n, plots, slide

NAMES = list(core.OPTIMIZERS)  # the 2-D optimizers, in the registry's order
COUNTS = [1, 5, len(NAMES)]
assert len(NAMES) >= 13


@pytest.fixture(params=["en", "zh"])
def lang(request, monkeypatch):
    """The figures' language; Chinese is drawn even when no CJK font is installed (see the module's note)."""
    monkeypatch.setattr(i18n, "language", lambda: request.param)
    if request.param == "zh" and plots.cjk_font() is None:
        monkeypatch.setattr(plots, "cjk_font", lambda: "DejaVu Sans")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing")
        yield request.param


def runs(names: list[str], fn: str = "quadratic", steps: int = 20) -> tuple:
    f = core.get_function(fn)
    return tuple((n, core.simulate(f, core.get_optimizer(n, lr=0.1), f.start, steps).points) for n in names)


def title(names: list[str], fn: str = "quadratic", steps: int = 20) -> str:
    return export.title_for(names, core.get_function(fn), {n: {"lr": 0.1} for n in names}, steps)


def text_boxes(shown: slide.Slide) -> dict[str, Bbox]:
    """The extent (pixels) of each block of the figure: title, counter, legend, the axes with their tick and axis
    labels, the colour bar with its ticks and label."""
    r = shown.canvas.get_renderer()
    boxes = {"title": shown.title.get_window_extent(r), "axes with labels": shown.ax.get_tightbbox(r)}
    if shown.counter is not None:
        boxes["step counter"] = shown.counter.get_window_extent(r)
    if shown.legend is not None:
        boxes["legend"] = shown.legend.get_window_extent(r)
    if shown.colorbar is not None:
        boxes["colour bar with labels"] = shown.colorbar.get_tightbbox(r)
    return boxes


def assert_laid_out(shown: slide.Slide, box: tuple[float, float, float, float]) -> None:
    """Every block inside the figure, no two overlapping, the axis labels drawn, and the box's aspect kept."""
    fig = shown.fig
    shown.canvas.draw()
    boxes = text_boxes(shown)
    edge = fig.bbox.padded(-0.5)  # half a pixel of rounding
    for name, b in boxes.items():
        assert edge.x0 <= b.x0 and b.x1 <= edge.x1 + 1 and edge.y0 <= b.y0 and b.y1 <= edge.y1 + 1, (name, b)
    for (a, ba), (b, bb) in itertools.combinations(boxes.items(), 2):
        inter = Bbox.intersection(ba, bb)
        assert inter is None or inter.width < 0.5 or inter.height < 0.5, f"{a} overlaps {b}"
    assert shown.title.get_text() and "\n" not in shown.title.get_text()[:1]
    assert shown.ax.get_xlabel() == "x" and shown.ax.get_ylabel() == "y"
    assert shown.ax.xaxis.label.get_visible() and shown.ax.yaxis.label.get_visible()
    if shown.colorbar is not None:
        assert shown.colorbar.get_ylabel()
    ax = shown.ax.get_window_extent()
    xmin, xmax, ymin, ymax = box
    assert ax.width / ax.height == pytest.approx((xmax - xmin) / (ymax - ymin), abs=0.01)


def assert_blank_margin(image: np.ndarray, margin: int, tol: int = 0) -> None:
    """The outermost ``margin`` pixels of an RGB(A) frame are white: nothing is cut at the figure's edge."""
    rgb = image[..., :3].astype(float)
    if rgb.max() <= 1.0:
        rgb = rgb * 255
    edges = (rgb[:margin], rgb[-margin:], rgb[:, :margin], rgb[:, -margin:])
    ring = np.concatenate([e.reshape(-1, 3) for e in edges])
    assert ring.min() >= 255 - tol, "something is drawn at the figure's edge"


@pytest.mark.parametrize("count", COUNTS)
def test_png_text_apart_inside_the_figure_and_the_box_square(lang, count):
    names = NAMES[:count]
    shown = slide.slide_figure(Landscape("quadratic"), names, title(names), slide.PNG_SIZE, slide.PNG_DPI)
    plots.draw_paths(shown.ax, runs(names))
    assert_laid_out(shown, core.get_function("quadratic").box)
    if count == len(NAMES) and lang == "zh":  # the wrapped title holds Chinese text
        assert "\n" in shown.title.get_text() and "步" in shown.title.get_text()


@pytest.mark.parametrize("count", COUNTS)
def test_movie_frame_text_apart_with_the_widest_step_counter_and_the_box_square(lang, count):
    names = NAMES[:count]
    shown = export.movie_slide(Landscape("quadratic"), names, title(names), 20)
    assert shown.counter is not None and "20 / 20" in shown.counter.get_text()
    assert (shown.fig.bbox.width, shown.fig.bbox.height) == (export.WIDTH, export.HEIGHT)
    assert_laid_out(shown, core.get_function("quadratic").box)


def test_a_long_box_keeps_its_ratio(lang):
    """Six-hump camel's box is 4 × 2.4: drawn 5 : 3, not stretched to the figure."""
    f = core.get_function("six_hump_camel")
    assert (f.box[1] - f.box[0]) / (f.box[3] - f.box[2]) == pytest.approx(5 / 3)
    shown = export.movie_slide(Landscape("six_hump_camel"), NAMES[:5], title(NAMES[:5], "six_hump_camel"), 300)
    assert_laid_out(shown, f.box)


def test_exported_png_gif_and_mp4_frames_are_not_cut_at_the_edges(lang):
    names = NAMES[:5]
    paths, shown_title = runs(names, steps=12), title(names, steps=12)
    margin = int(slide.PAD_IN * slide.PNG_DPI) - 2
    png = imread(io.BytesIO(slide.png(Landscape("quadratic"), paths, shown_title)))
    assert png.shape[:2] == (slide.PNG_SIZE[1] * slide.PNG_DPI, slide.PNG_SIZE[0] * slide.PNG_DPI)
    assert png[..., 3].min() == 1.0  # opaque
    assert_blank_margin(png, margin)
    margin = int(slide.PAD_IN * export.MOVIE_DPI) - 2
    gif = iio.imread(
        export.render_movie("GIF", Landscape("quadratic"), paths, shown_title, 12), extension=".gif", index=None
    )
    assert len(gif) == 13
    for frame in gif:
        assert_blank_margin(frame, margin, tol=4)  # the shared palette's nearest white
    mp4 = export.render_movie("MP4", Landscape("quadratic"), paths, shown_title, 12)
    for frame in iio.imiter(mp4, extension=".mp4", plugin="FFMPEG"):
        assert_blank_margin(frame, margin // 2, tol=8)  # H.264 blurs colours a few pixels into the margin


def test_wrap_breaks_between_words_and_chinese_characters():
    shown = slide.slide_figure(Landscape("quadratic"), ["adam"], "", (4.0, 3.0), 100)
    r = shown.canvas.get_renderer()
    text = "Gradient descent, Momentum (heavy ball), Adam on Quadratic bowl · lr 0.1 / 0.1 / 0.1 · 20 steps"
    lines = slide.wrap(shown.title, text, 150, r).split("\n")
    assert " ".join(lines) == text and len(lines) > 2
    for line in lines:
        shown.title.set_text(line)
        assert shown.title.get_window_extent(r).width <= 150 or " " not in line
    chinese = slide.wrap(shown.title, "梯度下降在二次碗形函数上走了二十步" * 3, 120, r).split("\n")
    assert "".join(chinese) == "梯度下降在二次碗形函数上走了二十步" * 3 and len(chinese) > 1
