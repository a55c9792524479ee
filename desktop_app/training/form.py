"""The training settings: dataset, samples, noise, split, optimizer form, batch size, seeds."""
from __future__ import annotations

import csv
import math
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QSpinBox,
    QWidget,
)

from core.plugin_host import guard
from core.plugin_host.registry import Registry
from core.training.data import Dataset, DatasetError, load_csv_dataset, make_dataset
from core.training.trainer import TrainConfig

from ..plain_text import tooltip

CSV_ITEM = "CSV file…"
LABELS = {"lr": "Learning rate", "momentum": "Momentum", "beta1": "β₁", "beta2": "β₂",
          "eps": "ε", "alpha": "Decay α"}


class SciSpinBox(QDoubleSpinBox):
    """A spin box that shows 1e-08 and 0.001 alike; arrows step the leading digit."""

    def __init__(self, value: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(12)
        self.setRange(0.0, 1e9)
        self.setValue(value)
        self.setKeyboardTracking(False)

    def textFromValue(self, value: float) -> str:
        return f"{value:.6g}"

    def valueFromText(self, text: str) -> float:
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):
        try:
            float(text)
            return QValidator.State.Acceptable, text, pos
        except ValueError:
            partial = text in ("", "-", ".") or text.lower().endswith(("e", "e-", "e+"))
            return (QValidator.State.Intermediate if partial else QValidator.State.Invalid), text, pos

    def stepBy(self, steps: int) -> None:
        value = self.value()
        unit = 10 ** math.floor(math.log10(value)) if value > 0 else 0.1
        if steps < 0 and value - unit <= 0:
            unit /= 10  # 0.1 steps down to 0.09, not 0
        self.setValue(max(0.0, value + steps * unit))


def choose_csv(parent: QWidget | None) -> tuple[str, str] | None:
    """Ask for a CSV file and its target column; None if cancelled (replaceable in tests)."""
    path = QFileDialog.getOpenFileName(parent, "Import CSV data", "", "CSV files (*.csv);;All files (*)")[0]
    if not path:
        return None
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), [])
    except OSError:
        header = []
    if not header:
        return path, "-1"
    column, ok = QInputDialog.getItem(parent, "Target column", "Which column holds the class?",
                                      header, len(header) - 1, False)
    return (path, column) if ok else None


def load_csv(path: str, target: str) -> Dataset:
    """core.data.load_csv_dataset, with the target given by name (or a number as text)."""
    key: str | int = int(target) if target.lstrip("-").isdigit() else target
    return load_csv_dataset(path, key)


class TrainingForm(QWidget):
    """Two groups of settings; emits ``data_changed`` or ``optimizer_changed`` on edits."""

    data_changed = Signal()
    optimizer_changed = Signal()

    def __init__(self, registry: Registry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.registry = registry
        self.csv: tuple[str, str] | None = None
        self.hyper: dict[str, SciSpinBox] = {}

        data_box = QGroupBox("Data")
        data = QFormLayout(data_box)
        self.dataset = QComboBox()
        self.samples = QSpinBox(minimum=10, maximum=20000, singleStep=50, value=200)
        self.noise = QDoubleSpinBox(minimum=0.0, maximum=5.0, singleStep=0.05, value=0.2, decimals=2)
        self.test_percent = QSpinBox(minimum=0, maximum=90, singleStep=5, value=20, suffix=" %")
        self.data_seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=0)
        data.addRow("Dataset", self.dataset)
        data.addRow("Samples", self.samples)
        data.addRow("Noise", self.noise)
        data.addRow("Test split", self.test_percent)
        data.addRow("Data seed", self.data_seed)

        opt_box = QGroupBox("Optimizer")
        self.opt_form = QFormLayout(opt_box)
        self.optimizer = QComboBox()
        self.batch_size = QSpinBox(minimum=1, maximum=4096, value=10)
        self.init_seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=0)
        self.opt_form.addRow("Optimizer", self.optimizer)
        self.opt_form.addRow("Batch size", self.batch_size)
        self.opt_form.addRow("Init seed", self.init_seed)
        for form in (data, self.opt_form):
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setVerticalSpacing(4)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(data_box)
        layout.addWidget(opt_box)
        self.refresh(registry)

        self.dataset.activated.connect(self._on_dataset_chosen)
        self.optimizer.currentTextChanged.connect(self._build_hyperparameters)
        for spin in (self.samples, self.noise, self.test_percent, self.data_seed):
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(lambda *_: self.data_changed.emit())
        self.batch_size.setKeyboardTracking(False)
        self.batch_size.valueChanged.connect(lambda *_: self.optimizer_changed.emit())

    # -- registry contents -----------------------------------------------------------
    def refresh(self, registry: Registry) -> None:
        """Offer every usable dataset and optimizer of ``registry``."""
        self.registry = registry
        current = self.dataset.currentText()
        self.dataset.blockSignals(True)
        self.dataset.clear()
        for name in registry.usable("datasets"):
            spec = registry.datasets[name]
            self.dataset.addItem(name)
            self.dataset.setItemData(self.dataset.count() - 1, tooltip(spec.description or name),
                                     Qt.ItemDataRole.ToolTipRole)
        self.dataset.insertSeparator(self.dataset.count())
        self.dataset.addItem(CSV_ITEM)
        if current and self.dataset.findText(current) >= 0:
            self.dataset.setCurrentText(current)
        self.dataset.blockSignals(False)
        self._sync_dataset_fields()
        optimizer = self.optimizer.currentText()
        self.optimizer.blockSignals(True)
        self.optimizer.clear()
        self.optimizer.addItems(registry.usable("optimizers"))
        self.optimizer.setCurrentText(optimizer if optimizer in registry.usable("optimizers") else "sgd")
        self.optimizer.blockSignals(False)
        self._build_hyperparameters(self.optimizer.currentText())

    def _build_hyperparameters(self, name: str) -> None:
        for spin in self.hyper.values():
            self.opt_form.removeRow(spin)
        self.hyper = {}
        if name not in self.registry.optimizers:
            return
        defaults = self.registry.optimizers[name].defaults
        for row, (key, value) in enumerate(sorted(defaults.items(), key=lambda kv: kv[0] != "lr"), start=1):
            spin = SciSpinBox(float(value))
            spin.setToolTip(tooltip(f"{name} hyperparameter {key!r} (default {value:g})"))
            spin.valueChanged.connect(lambda *_: self.optimizer_changed.emit())
            self.opt_form.insertRow(row, LABELS.get(key, key), spin)
            self.hyper[key] = spin
        self.optimizer_changed.emit()

    # -- dataset choice ----------------------------------------------------------------
    def dataset_name(self) -> str:
        return self.dataset.currentText()

    def set_dataset(self, name: str) -> None:
        """Choose a dataset of the registry by name (as the user would)."""
        self.dataset.setCurrentText(name)
        self._on_dataset_chosen(self.dataset.currentIndex())

    def _on_dataset_chosen(self, index: int) -> None:
        if self.dataset.itemText(index) == CSV_ITEM:
            choice = choose_csv(self)
            if choice is None:
                self.dataset.setCurrentIndex(0)
            else:
                self.csv = choice
                self.dataset.setItemText(index, Path(choice[0]).name)
                self.dataset.setItemData(index, "csv", Qt.ItemDataRole.UserRole)
        self._sync_dataset_fields()
        self.data_changed.emit()

    def _is_csv(self) -> bool:
        return self.dataset.currentData(Qt.ItemDataRole.UserRole) == "csv"

    def _sync_dataset_fields(self) -> None:
        spec = self.registry.datasets.get(self.dataset_name())
        self.noise.setEnabled(spec is not None and "noise" in spec.defaults)
        self.samples.setEnabled(spec is not None)
        if spec is not None:
            for widget, key in ((self.samples, "n_samples"), (self.noise, "noise")):
                if key in spec.defaults:
                    widget.blockSignals(True)
                    widget.setValue(spec.defaults[key])
                    widget.blockSignals(False)

    def make_data(self) -> tuple[Dataset, Dataset, Dataset]:
        """(all, train, test) for the current settings; raises DatasetError with a clear message."""
        if self._is_csv() and self.csv:
            try:
                full = load_csv(*self.csv)
            except (OSError, ValueError) as exc:
                raise DatasetError(str(exc)) from None
        else:
            name = self.dataset_name()
            spec = self.registry.datasets.get(name)
            if spec is None:
                raise DatasetError("choose a dataset")
            params = {"noise": self.noise.value()} if "noise" in spec.defaults else {}
            try:  # the dataset plugin's code, with a time limit (a plugin that hangs is flagged)
                full = guard.call_with_time_limit(make_dataset, self.registry, name, suspects=[spec],
                                                  n_samples=self.samples.value(), seed=self.data_seed.value(),
                                                  what=f"generating {name}", **params)
            except guard.PluginHang as exc:
                spec.problem = spec.problem or exc.problem
                raise DatasetError(str(exc)) from None
        train, test = full.split(self.test_percent.value() / 100, self.data_seed.value())
        return full, train, test

    def fits(self, name: str, sizes: list[int]) -> bool:
        """Whether dataset ``name`` fits a network with these layer sizes."""
        spec = self.registry.datasets.get(name)
        if spec is None or spec.n_inputs not in (None, sizes[0]):
            return False
        if spec.task == "regression":
            return sizes[-1] == 1
        return spec.n_classes in (None, sizes[-1]) or (sizes[-1] == 1 and spec.n_classes == 2)

    def config(self) -> TrainConfig:
        return TrainConfig(optimizer=self.optimizer.currentText(),
                           hyperparameters={k: s.value() for k, s in self.hyper.items()},
                           batch_size=self.batch_size.value(), seed=self.data_seed.value())
