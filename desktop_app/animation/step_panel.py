"""The step player's controls and formula panel.

Step forward and back, play and pause with a speed, jump to start or end, a scrubber
over all steps, and the granularity (one equation, one layer, the whole pass). Below,
the current equation typeset, the same equation with the numbers (real column vectors and
matrices), a plain-language line, the element view of the canvas selection, and the
check-yourself question. Everything comes from the step table (core.stepthrough.steps).
Emits ``step_changed`` so the canvas can highlight what the step reads and writes: a
StepView while the panel is shown, None when it is hidden (the canvas is normal again).
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.stepthrough.player import GRANULARITIES, StepPlayer
from core.stepthrough.steps import Step
from core.stepthrough.view import StepView, step_view

from .. import colours
from ..app_state import AppState
from ..plain_text import plain_label
from .element_panel import ElementPanel
from .equation_view import EquationView
from .quiz_box import QuizBox
from .typeset import formula_pixmap


class StepPanel(QWidget):
    step_changed = Signal(object)  # StepView

    def __init__(self, state, parent=None) -> None:
        super().__init__(parent)
        self.document = None
        self.player: StepPlayer | None = None
        self.selection = None  # the canvas selection, for the element view
        self._stale = False
        self.play_timer = QTimer(self)
        self.play_timer.timeout.connect(self._advance_playing)
        self._build()
        self.state = AppState.of(state)
        self.state.document_changed.connect(self._follow)
        self._follow(self.state.document)

    # -- widgets -------------------------------------------------------------------
    def _button(self, icon: QStyle.StandardPixmap, tip: str, slot, shortcut: str | None = None) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(self.style().standardIcon(icon))
        button.setText(tip)
        button.setToolTip(tip + (f" ({shortcut})" if shortcut else ""))
        button.setAutoRaise(True)
        button.setMinimumWidth(34)
        if shortcut:
            button.setShortcut(QKeySequence(shortcut))
        button.clicked.connect(slot)
        return button

    def _build(self) -> None:
        self.start_button = self._button(QStyle.SP_MediaSkipBackward, "Jump to the start", self.to_start, "Home")
        self.back_button = self._button(QStyle.SP_MediaSeekBackward, "Step back", self.step_back, "Left")
        self.play_button = self._button(QStyle.SP_MediaPlay, "Play", self.toggle_play, "Space")
        self.forward_button = self._button(QStyle.SP_MediaSeekForward, "Step forward", self.step_forward, "Right")
        self.end_button = self._button(QStyle.SP_MediaSkipForward, "Jump to the end", self.to_end, "End")
        self.granularity = QComboBox(self)
        self.granularity.addItems(["one equation", "one layer", "whole pass"])
        self.granularity.setToolTip("How far one step moves")
        self.granularity.currentIndexChanged.connect(self._granularity_changed)
        self.speed = QSlider(Qt.Horizontal, self)
        self.speed.setRange(1, 10)
        self.speed.setValue(5)
        self.speed.setFixedWidth(90)
        self.speed.setToolTip("Playing speed")
        self.speed.valueChanged.connect(self._speed_changed)
        self.lr = QDoubleSpinBox(self)
        self.lr.setDecimals(4)
        self.lr.setRange(0.0001, 10.0)
        self.lr.setSingleStep(0.01)
        self.lr.setValue(0.1)
        self.lr.setPrefix("η = ")
        self.lr.setToolTip("Learning rate of the update step W ← W − η ∇W")
        self.lr.valueChanged.connect(lambda _: self.rebuild(keep_position=True))
        self.quiz_toggle = QCheckBox("Check yourself", self)
        self.quiz_toggle.setToolTip("Before each step is shown, give one value of it")
        self.scrubber = QSlider(Qt.Horizontal, self)
        self.scrubber.setToolTip("Every step of the pass")
        self.scrubber.valueChanged.connect(self._scrubbed)
        self.position_label = QLabel(self)
        self.position_label.setMinimumWidth(120)

        controls = QHBoxLayout()
        for w in (self.start_button, self.back_button, self.play_button, self.forward_button, self.end_button):
            controls.addWidget(w)
        controls.addWidget(self.granularity)
        controls.addWidget(self.quiz_toggle)
        controls.addStretch(1)
        scrub = QHBoxLayout()
        scrub.addWidget(self.scrubber, 1)
        scrub.addWidget(self.position_label)
        scrub.addWidget(QLabel("Speed", self))
        scrub.addWidget(self.speed)
        scrub.addWidget(self.lr)

        self.formula = plain_label(parent=self)  # a pixmap, or the plugin's formula as text
        self.formula.setMinimumHeight(34)
        self.formula.setAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        self.hint = plain_label(parent=self)  # a hint, or an error naming a plugin
        self.hint.setWordWrap(True)
        self.numbers = EquationView(self)
        self.meaning = plain_label(parent=self)
        self.meaning.setWordWrap(True)
        self.meaning.setStyleSheet("color: #555; font-style: italic;")
        self.element = ElementPanel(self)
        self.element.hide()
        self.quiz = QuizBox(self)
        self.quiz.answered.connect(self._quiz_answered)
        self.quiz.hide()
        card = QFrame(self)
        card.setFrameShape(QFrame.StyledPanel)
        card.setObjectName("formulaCard")
        card.setStyleSheet("#formulaCard { background: white; border: 1px solid #ccc; border-radius: 4px; }")
        card_layout = QVBoxLayout(card)
        card_layout.addWidget(self.quiz)
        card_layout.addWidget(self.formula)
        card_layout.addWidget(self.hint)
        card_layout.addWidget(self.numbers)
        card_layout.addWidget(self.element)
        card_layout.addWidget(self.meaning)
        card_layout.addStretch(1)
        self.scroll = QScrollArea(self)  # a small window scrolls the card instead of cutting it
        self.scroll.setWidget(card)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)  # equations wrap instead
        self.formula.setMinimumWidth(1)

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addLayout(scrub)
        layout.addWidget(self.scroll, 1)

    # -- the document and its trace -------------------------------------------------
    def _follow(self, document) -> None:
        """Step through another open Document, from its first step."""
        self.document = document
        document.trace_changed.connect(self._trace_changed)
        self.rebuild(keep_position=False)

    def _trace_changed(self) -> None:
        if not self.isVisible():  # hidden (e.g. tabbed behind Training while it trains): later
            self._stale = True
            return
        self.rebuild(keep_position=True)

    def _fresh(self) -> None:
        """Catch up with a trace that changed while the panel was hidden."""
        if self._stale:
            self.rebuild(keep_position=True)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fresh()
        self._show(keep_quiz=True)

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self.pause()
        self.step_changed.emit(None)  # the step-through is put away: the canvas is normal again

    def set_selection(self, selection) -> None:
        """The canvas selection changed: show the element view of the current step for it."""
        self.selection = selection
        view = self.current_view() if self.player is not None else None
        self.element.show_element(view.step if view else None, self.player.trace if self.player else None,
                                  selection, self.lr.value())
        if self.element.view is not None:
            QTimer.singleShot(0, lambda: self.scroll.ensureWidgetVisible(self.element, 0, 0))

    def rebuild(self, keep_position: bool = True) -> None:
        """A new player from the document's trace (after an edit, a new example, a new η)."""
        self._stale = False
        old = self.player.position if (self.player and keep_position) else 0
        trace = self.document.trace if self.document else None
        if trace is None:
            self.player = None
            self.pause()
        else:
            self.player = StepPlayer(trace, lr=self.lr.value())
            self.player.granularity = GRANULARITIES[self.granularity.currentIndex()]
            self.player.position = min(old, len(self.player))
        self._show()

    # -- moving ------------------------------------------------------------------
    def step_forward(self) -> None:
        self._fresh()
        if self.player is None or self.player.at_end:
            self.pause()
            return
        if self.quiz_toggle.isChecked():
            if not self.quiz.awaiting:
                self.pause()
                self._ask(self.player.steps[self.player.position])
            return
        self.quiz.hide()
        self.player.step_forward()
        self._show()

    def _ask(self, step: Step) -> None:
        """Pose the question about ``step`` with its formula shown and its numbers hidden."""
        self.quiz.ask(step)
        colour = colours.phase(step.phase)
        self._set_formula(step.formula, colour)
        self.numbers.clear()
        self.element.hide()
        self.meaning.clear()
        self.hint.setText("Next step: work it out, then type your answer above.")
        self.hint.show()

    def _quiz_answered(self) -> None:
        """After the learner answered, reveal the step (the verdict stays visible)."""
        if self.player is not None and not self.player.at_end:
            self.player.step_forward()
            self._show(keep_quiz=True)

    def step_back(self) -> None:
        self._fresh()
        if self.player is not None:
            self.quiz.hide()
            self.player.step_back()
            self._show()

    def to_start(self) -> None:
        self._fresh()
        if self.player is not None:
            self.player.to_start()
            self._show()

    def leave(self) -> None:
        """Back to the start and the canvas normal again, e.g. when training moves the weights on."""
        self._fresh()
        self.pause()
        if self.player is not None and self.player.position:
            self.player.to_start()
            self._show()
        self.step_changed.emit(None)

    def to_end(self) -> None:
        self._fresh()
        if self.player is not None:
            self.pause()
            self.player.to_end()
            self._show()

    def seek(self, position: int) -> None:
        self._fresh()
        if self.player is not None:
            self.player.seek(position)
            self._show()

    def seek_quantity(self, quantity: str) -> None:
        """Jump to right after the step that computes ``quantity`` (e.g. "grad_W2")."""
        self._fresh()
        if self.player is not None:
            self.seek(self.player.index_of(quantity))

    def toggle_play(self) -> None:
        if self.play_timer.isActive():
            self.pause()
        else:
            self.play()

    def play(self) -> None:
        self._fresh()
        if self.player is None:
            return
        if self.player.at_end:
            self.player.to_start()
        self.play_timer.start(self._interval())
        self.play_button.setIcon(self.style().standardIcon(QStyle.SP_MediaPause))
        self.play_button.setText("Pause")

    def pause(self) -> None:
        self.play_timer.stop()
        self.play_button.setIcon(self.style().standardIcon(QStyle.SP_MediaPlay))
        self.play_button.setText("Play")

    @property
    def playing(self) -> bool:
        return self.play_timer.isActive()

    def _advance_playing(self) -> None:
        self.step_forward()
        if self.player is None or self.player.at_end or self.quiz.awaiting:
            self.pause()

    def _interval(self) -> int:
        return int(3200 / self.speed.value())  # speed 1 … 10 → 3.2 s … 0.32 s per step

    def _speed_changed(self) -> None:
        if self.play_timer.isActive():
            self.play_timer.start(self._interval())

    def _granularity_changed(self, index: int) -> None:
        if self.player is not None:
            self.player.granularity = GRANULARITIES[index]

    def _scrubbed(self, value: int) -> None:
        if self.player is not None and value != self.player.position:
            self.quiz.hide()
            self.player.seek(value)
            self._show()

    # -- showing -----------------------------------------------------------------
    def current_view(self) -> StepView:
        return step_view(self.player)

    def _set_formula(self, latex: str, colour: str) -> None:
        pixmap = formula_pixmap(latex, color=colour)
        if pixmap is None:
            self.formula.setText(latex)
        else:
            self.formula.setPixmap(pixmap)

    def _show(self, keep_quiz: bool = False) -> None:
        if not keep_quiz:
            self.quiz.hide()
        player = self.player
        enabled = player is not None
        for w in (self.start_button, self.back_button, self.play_button, self.forward_button,
                  self.end_button, self.scrubber):
            w.setEnabled(enabled)
        view = self.current_view()
        self.hint.hide()
        if player is None:
            self.position_label.setText("no pass")
            self.formula.clear()
            self.numbers.clear()
            self.hint.setText(self.document.trace_error or "" if self.document else "")
            self.hint.show()
            self.meaning.clear()
            self.element.hide()
            self._emit(view)
            return
        self.scrubber.blockSignals(True)
        self.scrubber.setRange(0, len(player))
        self.scrubber.setValue(player.position)
        self.scrubber.blockSignals(False)
        if view.step is None:
            self.position_label.setText(f"start · 0 / {len(player)}")
            self.formula.clear()
            self.numbers.clear()
            self.hint.setText("Press Step forward (→) to compute the first step of the forward pass. "
                              "The canvas shows the input x; every other value appears when it is computed.")
            self.hint.show()
            self.meaning.setText("")
            self.quiz.score_label.setText(self.quiz.score.text())
            if player.position == 0 and not keep_quiz:
                self.quiz.reset_score()
        else:
            step, e = view.step, view.explanation
            colour = colours.phase(step.phase)
            self.position_label.setText(
                f"<span style='color:{colour}'><b>{step.phase}</b></span> · {player.position} / {len(player)}")
            self._set_formula(step.formula, colour)
            self.numbers.set_lines(e.lines)
            self.meaning.setText(e.meaning)
        self.element.show_element(view.step, player.trace, self.selection, player.lr)
        self._emit(view)

    def _emit(self, view: StepView) -> None:
        if self.isVisible():
            self.step_changed.emit(view)
