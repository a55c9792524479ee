"""Painting on the training timer's beat, while the worker thread is held.

Qt paints a changed widget in a later pass of the event loop: a graphics scene posts its
dirty-item processing as a queued call, a layout whose item changed size a LayoutRequest,
the widget an UpdateRequest to its window, and a pyqtgraph view settles its auto-range
only when about to paint (and then asks for a second paint). Painting then, with the
training thread running again, makes every Python ``paint``/``boundingRect`` wait for
the GIL. ``PaintNow`` does all of it inside the tick, so the tick can hold the worker
for exactly the time it draws.
"""
from __future__ import annotations

import gc

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QGraphicsView, QWidget


class PaintNow:
    """Repaints whatever changed in ``window`` (its graphics views included) when called."""

    def __init__(self, window: QWidget) -> None:
        self.window = window
        self.views = window.findChildren(QGraphicsView)  # looked up once: ~0.3 ms a time

    def __call__(self) -> None:
        scenes = []
        for view in self.views:
            try:
                if view.isVisible() and view.scene() is not None:
                    scenes.append(view.scene())
            except RuntimeError:  # a view deleted since (a closed dialog)
                continue
        for scene in scenes:
            if isinstance(scene, pg.GraphicsScene):
                scene.prepareForPaint()  # auto-range and axes settle before the paint, not after it
            QCoreApplication.sendPostedEvents(scene, QEvent.Type.MetaCall)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        for scene in scenes:
            QCoreApplication.sendPostedEvents(scene, QEvent.Type.MetaCall)
        QCoreApplication.sendPostedEvents(self.window, QEvent.Type.UpdateRequest)


class TrainingPace:
    """The GC set aside while a worker trains.

    A full GC pass holds the GIL while it scans every object of the window (~30 ms, a
    stall of the event loop); ``gc.freeze()`` puts those objects aside until training
    ends. (A shorter GIL switch interval was measured too: no better latency, lower
    throughput, as the tick already holds the worker while it draws.) Sessions
    ``begin()`` and ``end()`` (each idempotent); the GC stays frozen while any trains.
    """

    _active: set[int] = set()

    def __init__(self) -> None:
        self.on = False

    def begin(self) -> None:
        if self.on:
            return
        self.on = True
        if not TrainingPace._active:
            gc.freeze()
        TrainingPace._active.add(id(self))

    def end(self) -> None:
        if not self.on:
            return
        self.on = False
        TrainingPace._active.discard(id(self))
        if not TrainingPace._active:
            gc.unfreeze()
