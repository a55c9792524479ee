"""The training buttons, the pace, the stop conditions and the epoch counter (no logic: signals).

Like TensorFlow Playground's top bar: Reset, Play/Pause, Step, with the epoch counter
always in view; then how fast to train (one step at a time up to as fast as possible)
and when to stop by itself.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from core.training.setup import PACES, REAL_TIME, StopWhen


def pace_label(pace: float | None) -> str:
    """'1 step/s', '60 steps/s (real time)', 'as fast as possible'."""
    if pace is None:
        return "as fast as possible"
    text = f"{pace:g} step/s" if pace == 1 else f"{pace:g} steps/s"
    if pace == REAL_TIME:
        text += " (real time)"
    return text


def nearest_pace(pace: float | None) -> int:
    """The slider position of the offered pace closest to ``pace`` (in ratio)."""
    if pace is None:
        return len(PACES) - 1
    finite = [(i, p) for i, p in enumerate(PACES) if p is not None]
    return min(finite, key=lambda ip: abs(ip[1] / pace - 1) if ip[1] > pace else abs(pace / ip[1] - 1))[0]


class OptionalSpin(QWidget):
    """A check box that switches a number on or off: a stop condition."""

    changed = Signal()

    def __init__(self, label: str, spin: QSpinBox | QDoubleSpinBox, tip: str) -> None:
        super().__init__()
        self.check = QCheckBox(label)
        self.spin = spin
        self.spin.setKeyboardTracking(False)
        self.spin.setEnabled(False)
        for widget in (self.check, self.spin):
            widget.setToolTip(tip)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.check)
        layout.addWidget(self.spin)
        self.check.toggled.connect(self.spin.setEnabled)
        self.check.toggled.connect(lambda *_: self.changed.emit())
        self.spin.valueChanged.connect(lambda *_: self.changed.emit())

    def value(self) -> float | None:
        return self.spin.value() if self.check.isChecked() else None

    def set_value(self, value: float | None, default: float) -> None:
        self.blockSignals(True)
        self.check.setChecked(value is not None)
        self.spin.setValue(default if value is None else value)
        self.blockSignals(False)


class TrainingControls(QWidget):
    """Buttons, pace and stop conditions; the panel connects the signals.

    Signals
    -------
    play_pause, step_batch, step_epoch, reset, stop, keep_run ()
        A button was pressed.
    pace_changed(object)
        Steps per second (None: as fast as possible).
    stop_changed(object)
        The new :class:`StopWhen`.
    """

    play_pause = Signal()
    step_batch = Signal()
    step_epoch = Signal()
    reset = Signal()
    stop = Signal()
    keep_run = Signal()
    pace_changed = Signal(object)
    stop_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        icon = self.style().standardIcon
        SP = QStyle.StandardPixmap
        self.play_button = QPushButton(icon(SP.SP_MediaPlay), "Play")
        self.step_button = QPushButton(icon(SP.SP_MediaSkipForward), "Step batch")
        self.epoch_button = QPushButton(icon(SP.SP_MediaSeekForward), "Step epoch")
        self.reset_button = QPushButton(icon(SP.SP_BrowserReload), "")
        self.stop_button = QPushButton(icon(SP.SP_MediaStop), "")
        for button, name in ((self.reset_button, "Reset"), (self.stop_button, "Stop")):
            button.setAccessibleName(name)  # icons only: the row fits a small screen
        self.keep_button = QPushButton("Keep this run")
        self.play_button.setToolTip("Train at the pace below (Pause keeps the optimizer's state)")
        self.step_button.setToolTip("One optimizer step on one mini-batch")
        self.epoch_button.setToolTip("Train until the end of the current epoch")
        self.reset_button.setToolTip("Reset: draw fresh weights from the init seed (undoable); the plots start over")
        self.stop_button.setToolTip("Stop training now (the next Play starts a fresh optimizer)")
        self.keep_button.setToolTip("Freeze the current curves as ghost lines in the plots, to compare "
                                    "with the next run (another activation, optimizer, depth …)")
        # the play button keeps one width for "Play" and "Pause": nothing moves under the pointer
        self.play_button.setMinimumWidth(self.play_button.fontMetrics().horizontalAdvance("Pause") + 48)
        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        for button in (self.reset_button, self.play_button, self.step_button, self.epoch_button,
                       self.stop_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.epoch_label = QLabel("Epoch 0")
        font = QFont(self.epoch_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.epoch_label.setFont(font)
        self.epoch_label.setToolTip("Epochs trained (one pass over the training set each)")
        self.step_label = QLabel("step 0")
        self.step_label.setToolTip("Optimizer steps (mini-batches) trained")
        counter = QHBoxLayout()
        counter.addWidget(self.epoch_label)
        counter.addWidget(self.step_label, 0, Qt.AlignmentFlag.AlignBottom)
        counter.addStretch(1)
        counter.addWidget(self.keep_button)

        self.pace = QSlider(Qt.Orientation.Horizontal)
        self.pace.setRange(0, len(PACES) - 1)
        self.pace.setPageStep(1)
        self.pace.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.pace.setToolTip("How fast to train: one step a second (watch every batch) up to as fast "
                             "as the computer can")
        self.pace_text = QLabel()
        self.pace_text.setMinimumWidth(self.pace_text.fontMetrics().horizontalAdvance("60 steps/s (real time)"))

        self.stop_epochs = OptionalSpin("after", QSpinBox(minimum=1, maximum=10**7, value=500, suffix=" epochs"),
                                        "Pause after this many epochs in all")
        self.stop_loss = OptionalSpin("train loss ≤", QDoubleSpinBox(minimum=0.0, maximum=1e6, decimals=4,
                                                                     singleStep=0.01, value=0.05),
                                      "Pause once the train loss is at most this")
        self.stop_accuracy = OptionalSpin("test accuracy ≥", QSpinBox(minimum=1, maximum=100, value=95, suffix=" %"),
                                          "Pause once the test accuracy is at least this")
        options = QGridLayout()
        options.setContentsMargins(0, 0, 0, 0)
        options.setHorizontalSpacing(6)
        options.addWidget(QLabel("Pace"), 0, 0)
        options.addWidget(self.pace, 0, 1, 1, 2)
        options.addWidget(self.pace_text, 0, 3)
        options.addWidget(QLabel("Stop"), 1, 0)
        options.addWidget(self.stop_epochs, 1, 1)
        options.addWidget(self.stop_loss, 1, 2, 1, 2)
        options.addWidget(self.stop_accuracy, 2, 1)
        options.setColumnStretch(1, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(counter)
        layout.addLayout(buttons)
        layout.addLayout(options)

        self.play_button.clicked.connect(self.play_pause)
        self.step_button.clicked.connect(self.step_batch)
        self.epoch_button.clicked.connect(self.step_epoch)
        self.reset_button.clicked.connect(self.reset)
        self.stop_button.clicked.connect(self.stop)
        self.keep_button.clicked.connect(self.keep_run)
        self.pace.valueChanged.connect(self._on_pace)
        for widget in (self.stop_epochs, self.stop_loss, self.stop_accuracy):
            widget.changed.connect(lambda: self.stop_changed.emit(self.stop_when()))
        self.set_pace(REAL_TIME)

    # -- values -------------------------------------------------------------------------
    def pace_value(self) -> float | None:
        return PACES[self.pace.value()]

    def set_pace(self, pace: float | None) -> None:
        """Show ``pace`` (the nearest offered one) without emitting pace_changed."""
        self.pace.blockSignals(True)
        self.pace.setValue(nearest_pace(pace))
        self.pace.blockSignals(False)
        self.pace_text.setText(pace_label(self.pace_value()))

    def _on_pace(self, position: int) -> None:
        self.pace_text.setText(pace_label(PACES[position]))
        self.pace_changed.emit(PACES[position])

    def stop_when(self) -> StopWhen:
        epochs = self.stop_epochs.value()
        accuracy = self.stop_accuracy.value()
        return StopWhen(epochs=None if epochs is None else int(epochs), train_loss=self.stop_loss.value(),
                        test_accuracy=None if accuracy is None else accuracy / 100)

    def set_stop_when(self, stop: StopWhen) -> None:
        self.stop_epochs.set_value(stop.epochs, 500)
        self.stop_loss.set_value(stop.train_loss, 0.05)
        self.stop_accuracy.set_value(None if stop.test_accuracy is None else round(stop.test_accuracy * 100), 95)

    # -- state ------------------------------------------------------------------------
    def show_state(self, *, training: bool, has_session: bool) -> None:
        """Play or Pause; the step buttons only while not training; Stop while there is a run."""
        icon = QStyle.StandardPixmap.SP_MediaPause if training else QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setText("Pause" if training else "Play")
        self.step_button.setEnabled(not training)
        self.epoch_button.setEnabled(not training)
        self.stop_button.setEnabled(has_session)

    def show_counter(self, epoch: int, step: int) -> None:
        self.epoch_label.setText(f"Epoch {epoch:,}")
        self.step_label.setText(f"step {step:,}")
