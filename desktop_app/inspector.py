"""The inspector: the selected layer, neuron, bias or weight with its values, editable.

Every edit is an undo command on the Document; every value shown comes from
``document.network`` and ``document.trace`` (the engine), refreshed on their signals.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.engine.network import MAX_WIDTH, max_width
from core.stepthrough.notation import Element
from core.stepthrough.numbers import number

from .activation_view import ActivationView
from .animation.typeset import formula_html
from .app_state import AppState
from .canvas import names
from .canvas.selection import Selection
from .commands import SetActivation, SetBias, SetLoss, SetWeight, SetWidth
from .plain_text import plain_label

PARAM_RANGE = 1e6


def _value_spin() -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(-PARAM_RANGE, PARAM_RANGE)
    spin.setDecimals(6)
    spin.setSingleStep(0.1)
    spin.setKeyboardTracking(False)  # commit on Enter / focus out / arrows, not per keystroke
    return spin


class _CurrentPage(QStackedWidget):
    """A stack as tall as the page shown (not its tallest page): the empty page scrolls nothing."""

    def sizeHint(self):
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()

    def minimumSizeHint(self):
        page = self.currentWidget()
        return page.minimumSizeHint() if page is not None else super().minimumSizeHint()


def _label(text: str = "") -> QLabel:
    label = plain_label(text)  # values, or an error naming a plugin
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


class Inspector(QWidget):
    paths_requested = Signal(int, int, int)  # k, i, j of the weight whose paths to show

    """Shows and edits what is selected on the canvas.

    Parameters
    ----------
    document : Document
        The open network.
    parent : QWidget, optional
    """

    def __init__(self, state, parent=None) -> None:
        super().__init__(parent)
        self.document = None
        self.selection: Selection | None = None
        self.step_view = None  # during the step-through: only what is computed is shown
        self._updating = False
        self.title = plain_label()  # layer titles name activations from the file
        self.title.setStyleSheet("font-weight: bold; font-size: 13px; padding: 2px 0 6px 0;")
        self.pages = _CurrentPage()
        self.pages.layout().setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.empty_page = _label("Click a layer, a neuron or a weight on the canvas to inspect it.")
        self.empty_page.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.pages.addWidget(self.empty_page)
        self.pages.addWidget(self._build_layer_page())
        self.pages.addWidget(self._build_neuron_page())
        self.pages.addWidget(self._build_weight_page())
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.addWidget(self.title)
        inner.addWidget(self.pages)
        inner.addStretch(1)
        scroll = QScrollArea(self)  # a small window scrolls the inspector instead of growing
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.state = AppState.of(state)
        self.state.document_changed.connect(self._follow)
        self._follow(self.state.document)

    # -- pages ----------------------------------------------------------------------------
    def _build_layer_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.width_spin = QSpinBox()
        self.width_spin.setRange(1, MAX_WIDTH)
        self.width_spin.setKeyboardTracking(False)
        self.width_spin.valueChanged.connect(self._commit_width)
        self.activation_combo = QComboBox()
        self.activation_combo.activated.connect(self._commit_activation)
        self.loss_combo = QComboBox()
        self.loss_combo.activated.connect(self._commit_loss)
        self.formula_label = _label()
        self.formula_label.setTextFormat(Qt.TextFormat.RichText)
        self.activation_view = ActivationView()  # g and g', formulas, the derivative check
        self.activation_view.setMinimumHeight(240)
        form.addRow("Width", self.width_spin)
        form.addRow("Activation", self.activation_combo)
        form.addRow("Loss", self.loss_combo)
        form.addRow(self.formula_label)
        form.addRow(self.activation_view)
        self.layer_form = form
        return page

    def _build_neuron_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.value_labels = {key: _label() for key in ("a", "h", "grad_a", "grad_h")}
        self.value_names = {key: QLabel() for key in self.value_labels}
        for key, label in self.value_labels.items():
            form.addRow(self.value_names[key], label)
        self.bias_spin = _value_spin()
        self.bias_spin.setAccessibleName("Bias value")
        self.bias_spin.valueChanged.connect(self._commit_bias)
        self.bias_name = QLabel("b")
        form.addRow(self.bias_name, self.bias_spin)
        self.grad_b_label = _label()
        self.grad_b_name = QLabel("∇b")
        form.addRow(self.grad_b_name, self.grad_b_label)
        self.neuron_form = form
        return page

    def _build_weight_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.weight_spin = _value_spin()
        self.weight_spin.setAccessibleName("Weight value")
        self.weight_spin.valueChanged.connect(self._commit_weight)
        self.grad_w_label = _label()
        self.weight_path = _label()
        self.weight_path.setStyleSheet("color: #607d8b;")
        self.paths_button = QPushButton("Every path to the loss…")
        self.paths_button.setToolTip("The chain rule along every path from this weight to the loss, "
                                     "summed, next to the matrix form and a finite difference")
        self.paths_button.clicked.connect(self._request_paths)
        form.addRow("Value", self.weight_spin)
        self.grad_w_name = QLabel("∇W")
        form.addRow(self.grad_w_name, self.grad_w_label)
        form.addRow(self.weight_path)
        form.addRow(self.paths_button)
        return page

    def _request_paths(self) -> None:
        sel = self.selection
        if sel is not None and sel.kind == "weight":
            self.paths_requested.emit(sel.layer, sel.i, sel.j)

    # -- document and selection ---------------------------------------------------------
    def _follow(self, document) -> None:
        """Inspect another open Document (clears the selection)."""
        self.document = document
        document.trace_changed.connect(self._refresh)
        document.structure_changed.connect(self._on_structure)
        self.show_selection(None)

    def show_selection(self, selection: Selection | None) -> None:
        """Show ``selection`` (a :class:`~desktop_app.canvas.Selection`) or nothing."""
        self.selection = selection if selection is not None and selection.kind else None
        self._refresh()

    def show_step(self, view) -> None:
        """Follow the step-through (a StepView, or None when it is put away)."""
        self.step_view = view
        self._refresh()

    def _known(self, name: str) -> bool:
        """May ``name`` be shown? Always outside the step-through; inside, once computed."""
        return self.step_view is None or name in self.step_view.known

    def _valid(self, sel: Selection) -> bool:
        sizes = self.document.network.sizes
        if sel.layer >= len(sizes) or (sel.kind in ("weight", "bias") and sel.layer < 1):
            return False
        if sel.i is not None and sel.i >= sizes[sel.layer]:
            return False
        return sel.j is None or sel.j < sizes[sel.layer - 1]

    def _on_structure(self) -> None:
        if self.selection is not None and not self._valid(self.selection):
            self.selection = None
        self._refresh()

    def _refresh(self) -> None:
        sel = self.selection
        self._updating = True
        try:
            if sel is None or not self._valid(sel):
                self.title.setText("Inspector")
                self._page(0)
            elif sel.kind == "layer":
                self._show_layer(sel.layer)
            elif sel.kind in ("neuron", "bias"):
                self._show_neuron(sel.layer, sel.i)
            elif sel.kind == "weight":
                self._show_weight(sel.layer, sel.i, sel.j)
        finally:
            self._updating = False

    def _page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.pages.updateGeometry()

    def _show_layer(self, k: int) -> None:
        net, registry = self.document.network, self.document.registry
        self.title.setText(f"Layer {k}: {names.layer_title(net, k, registry)}")
        self._page(1)
        self.width_spin.setMaximum(max_width(net.sizes, k))  # within the parameter limit
        self.width_spin.setValue(net.layers[k].width)
        hidden, output = 0 < k < net.depth, k == net.depth
        self.layer_form.setRowVisible(self.activation_combo, hidden)
        self.layer_form.setRowVisible(self.loss_combo, output)
        self.layer_form.setRowVisible(self.activation_view, hidden)
        self.layer_form.setRowVisible(self.formula_label, not hidden)
        if hidden:
            name = net.layers[k].activation
            self._fill_combo(self.activation_combo, registry.usable("activations"), name)
            act = registry.activations.get(name)
            if act is None:
                self.activation_view.show_activation(None)
                self.activation_view.title.setText(f"{name} is not available: no loaded plugin provides it")
            else:
                self.activation_view.show_activation(act)
        elif output:
            self._fill_combo(self.loss_combo, registry.usable("losses"), net.loss)
            loss = registry.losses.get(net.loss)
            self.formula_label.setText(
                f"{formula_html(loss.output_formula)}<br>{formula_html(loss.formula)}" if loss else "")
        else:
            self.formula_label.setText("h<sub>0</sub> = x, the input sample")

    def _fill_combo(self, combo: QComboBox, items: list[str], current: str) -> None:
        combo.clear()
        combo.addItems(items if current in items else items + [current])
        combo.setCurrentText(current)

    def _show_neuron(self, k: int, i: int) -> None:
        net, trace = self.document.network, self.document.trace
        L = net.depth
        self.title.setText(f"Unit {i + 1} of layer {k}")
        self._page(2)
        values = names.neuron_values(trace, k, i)
        quantity = {"a": f"a{k}", "h": "yhat" if k == L else f"h{k}", "grad_a": f"grad_a{k}", "grad_h": f"grad_h{k}"}
        shown = {"a": values.get("a"), "h": values.get("yhat", values.get("h")),
                 "grad_a": values.get("grad_a"), "grad_h": values.get("grad_h")}
        for key, label in self.value_labels.items():
            visible = key in values or (key == "h" and "yhat" in values)
            self.neuron_form.setRowVisible(label, visible)
            self.value_names[key].setText(Element(quantity[key], (i + 1,)).text())
            if shown[key] is None:
                label.setText(self.document.trace_error or "—")
            elif not self._known(quantity[key]):
                label.setText("not computed yet")
            else:
                label.setText(number(shown[key]))
        self.neuron_form.setRowVisible(self.bias_spin, k > 0)
        self.neuron_form.setRowVisible(self.grad_b_label, k > 0 and trace is not None)
        if k > 0:
            self.bias_name.setText(Element(f"b{k}", (i + 1,)).text())
            self.bias_spin.setValue(float(net.b(k)[i]))
            self.grad_b_name.setText(Element(f"grad_b{k}", (i + 1,)).text())
            if trace is not None:
                self.grad_b_label.setText(number(trace.grad_b[k][i]) if self._known(f"grad_b{k}")
                                          else "not computed yet")

    def _show_weight(self, k: int, i: int, j: int) -> None:
        net, trace = self.document.network, self.document.trace
        weight = names.weight_name(k, i, j)
        self.title.setText(f"Weight {weight}")
        self._page(3)
        self.weight_spin.setValue(float(net.W(k)[i, j]))
        self.grad_w_name.setText(Element(f"grad_W{k}", (i + 1, j + 1)).text())
        if trace is None:
            self.grad_w_label.setText("—")
        else:
            self.grad_w_label.setText(number(trace.grad_W[k][i, j]) if self._known(f"grad_W{k}")
                                      else "not computed yet")
        self.weight_path.setText(
            f"{weight}: from {names.unit_name(f'h{k - 1}', j)} to {names.unit_name(f'a{k}', i)}, row {i + 1} and "
            f"column {j + 1} of {Element(f'W{k}').text()} (the notes write w_{k}{i + 1}{j + 1}). "
            "Type a value and press Enter; Ctrl+Z undoes it.")

    # -- edits --------------------------------------------------------------------------
    def _push(self, command) -> None:
        self.document.undo_stack.push(command)

    def _commit_width(self, width: int) -> None:
        sel = self.selection
        if self._updating or sel is None or sel.kind != "layer":
            return
        if self.document.network.layers[sel.layer].width != width:
            self._push(SetWidth(self.document.network, sel.layer, width))

    def _commit_activation(self, index: int) -> None:
        sel, name = self.selection, self.activation_combo.itemText(index)
        if sel is None or sel.kind != "layer" or name not in self.document.registry.usable("activations"):
            return
        if self.document.network.layers[sel.layer].activation != name:
            self._push(SetActivation(self.document.network, sel.layer, name))

    def _commit_loss(self, index: int) -> None:
        name = self.loss_combo.itemText(index)
        if name in self.document.registry.usable("losses") and name != self.document.network.loss:
            self._push(SetLoss(self.document.network, name))

    def _commit_bias(self, value: float) -> None:
        sel = self.selection
        if self._updating or sel is None or sel.kind not in ("neuron", "bias") or sel.layer < 1:
            return
        if float(self.document.network.b(sel.layer)[sel.i]) != value:
            self._push(SetBias(self.document.network, sel.layer, sel.i, value))

    def _commit_weight(self, value: float) -> None:
        sel = self.selection
        if self._updating or sel is None or sel.kind != "weight":
            return
        if float(self.document.network.W(sel.layer)[sel.i, sel.j]) != value:
            self._push(SetWeight(self.document.network, sel.layer, sel.i, sel.j, value))
