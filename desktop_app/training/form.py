"""The training settings: dataset, samples, noise, split, seed; optimizer, its hyperparameters, batch size.

The form shows a :class:`~core.training.setup.TrainingSetup` (``show``) and builds one
from what the user set (``setup``); it emits ``edited`` when the user changes something.
"""
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

from core.plugin_host.registry import Registry
from core.training.setup import TrainingSetup

from ..plain_text import tooltip

CSV_ITEM = "CSV file…"
CSV_ROLE = Qt.ItemDataRole.UserRole  # the CSV item's data: (path, target column)
LABELS = {"lr": "Learning rate", "momentum": "Momentum", "beta1": "β₁", "beta2": "β₂",
          "eps": "ε", "alpha": "Decay α"}
USUAL_LR = (1e-5, 3.0)  # a learning rate outside gets a warning


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
    column, ok = QInputDialog.getItem(parent, "Target column", "Which column holds the target (a class or "
                                      "a number to fit)?", header, len(header) - 1, False)
    return (path, column) if ok else None


def lr_warning(lr: float | None) -> str | None:
    """Why a learning rate is unusual, or None."""
    if lr is None or USUAL_LR[0] <= lr <= USUAL_LR[1]:
        return None
    if lr == 0:
        return "the learning rate is 0: training will not change any weight"
    side = "large" if lr > USUAL_LR[1] else "small"
    effect = "the loss will probably blow up" if side == "large" else "training will barely move"
    return f"a learning rate of {lr:g} is unusually {side} (usual: {USUAL_LR[0]:g} to {USUAL_LR[1]:g}); {effect}"


class TrainingForm(QWidget):
    """Two groups of settings; ``edited`` when the user changes one."""

    edited = Signal()

    def __init__(self, registry: Registry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.registry = registry
        self.hyper: dict[str, SciSpinBox] = {}
        self._lr_chosen = False  # the user typed a learning rate: another optimizer keeps it

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
        self.regularization = QComboBox()
        self.regularization.setToolTip("A penalty on the weights (not the biases) added to the loss: "
                                       "L + λ Σₖ R(Wₖ); every ∇Wₖ gains λ ∂R/∂Wₖ")
        self.rate = SciSpinBox(0.001)
        self.rate.setToolTip("λ, the regularisation rate: how much the penalty counts")
        self.init_seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=0)
        self.init_seed.setToolTip("The seed Reset draws fresh weights from")
        self.opt_form.addRow("Optimizer", self.optimizer)
        self.opt_form.addRow("Batch size", self.batch_size)
        self.opt_form.addRow("Regularization", self.regularization)
        self.opt_form.addRow("Rate λ", self.rate)
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
        self.optimizer.currentIndexChanged.connect(self._on_optimizer_chosen)
        self.regularization.currentIndexChanged.connect(self._on_regularization_chosen)
        self.rate.valueChanged.connect(lambda *_: self.edited.emit())
        for spin in (self.samples, self.noise, self.test_percent, self.data_seed, self.batch_size):
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(lambda *_: self.edited.emit())

    # -- registry contents -----------------------------------------------------------
    def refresh(self, registry: Registry) -> None:
        """Offer every usable dataset and optimizer of ``registry`` (the choices shown are kept)."""
        self.registry = registry
        current, csv_data = self.dataset.currentText(), self._csv()
        with _quiet(self.dataset):
            self.dataset.clear()
            for name in registry.usable("datasets"):
                self.dataset.addItem(name)
                self.dataset.setItemData(self.dataset.count() - 1,
                                         tooltip(registry.datasets[name].description or name),
                                         Qt.ItemDataRole.ToolTipRole)
            self.dataset.insertSeparator(self.dataset.count())
            self.dataset.addItem(CSV_ITEM)
            if csv_data is not None:
                self._show_csv(*csv_data)
            elif current and self.dataset.findText(current) >= 0:
                self.dataset.setCurrentText(current)
        optimizer = self.optimizer.currentText()
        with _quiet(self.optimizer):
            self.optimizer.clear()
            self.optimizer.addItems(registry.usable("optimizers"))
            self.optimizer.setCurrentText(optimizer if optimizer in registry.usable("optimizers") else "sgd")
        self._build_hyperparameters(self.optimizer.currentText(), {k: s.value() for k, s in self.hyper.items()})
        chosen = self.regularization.currentData()
        with _quiet(self.regularization):
            self.regularization.clear()
            self.regularization.addItem("none", None)
            for name in registry.usable("regularizers"):
                self.regularization.addItem(name, name)
                self.regularization.setItemData(self.regularization.count() - 1,
                                                tooltip(registry.regularizers[name].description or name),
                                                Qt.ItemDataRole.ToolTipRole)
            index = self.regularization.findData(chosen)
            self.regularization.setCurrentIndex(max(index, 0))
        self._sync_enabled()

    def _build_hyperparameters(self, name: str, values: dict[str, float]) -> None:
        for spin in self.hyper.values():
            self.opt_form.removeRow(spin)
        self.hyper = {}
        if name not in self.registry.optimizers:
            return
        defaults = self.registry.optimizers[name].defaults
        for row, (key, default) in enumerate(sorted(defaults.items(), key=lambda kv: kv[0] != "lr"), start=1):
            spin = SciSpinBox(float(values.get(key, default)))
            spin.setToolTip(tooltip(f"{name} hyperparameter {key!r} (default {default:g})"))
            spin.valueChanged.connect(lambda *_, key=key: self._on_hyper_edited(key))
            self.opt_form.insertRow(row, LABELS.get(key, key), spin)
            self.hyper[key] = spin

    def _on_hyper_edited(self, key: str) -> None:
        if key == "lr":
            self._lr_chosen = True
        self.edited.emit()

    def _on_optimizer_chosen(self, index: int) -> None:
        """Another optimizer: its defaults, but a learning rate the user typed stays."""
        keep = {"lr": self.hyper["lr"].value()} if self._lr_chosen and "lr" in self.hyper else {}
        self._build_hyperparameters(self.optimizer.itemText(index), keep)
        self.edited.emit()

    # -- the dataset choice --------------------------------------------------------------
    def dataset_name(self) -> str:
        csv_data = self._csv()
        return csv_data[0] if csv_data else self.dataset.currentText()

    def set_dataset(self, name: str) -> None:
        """Choose a dataset of the registry by name, as the user would."""
        self.dataset.setCurrentText(name)
        self._on_dataset_chosen(self.dataset.currentIndex())

    def _on_dataset_chosen(self, index: int) -> None:
        if self.dataset.itemText(index) == CSV_ITEM:
            choice = choose_csv(self)
            if choice is None:
                self.dataset.setCurrentIndex(0)
            else:
                self._show_csv(*choice)
        spec = self.registry.datasets.get(self.dataset.currentText())
        if spec is not None:  # a generated dataset starts from its own defaults
            with _quiet(self.samples, self.noise):
                self.samples.setValue(int(spec.defaults.get("n_samples", self.samples.value())))
                if "noise" in spec.defaults:
                    self.noise.setValue(float(spec.defaults["noise"]))
        self._sync_enabled()
        self.edited.emit()

    def _show_csv(self, path: str, column: str) -> None:
        index = self.dataset.count() - 1
        self.dataset.setItemText(index, Path(path).name)
        self.dataset.setItemData(index, (path, column), CSV_ROLE)
        self.dataset.setItemData(index, tooltip(f"{path}, target column {column}"), Qt.ItemDataRole.ToolTipRole)
        self.dataset.setCurrentIndex(index)

    def _csv(self) -> tuple[str, str] | None:
        data = self.dataset.currentData(CSV_ROLE)
        return tuple(data) if data else None  # type: ignore[return-value]

    def _on_regularization_chosen(self, index: int) -> None:
        self._sync_enabled()
        self.edited.emit()

    def _sync_enabled(self) -> None:
        self.rate.setEnabled(self.regularization.currentData() is not None)
        spec = self.registry.datasets.get(self.dataset.currentText())
        self.samples.setEnabled(spec is not None)
        self.noise.setEnabled(spec is not None and "noise" in spec.defaults)

    def fits(self, name: str, n_inputs: int, n_outputs: int) -> bool:
        """Whether dataset ``name`` fits a network reading ``n_inputs`` raw inputs, with ``n_outputs`` outputs."""
        spec = self.registry.datasets.get(name)
        if spec is None or spec.n_inputs not in (None, n_inputs):
            return False
        if spec.task == "regression":
            return n_outputs == 1
        return spec.n_classes in (None, n_outputs) or (n_outputs == 1 and spec.n_classes == 2)

    # -- the setup ------------------------------------------------------------------------
    def show_setup(self, setup: TrainingSetup) -> None:
        """Show ``setup``'s values (no ``edited``)."""
        widgets = (self.dataset, self.samples, self.noise, self.test_percent, self.data_seed, self.batch_size,
                   self.optimizer, self.regularization, self.rate)
        with _quiet(*widgets):
            if setup.is_csv:
                self._show_csv(setup.dataset, setup.target_column or "-1")
            else:
                last = self.dataset.count() - 1
                self.dataset.setItemText(last, CSV_ITEM)
                self.dataset.setItemData(last, None, CSV_ROLE)
                if self.dataset.findText(setup.dataset) < 0:  # a plugin that is not loaded: say so in the list
                    self.dataset.insertItem(0, setup.dataset)
                self.dataset.setCurrentText(setup.dataset)
            spec = self.registry.datasets.get(setup.dataset)
            defaults = spec.defaults if spec is not None else {}
            self.samples.setValue(setup.samples if setup.samples is not None else int(defaults.get("n_samples", 200)))
            self.noise.setValue(setup.noise if setup.noise is not None else float(defaults.get("noise", 0.2)))
            self.test_percent.setValue(round(setup.test_fraction * 100))
            self.data_seed.setValue(setup.seed)
            self.batch_size.setValue(setup.batch_size)
            if self.optimizer.findText(setup.optimizer) < 0:
                self.optimizer.addItem(setup.optimizer)
            self.optimizer.setCurrentText(setup.optimizer)
            if setup.regularization is not None and self.regularization.findData(setup.regularization) < 0:
                self.regularization.addItem(setup.regularization, setup.regularization)  # not loaded: shown
            self.regularization.setCurrentIndex(max(self.regularization.findData(setup.regularization), 0))
            if setup.regularization is not None:
                self.rate.setValue(setup.rate)
        self._build_hyperparameters(setup.optimizer, setup.hyperparameters)
        self._lr_chosen = False
        self._sync_enabled()

    def setup(self, base: TrainingSetup) -> TrainingSetup:
        """``base`` with the form's values (raises SetupError for a value it cannot take)."""
        csv_data = self._csv()
        spec = self.registry.datasets.get(self.dataset.currentText())
        defaults = spec.defaults if spec is not None else {}
        samples = self.samples.value() if spec is not None else None
        noise = self.noise.value() if spec is not None and "noise" in defaults else None
        return base.with_changes(
            dataset=csv_data[0] if csv_data else self.dataset.currentText(),
            target_column=csv_data[1] if csv_data else None,
            task=base.task if csv_data and base.is_csv else None,
            samples=None if samples == defaults.get("n_samples") else samples,
            noise=None if noise is None or noise == defaults.get("noise") else noise,
            test_fraction=self.test_percent.value() / 100, seed=self.data_seed.value(),
            optimizer=self.optimizer.currentText(), hyperparameters={k: s.value() for k, s in self.hyper.items()},
            batch_size=self.batch_size.value(), regularization=self.regularization.currentData(),
            rate=self.rate.value() if self.regularization.currentData() is not None else 0.0)


class _quiet:
    """Block the signals of some widgets for a ``with`` block."""

    def __init__(self, *widgets: QWidget) -> None:
        self.widgets = widgets

    def __enter__(self) -> None:
        self.before = [w.blockSignals(True) for w in self.widgets]

    def __exit__(self, *exc) -> None:
        for widget, before in zip(self.widgets, self.before):
            widget.blockSignals(before)
