"""`backprop-studio screenshot`: render the main window offscreen to a PNG."""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from core.cli.base import non_negative
from core.io.resources import example_path

DEFAULT_FILE = example_path("textbook")


def parse_size(text: str) -> tuple[int, int]:
    """'1400x900' -> (1400, 900)."""
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1400x900, not {text!r}") from None
    if not (320 <= width <= 8000 and 240 <= height <= 8000):
        raise argparse.ArgumentTypeError("size must be between 320x240 and 8000x8000")
    return width, height


def configure(parser: argparse.ArgumentParser) -> None:
    """The arguments of `backprop-studio screenshot`."""
    parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE), metavar="FILE",
                        help="network or lesson file (default: the textbook example)")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.png", help="the PNG to write")
    parser.add_argument("--size", type=parse_size, default=(1440, 900), metavar="WxH",
                        help="window size (default 1440x900)")
    parser.add_argument("--dataset", metavar="NAME", help="dataset to choose in the training panel")
    parser.add_argument("--train", type=non_negative, default=0, metavar="EPOCHS",
                        help="train this many epochs first, so the plots show curves")
    parser.add_argument("--step", metavar="QUANTITY",
                        help="show the step player right after the step computing QUANTITY (a1, grad_W2 …)")
    parser.add_argument("--select", metavar="ELEMENT",
                        help="select a neuron, weight or bias, e.g. h2[1] or W2[1,3] (with --step: its element view)")
    parser.add_argument("--quiz", action="store_true",
                        help="with --step: pose the check-yourself question of the next step")
    parser.add_argument("--answer", metavar="TEXT", help="with --quiz: type this answer and press Check")
    parser.add_argument("--welcome", action="store_true", help="show the start screen")
    parser.add_argument("--layout", choices=["build", "step", "train"], default=None,
                        help="the task layout (default: step with --step, train with --dataset or --train, "
                             "else build)")
    parser.add_argument("--present", action="store_true",
                        help="the presentation mode (F5) at --size instead of the window")
    parser.add_argument("--colours", choices=["standard", "colour_blind"], default=None,
                        help="the colour scheme (default: the one in the settings)")
    parser.add_argument("--page", type=int, metavar="N",
                        help="a lesson FILE: follow it at page N (with --edit: edit it, page N selected)")
    parser.add_argument("--edit", action="store_true", help="a lesson FILE: open it in the lesson editor")
    parser.add_argument("--lesson-answer", metavar="TEXT", help="a lesson page: give this answer and press Check")
    parser.add_argument("--safe-mode", action="store_true", help="load only the built-in plugins")
    parser.add_argument("--features", nargs="+", metavar="NAME",
                        help="input features for the input layer, h_0 = φ(x) (x1 x2 x1_squared x2_squared x1_x2 "
                             "sin_x1 sin_x2)")
    parser.add_argument("--compare-activations", nargs="+", metavar="NAME",
                        help="with --train N: train N epochs with every hidden layer on each activation in turn, "
                             "keep each run (ghost lines in the plots), then reset the weights")


def _settle(app, seconds: float = 0.3) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.01)


def take_screenshot(file: str, output: str, size: tuple[int, int] = (1440, 900), **options) -> Path:
    """Build the window with ``file`` offscreen, show values, optionally train, grab it to ``output``.

    ``options`` are those of :func:`staged_window`.
    """
    present = options.pop("present", False)
    app, window = staged_window(file, size, **options)
    shown = window
    if present:
        shown = window.toggle_presentation(full_screen=False)
        shown.resize(*size)
        _settle(app, 0.3)
        _freeze_pulse(window)
        _settle(app, 0.1)
    output = Path(output)
    if not shown.grab().save(str(output), "PNG"):
        raise OSError(f"could not write {output}")
    window.document.undo_stack.setClean()
    window.close()
    return output


def staged_window(file: str, size: tuple[int, int] = (1440, 900), *, dataset: str | None = None,
                  train_epochs: int = 0, safe_mode: bool = False, step: str | None = None,
                  welcome: bool = False, select: str | None = None, quiz: bool = False,
                  answer: str | None = None, colours: str | None = None, layout: str | None = None,
                  page: int | None = None, edit: bool = False, lesson_answer: str | None = None,
                  features: list[str] | None = None, compare_activations: list[str] | None = None):
    """The window of :func:`take_screenshot`, shown and settled, before it is grabbed.

    Returns
    -------
    (QApplication, MainWindow)
        Tests check what is on screen; the caller closes the window.
    """
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before the QApplication exists
    from core.io.network_file import example_arrays
    from core.lesson.lesson_file import load_network_or_lesson
    from core.lesson.model import Lesson
    from core.plugin_host.host import PluginHost

    from .launch import application
    from .main_window import MainWindow

    app = application()
    host = PluginHost(safe_mode=True if safe_mode else None).load()
    if dataset and dataset not in host.registry.usable("datasets") and not Path(dataset).suffix == ".csv":
        host.registry.dataset(dataset)  # RegistryError: "unknown dataset 'x' (available: …)"
    loaded = load_network_or_lesson(file)
    lesson = loaded if isinstance(loaded, Lesson) else None
    network, extras = (lesson.network.copy(), lesson.network_extras) if lesson is not None else loaded
    if features:
        for name in features:
            host.registry.feature(name)  # RegistryError: "unknown feature 'x' (available: …)"
        network.set_features(list(features))
    for name in compare_activations or ():
        host.registry.activation(name)
    window = MainWindow(host, network, None if lesson is not None else file, example_arrays(extras),
                        use_autosave=False, restore_layout=False, setup=extras.get("setup"))
    if colours is not None:
        from . import colours as colour_schemes

        colour_schemes.use(colours)
    window.resize(*size)
    window.show()
    if layout is None:
        layout = "step" if step or quiz else "train" if dataset or train_epochs else "build"
    window.layouts.switch(layout)
    _settle(app, 0.1)
    panel = window.training
    if dataset:
        panel.form.set_dataset(dataset)
    if compare_activations and train_epochs > 0:
        _compare_runs(window, compare_activations, train_epochs)
    elif train_epochs > 0:
        panel.train_here(train_epochs)
    if step is None and select is None and layout == "build" and not welcome:
        _select_something(window)
    _settle(app)
    window.view.zoom_to_fit()
    _settle(app, 0.2)
    if step is not None:
        _show_step(window, step)
    if select is not None:
        from .canvas.selection import selection_of

        window.view.scene().select(selection_of(select, window.document.network.sizes))
    if quiz:
        _pose_question(window, answer)
    if welcome:
        window.show_welcome()
    if lesson is not None:
        _show_lesson(app, window, lesson, page, edit, lesson_answer)
    _settle(app, 0.2)
    panel.maps.wait_until_drawn(app.processEvents)  # the maps come from their own thread
    return app, window


def _show_lesson(app, window, lesson, page: int | None, edit: bool, answer: str | None) -> None:
    """Follow (or edit) ``lesson`` at ``page`` (1-based), progress not remembered."""
    from core.lesson.session import LessonSession

    lessons = window.lessons
    lessons.open_lesson(lesson, None, edit=edit)
    index = max(0, min(len(lesson.pages), page or 1) - 1)
    if edit:
        lessons.editor.pages.setCurrentRow(index)
    else:
        lessons.session = LessonSession(lesson, window.host.registry, remember=False)
        lessons.student.follow(lessons.session)
        lessons.student.go(index)
        if answer is not None:
            box = lessons.student.question
            if box.line.isVisible():
                box.line.setText(answer)
            elif box.group.button(int(answer)) is not None:
                box.group.button(int(answer)).setChecked(True)
            box.check()
    _settle(app, 0.3)
    window.view.zoom_to_fit()
    _freeze_pulse(window)


def _show_step(window, quantity: str) -> None:
    """Raise the step player at ``quantity``, with the pulse frozen half-way along the edges."""
    window.steps_dock.show()
    window.steps_dock.raise_()
    try:
        window.steps.seek_quantity(quantity)
    except KeyError:
        names = ", ".join(s.quantity for s in window.steps.player.steps) if window.steps.player else ""
        raise ValueError(f"no step computes {quantity!r} (steps: {names})") from None
    _freeze_pulse(window)


def _freeze_pulse(window) -> None:
    """The dots along the edges, stopped half-way (a still picture of the animation)."""
    animation = window.view.step_overlay.animation
    if animation.state() == animation.State.Running:
        animation.pause()
        animation.setCurrentTime(animation.duration() // 2)


def _pose_question(window, answer: str | None) -> None:
    """Turn Check yourself on and ask about the next step (and answer it, if given)."""
    panel = window.steps
    panel.quiz_toggle.setChecked(True)
    panel.step_forward()
    if answer is not None:
        panel.quiz.answer.setText(answer)
        panel.quiz.check()


def _compare_runs(window, activations: list[str], epochs: int) -> None:
    """For each activation: every hidden layer on it, Reset, train ``epochs``, Keep this run; then Reset."""
    from .commands import SetActivation

    panel, document = window.training, window.document
    for name in activations:
        for k in range(1, document.network.depth):
            if document.network.layers[k].activation != name:
                document.undo_stack.push(SetActivation(document.network, k, name))
        panel.reset()
        panel.train_here(epochs)
        panel.keep_run()
    panel.reset()


def _select_something(window) -> None:
    """Select the first neuron of hidden layer 1 so the inspector has values to show."""
    scene = window.view.scene()
    select = getattr(scene, "select", None)
    if not callable(select) or window.document.network.depth < 2:
        return
    from .canvas.selection import Selection

    select(Selection("neuron", 1, 0))


def run(args: argparse.Namespace) -> int:
    path = take_screenshot(args.file, args.output, args.size, dataset=args.dataset,
                           train_epochs=args.train, safe_mode=args.safe_mode, step=args.step,
                           welcome=args.welcome, select=args.select, quiz=args.quiz, answer=args.answer,
                           colours=args.colours, layout=args.layout, present=args.present, page=args.page,
                           edit=args.edit, lesson_answer=args.lesson_answer, features=args.features,
                           compare_activations=args.compare_activations)
    print(path)
    return 0
