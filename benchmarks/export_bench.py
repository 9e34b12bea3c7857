"""Export sizes and times: GIF and MP4 of one optimizer and of a Compare with 3 and 5 optimizers.

Each line: frames drawn, file size, playing time (short runs slowed, the last frame held), total time
(frames + encoding) and the time of the frames alone.
Run: ``python -m benchmarks.export_bench`` (single-threaded matplotlib; ffmpeg may use a second core).
"""

from __future__ import annotations

import time

import core
from ui import export
from ui.theme import color

RUNS = {
    "5 optimizers, 20 steps (slowed)": (
        [("gd", 1e-3), ("momentum", 5e-4), ("adagrad", 0.5), ("rmsprop", 0.01), ("adam", 0.05)],
        20,
    ),
    "1 optimizer, 50 steps": ([("adam", 0.05)], 50),
    "1 optimizer, 300 steps (capped)": ([("adam", 0.05)], 300),
    "3 optimizers, 300 steps (capped)": ([("adam", 0.05), ("momentum", 5e-4), ("rmsprop", 0.01)], 300),
    "5 optimizers, 1000 steps (capped)": (
        [("gd", 1e-3), ("momentum", 5e-4), ("adagrad", 0.5), ("rmsprop", 0.01), ("adam", 0.05)],
        1000,
    ),
}
FUNCTION, START = "rosenbrock", (-1.5, 2.5)


def main() -> None:
    f = core.get_function(FUNCTION)
    print(f"{export.WIDTH}x{export.HEIGHT}, at most {export.MAX_FRAMES} frames at {export.FPS} fps, on {FUNCTION}")
    for label, (chosen, steps) in RUNS.items():
        paths = tuple((n, core.simulate(f, core.get_optimizer(n, lr=lr), START, steps).points) for n, lr in chosen)
        title = export.title_for([n for n, _ in chosen], f, {n: {"lr": lr} for n, lr in chosen}, steps)
        t0 = time.perf_counter()
        frames = list(export.movie_frames((FUNCTION,), paths, title, steps))
        drawn = time.perf_counter() - t0
        colors = [color(n) for n, _ in chosen]
        repeats = export.frame_repeats(len(frames))
        encoders = (
            ("GIF", lambda fr, c=colors, r=repeats: export.encode_gif(fr, c, r / export.FPS)),
            ("MP4", lambda fr, r=repeats: export.encode_mp4(export.held_frames(fr, r))),
        )
        for kind, encode in encoders:
            t1 = time.perf_counter()
            data = encode(frames)
            total = drawn + time.perf_counter() - t1
            print(
                f"{label:36s} {kind}: {len(frames):3d} frames, {len(data) / 1e6:5.2f} MB, "
                f"plays {export.duration(steps):4.1f} s, "
                f"{total:5.2f} s (frames {drawn:4.2f} s)"
            )


if __name__ == "__main__":
    main()
