"""The step player's controls and formula panel.

Step forward and back, play and pause with a speed, jump to start or end, a scrubber
over all steps, and the granularity (one equation, one layer, the whole pass). Below,
the current equation typeset, the same equation with the numbers, the result, and a
plain-language line. Emits ``step_changed`` so the canvas can highlight what the step
reads and writes.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.stepthrough.explain import Explanation, explain
from core.stepthrough.highlight import Highlight, highlight
from core.stepthrough.player import GRANULARITIES, StepPlayer
from core.stepthrough.steps import Step

from ..app_state import AppState
from ..plain_text import plain_label
from .quiz_box import QuizBox
from .typeset import formula_pixmap

PHASE_COLOURS = {"forward": "#1f6fb5", "backward": "#c2571a", "update": "#2e7d32"}


@dataclass
class StepView:
    """What the canvas needs to show one position of the player."""

    step: Step | None
    highlight: Highlight | None
    revealed: frozenset  # trace names computed so far
    explanation: Explanation | None


class StepPanel(QWidget):
    step_changed = Signal(object)  # StepView

    def __init__(self, state, parent=None) -> None:
        super().__init__(parent)
        self.document = None
        self.player: StepPlayer | None = None
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
        self.numbers = plain_label(parent=self)  # numbers, or an error naming a plugin
        self.numbers.setWordWrap(True)
        self.numbers.setTextInteractionFlags(Qt.TextSelectableByMouse)
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.Monospace)
        self.numbers.setFont(mono)
        self.meaning = plain_label(parent=self)
        self.meaning.setWordWrap(True)
        self.meaning.setStyleSheet("color: #555; font-style: italic;")
        self.quiz = QuizBox(self)
        self.quiz.answered.connect(self._quiz_answered)
        self.quiz.hide()
        card = QFrame(self)
        card.setFrameShape(QFrame.StyledPanel)
        card.setObjectName("formulaCard")
        card.setStyleSheet("#formulaCard { background: white; border: 1px solid #ccc; border-radius: 4px; }")
        card_layout = QVBoxLayout(card)
        card_layout.addWidget(self.formula)
        card_layout.addWidget(self.numbers)
        card_layout.addWidget(self.meaning)
        card_layout.addWidget(self.quiz)

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addLayout(scrub)
        layout.addWidget(card, 1)

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
                self.quiz.ask(self.player.steps[self.player.position])
            return
        self.quiz.hide()
        self.player.step_forward()
        self._show()

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
        """Back to the start (the canvas shows plain values again), e.g. when training moves on."""
        self._fresh()
        if self.player is not None and self.player.position:
            self.pause()
            self.player.to_start()
            self._show()

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
        player = self.player
        if player is None or player.current is None:
            revealed = frozenset(player.revealed()) if player else frozenset()
            return StepView(None, None, revealed, None)
        step = player.current
        return StepView(step, highlight(step, player.trace.network.sizes), frozenset(player.revealed()),
                        explain(step, player.trace, lr=player.lr))

    def _show(self, keep_quiz: bool = False) -> None:
        if not keep_quiz:
            self.quiz.hide()
        player = self.player
        enabled = player is not None
        for w in (self.start_button, self.back_button, self.play_button, self.forward_button,
                  self.end_button, self.scrubber):
            w.setEnabled(enabled)
        view = self.current_view()
        if player is None:
            self.position_label.setText("no pass")
            self.formula.clear()
            self.numbers.setText(self.document.trace_error or "" if self.document else "")
            self.meaning.clear()
            self.step_changed.emit(view)
            return
        self.scrubber.blockSignals(True)
        self.scrubber.setRange(0, len(player))
        self.scrubber.setValue(player.position)
        self.scrubber.blockSignals(False)
        if view.step is None:
            self.position_label.setText(f"start · 0 / {len(player)}")
            self.formula.clear()
            self.numbers.setText("Press Step forward (→) to compute the first step of the forward pass.")
            self.meaning.setText("")
        else:
            step, e = view.step, view.explanation
            colour = PHASE_COLOURS.get(step.phase, "#202020")
            self.position_label.setText(
                f"<span style='color:{colour}'><b>{step.phase}</b></span> · {player.position} / {len(player)}")
            pixmap = formula_pixmap(step.formula, color=colour)
            if pixmap is None:
                self.formula.setText(step.formula)
            else:
                self.formula.setPixmap(pixmap)
            self.numbers.setText(e.substituted)
            self.meaning.setText(e.meaning)
        self.step_changed.emit(view)
