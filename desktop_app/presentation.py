"""Presentation mode (F5): the network and the formula, full screen, large, for a projector.

A window of its own over the main window: a second view of the same canvas scene (so the
step highlights and the moving dots are the canvas's own), below it the step's formula
and numbers drawn large by the step panel's own pieces (the typeset formula, the
EquationView of its numbers, the plain-language line) — or, while training, the live
plots, lent by the main window and given back on leaving. The keys a presenter clicker
sends step through the pass: → Page Down and space forward, ← Page Up back; Home and End
jump; Esc (or F5) leaves. While training, space plays or pauses and → trains one epoch.
A small counter in the corner says where the class is.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPainter, QTransform
from PySide6.QtWidgets import QFrame, QGraphicsItem, QGraphicsView, QLabel, QVBoxLayout, QWidget

from core.stepthrough.numbers import figures

from . import colours
from .animation.equation_view import EquationView
from .animation.typeset import formula_pixmap
from .canvas.items import CACHED
from .canvas.step_overlay import legend
from .canvas.view import layers_rect
from .plain_text import plain_label

if TYPE_CHECKING:
    from .main_window import MainWindow

#: what the keys do, (keys, meaning) for the help; the key handling below follows it
STEP_KEYS = (
    ("→ / Page Down / Space", "Next step"),
    ("← / Page Up", "Previous step"),
    ("Home / End", "The start / the end of the pass"),
    ("Esc / F5", "Leave the presentation"),
)
TRAIN_KEYS = (
    ("Space", "Play / pause training"),
    ("→ / Page Down", "Train one epoch"),
    ("Esc / F5", "Leave the presentation"),
)
FORWARD = (Qt.Key.Key_Right, Qt.Key.Key_PageDown, Qt.Key.Key_Space, Qt.Key.Key_Down)
BACK = (Qt.Key.Key_Left, Qt.Key.Key_PageUp, Qt.Key.Key_Up)
LEAVE = (Qt.Key.Key_Escape, Qt.Key.Key_F5)
MAX_STAGE_SCALE = 3.5  # neurons and their numbers as large as the screen allows


def text_scale(height: int) -> float:
    """How much larger than in the window the formula is drawn on a screen ``height`` px tall."""
    return max(1.4, min(3.2, height / 420))


class StageView(QGraphicsView):
    """The canvas scene again, read only, the network fitted as large as it goes."""

    def __init__(self, scene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.setInteractive(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setBackgroundBrush(QColor("white"))
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName("The network, large")
        self.legend = legend(self)  # not the viewport: scrolling would carry it along
        self.legend.hide()

    def fit(self) -> None:
        rect, viewport = layers_rect(self.scene()), self.viewport().rect()
        top = self.legend.height() + 12 if self.legend.isVisible() else 0
        room_w, room_h = viewport.width() - 40, viewport.height() - 40 - top
        if rect.isEmpty() or room_w <= 0 or room_h <= 0:
            return
        scale = min(room_w / rect.width(), room_h / rect.height(), MAX_STAGE_SCALE)
        self.setTransform(QTransform.fromScale(scale, scale))
        self.centerOn(rect.center().x(), rect.center().y() - top / 2 / scale)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()


class FormulaBoard(QWidget):
    """The current step: its typeset formula, the equation with the numbers, and its meaning."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scale = 1.5
        self.formula = plain_label(parent=self)  # a pixmap, or the plugin's formula as text
        self.formula.setAccessibleName("Formula")
        self.numbers = EquationView(self)
        self.numbers.setAccessibleName("The formula with the numbers")
        self.meaning = plain_label(parent=self)
        self.meaning.setWordWrap(True)
        self.meaning.setAccessibleName("What the step means")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 8, 40, 16)
        for widget in (self.formula, self.numbers, self.meaning):
            layout.addWidget(widget)
        layout.addStretch(1)
        self._view = None

    def set_scale(self, scale: float) -> None:
        self.scale = scale
        self.numbers.set_scale(scale)
        font = QFont(self.meaning.font())
        font.setPointSizeF(10 * scale)
        font.setItalic(True)
        self.meaning.setFont(font)
        self.meaning.setStyleSheet("color: #555;")
        self.show_view(self._view)

    def show_view(self, view) -> None:
        """Show a StepView (None or no step: a line saying how to start)."""
        self._view = view
        if view is None or view.step is None:
            self.formula.clear()
            self.numbers.clear()
            self.meaning.setText("Press → to compute the first step of the forward pass.")
            return
        step, explanation = view.step, view.explanation
        pixmap = formula_pixmap(step.formula, color=colours.phase(step.phase), scale=self.scale * 1.2)
        if pixmap is None:
            self.formula.setText(step.formula)
        else:
            self.formula.setPixmap(pixmap)
        self.numbers.set_lines(explanation.lines)
        self.meaning.setText(explanation.meaning)


class PresentationWindow(QWidget):
    """Full screen: the network and the current step (or the training plots), for a class.

    Parameters
    ----------
    main : MainWindow
        The window whose canvas, step player and training are shown.
    training : bool
        Show the live plots instead of the formula, and let the keys drive training.
    """

    def __init__(self, main: MainWindow, training: bool) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.main = main
        self.training = training
        self.setWindowTitle("Backprop Studio — presentation")
        self.setObjectName("presentation")
        self.setStyleSheet("#presentation { background: white; }")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # Qt keeps one "repaint" flag per item for all views' device caches: with two views the
        # second would show stale pictures, so the items paint directly while presenting
        self._cached = [item for item in main.view.scene_.items() if item.cacheMode() == CACHED]
        for item in self._cached:
            item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        self.stage = StageView(main.view.scene_, self)
        self.board = FormulaBoard(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.stage, 3)
        self._placeholder: QWidget | None = None
        if training:  # the plots move here while presenting, and back on leaving
            self._placeholder = QWidget()
            main.plots_dock.setWidget(self._placeholder)
            layout.addWidget(main.plots, 2)
            main.plots.show()
            self.board.hide()
        else:
            layout.addWidget(self.board, 2)
        self.counter = QLabel(self)
        self.counter.setAccessibleName("Where the presentation is")
        self.counter.setStyleSheet("color: rgba(0, 0, 0, 110); font-size: 13px;")
        self.timer = QTimer(self, interval=500)  # the epoch counter while training
        self.timer.timeout.connect(self._count)
        # Check yourself asks in the step panel, which is not on the screen: the class sees each step
        self._quiz_was_on = main.steps.quiz_toggle.isChecked()
        main.steps.quiz_toggle.setChecked(False)
        main.steps.step_changed.connect(self.show_step)
        self.show_step(main.steps.current_view())

    # -- what is shown --------------------------------------------------------------------
    def show_step(self, view) -> None:
        if self.training:
            return
        self.board.show_view(view)
        stepping = view is not None and view.step is not None
        if stepping != self.stage.legend.isVisible():
            self.stage.legend.adjustSize()
            self.stage.legend.move(16, 12)
            self.stage.legend.setVisible(stepping)
            self.stage.fit()
        self._count()

    def _count(self) -> None:
        if self.training:
            history = self.main.training.history
            text = f"epoch {history.last_epoch}"
            if history.n_epochs:
                text += f" · train loss {figures(history.train_loss.values[-1])}"
        else:
            player = self.main.steps.player
            text = "no pass" if player is None else f"{player.position} / {len(player)}"
            if player is not None and player.current is not None:
                text = f"{player.current.phase} · {text}"
        self.counter.setText(text)
        self.counter.adjustSize()
        self._place_counter()

    def _place_counter(self) -> None:
        """Top right: the network is centred below the legend, the plots fill the bottom."""
        self.counter.move(self.width() - self.counter.width() - 16, 10)
        self.counter.raise_()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.board.set_scale(text_scale(self.height()))
        self._place_counter()
        QTimer.singleShot(0, self.stage.fit)

    def present(self, full_screen: bool = True) -> None:
        """Show (full screen, unless a screenshot asks for a size) and take the keys."""
        if full_screen:
            self.showFullScreen()
        else:
            self.show()
        self.activateWindow()
        self.setFocus()
        if self.training:
            self.timer.start()
        self._count()

    # -- the clicker ----------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in LEAVE:
            self.close()
        elif self.training:
            self._training_key(key)
        elif key in FORWARD:
            self.main.steps.step_forward()
        elif key in BACK:
            self.main.steps.step_back()
        elif key == Qt.Key.Key_Home:
            self.main.steps.to_start()
        elif key == Qt.Key.Key_End:
            self.main.steps.to_end()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def _training_key(self, key: int) -> None:
        panel = self.main.training
        if key == Qt.Key.Key_Space:
            panel.play_pause()
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_PageDown):
            panel.step_epoch()
        self._count()

    def closeEvent(self, event) -> None:
        """Leave: the plots go back to their dock, the main window takes the keys again."""
        self.timer.stop()
        self.main.steps.quiz_toggle.setChecked(self._quiz_was_on)
        try:
            self.main.steps.step_changed.disconnect(self.show_step)
        except (RuntimeError, TypeError):
            pass
        for item in self._cached:
            if shiboken6.isValid(item):
                item.setCacheMode(CACHED)
        self._cached = []
        if self._placeholder is not None:
            self.main.plots_dock.setWidget(self.main.plots)
            self.main.plots.show()
            self._placeholder.deleteLater()
            self._placeholder = None
        self.main.presentation_closed()
        super().closeEvent(event)
