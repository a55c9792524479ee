"""GUI benchmark (run by hand): training with the window open, event-loop latency, canvas redraw.

    .venv/bin/python benchmarks/gui.py [--seconds 1] [--rounds 6]

Prints training steps per second with the window and live plots on against the same
Trainer run headless in this process (target ≥ 0.8×): paired rounds of one block each,
the order alternating, and the median of the per-round ratios with their range. Also
the worst lateness of a 10 ms QTimer while the window trains (target < 50 ms), the
worst lateness of a 5 ms QTimer while a wide network, [2, 512, 512, 2], trains with its
neuron maps and decision boundary drawn, at the default pace and as fast as possible
(``--wide-seconds`` of Play each; target ≤ 50 ms, issue 11), and the time to build and
redraw a 6-layer, 64-wide network (target redraw < 50 ms; see ``canvas_times`` for what
a redraw includes). Runs offscreen unless QT_QPA_PLATFORM is set. Two cores are shared:
on a busy machine the figures move; run it a few times.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Iterator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402

from core.engine.network import Network  # noqa: E402
from core.plugin_host.host import PluginHost  # noqa: E402
from core.training.data import make_dataset  # noqa: E402
from core.training.trainer import LIVE_REPORT_SECONDS, TrainConfig, Trainer  # noqa: E402
from desktop_app.launch import application  # noqa: E402
from desktop_app.main_window import MainWindow  # noqa: E402

SIZES = [2, 8, 8, 2]
WIDE = [2, 512, 512, 2]  # the wide network of the event-loop check with neuron maps


def spiral_network() -> Network:
    return Network(SIZES, "tanh", "softmax_cross_entropy", seed=1)


def headless_steps(host: PluginHost) -> tuple[Trainer, Iterator]:
    """The plain Trainer with the window's settings (80 % of 200 spiral points, batch 10), as
    TrainingSession builds it, and its step generator."""
    full = make_dataset(host.registry, "spiral", n_samples=200, seed=0, noise=0.2)
    train, test = full.split(0.2, 0)
    trainer = Trainer(spiral_network(), train, host.registry,
                      TrainConfig(optimizer="sgd", hyperparameters={"lr": 0.1}, batch_size=10),
                      test, sync_network=False, step_history=0,
                      report_every=None, report_seconds=LIVE_REPORT_SECONDS)
    return trainer, trainer.iter_steps(10**9)


def headless_block(trainer: Trainer, steps: Iterator, seconds: float) -> float:
    """Optimizer steps per second over about ``seconds`` of headless training."""
    first, start = trainer.step_count, time.perf_counter()
    for _ in steps:
        if time.perf_counter() - start > seconds:
            break
    return (trainer.step_count - first) / (time.perf_counter() - start)


def gui_block(window: MainWindow, seconds: float, lateness: list[float], period_ms: int = 10) -> float:
    """Steps per second of Play in the window over about ``seconds`` of a real event loop, then
    Pause; ``lateness`` gets the lateness in ms of every tick of a ``period_ms`` timer meanwhile."""
    panel = window.training
    last = [time.perf_counter()]

    def probe() -> None:
        now = time.perf_counter()
        lateness.append(max(0.0, (now - last[0]) * 1000 - period_ms))
        last[0] = now

    timer = QTimer(interval=period_ms)
    timer.setTimerType(timer.timerType().PreciseTimer)
    timer.timeout.connect(probe)
    panel.play()
    first = panel.session.trainer.step_count
    timer.start()
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    last[0] = start = time.perf_counter()
    loop.exec()  # a real event loop, as the app runs it
    steps = panel.session.trainer.step_count - first
    elapsed = time.perf_counter() - start
    timer.stop()
    panel.pause()
    return steps / elapsed


def wide_lateness(app, window: MainWindow, seconds: float) -> list[tuple[str, float, float, float]]:
    """(pace, steps/s, worst and median lateness in ms of a 5 ms timer) while a [2, 512, 512, 2]
    tanh network trains on spiral with its neuron maps and decision boundary drawn, at the
    default pace and as fast as possible."""
    window.replace_document(Network(WIDE, "tanh", "softmax_cross_entropy", seed=1), None)
    window.training.form.set_dataset("spiral")
    app.processEvents()
    pace = window.training.controls.pace
    figures = []
    for label, value in (("default pace", pace.value()), ("fastest", pace.maximum())):
        pace.setValue(value)
        app.processEvents()
        lateness: list[float] = []
        rate = gui_block(window, seconds, lateness, period_ms=5)
        figures.append((label, rate, max(lateness), statistics.median(lateness)))
    window.training.stop()
    return figures


def canvas_times(app, window: MainWindow, repeats: int = 10) -> tuple[float, float]:
    """(build, median redraw) in ms for a 6-layer, 64-wide network.

    build: replace_document with the new network, processEvents, and a full paint of the
    canvas viewport. redraw (median of ``repeats``): new weights through
    ``network.set_parameters`` (the model event restyles the canvas and recomputes the
    trace, as a training tick does), ``view.refresh_values()`` once more, and a full,
    synchronous repaint of the visible canvas (``viewport().grab()`` paints every item
    in view into a pixmap; items whose value changed re-render their cache).
    """
    network = Network([64] * 6, "tanh", "softmax_cross_entropy", seed=0)
    start = time.perf_counter()
    window.replace_document(network, None)
    app.processEvents()
    window.view.viewport().grab()
    build = (time.perf_counter() - start) * 1000
    rng = np.random.default_rng(0)
    redraws = []
    for _ in range(repeats):
        weights = [W + rng.normal(0, 0.01, W.shape) for W in network.weights]
        start = time.perf_counter()
        network.set_parameters(weights, network.biases)
        window.view.refresh_values()
        window.view.viewport().grab()  # a full paint of the visible canvas
        redraws.append((time.perf_counter() - start) * 1000)
    return build, statistics.median(redraws)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="length of one timed block")
    parser.add_argument("--rounds", type=int, default=6, help="paired rounds (headless, window open)")
    parser.add_argument("--wide-seconds", type=float, default=4.0, help="Play per pace with the wide network")
    args = parser.parse_args()
    app = application()
    host = PluginHost(safe_mode=True).load()
    window = MainWindow(host, spiral_network(), use_autosave=False, restore_layout=False)
    window.resize(1440, 900)
    window.show()
    app.processEvents()

    window.training.form.set_dataset("spiral")
    pace = window.training.controls.pace
    pace.setValue(pace.maximum())  # as fast as possible (the slider's last stop)
    trainer, steps = headless_steps(host)
    headless, with_gui, lateness = [], [], []
    for r in range(args.rounds):  # paired rounds, the order alternating
        for which in ((0, 1) if r % 2 == 0 else (1, 0)):
            if which == 0:
                headless.append(headless_block(trainer, steps, args.seconds))
            else:
                with_gui.append(gui_block(window, args.seconds, lateness))
    window.training.stop()
    ratios = sorted(g / h for g, h in zip(with_gui, headless, strict=True))
    q1, ratio, q3 = (float(q) for q in np.quantile(ratios, [0.25, 0.5, 0.75]))
    noisy = q3 - q1 > 0.25 * ratio  # the machine was busy: the rounds disagree
    worst, median = max(lateness), statistics.median(lateness)
    wide = wide_lateness(app, window, args.wide_seconds)
    build, redraw = canvas_times(app, window)
    print(f"platform: {app.platformName()}; {args.rounds} paired rounds of {args.seconds:g} s")
    print(f"headless training:      {statistics.median(headless):9.0f} steps/s")
    verdict = "NOISY" if noisy else "OK" if ratio >= 0.8 else "MISSED"
    print(f"training, window open:  {statistics.median(with_gui):9.0f} steps/s   ratio {ratio:.2f}x "
          f"(middle half {q1:.2f}–{q3:.2f}, rounds {ratios[0]:.2f}–{ratios[-1]:.2f}; target >= 0.80)  {verdict}")
    print(f"event-loop lateness:    worst {worst:6.1f} ms, median {median:.1f} ms  (target < 50 ms)  "
          f"{'OK' if worst < 50 else 'MISSED'}")
    for label, rate, worst_wide, median_wide in wide:
        print(f"{WIDE} with maps, {label + ':':13s} worst {worst_wide:6.1f} ms, median {median_wide:.1f} ms "
              f"of a 5 ms timer ({rate:.0f} steps/s)  (target <= 50 ms)  {'OK' if worst_wide <= 50 else 'MISSED'}")
    print(f"6 x 64 network:         build {build:6.1f} ms, redraw {redraw:.1f} ms  (target redraw < 50 ms)  "
          f"{'OK' if redraw < 50 else 'MISSED'}")
    window.document.undo_stack.setClean()
    window.close()


if __name__ == "__main__":
    main()
