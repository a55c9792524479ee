"""Choosing the input features on the canvas: the input layer's φ button and each input's label.

As in TensorFlow Playground's feature column, the input layer offers the feature plugins
(x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂ …): the φ button in its header opens a menu of
them to tick; each change is one undoable :class:`~desktop_app.commands.SetFeatures`
(h_0 = φ(x), one input unit per feature). Every input unit is labelled with its feature,
as the plugin labels it. The scene draws the network; this module adds the button and the
labels to its input layer, again whenever the document's structure changes (it connects
after the scene, so the scene has drawn the change by then).
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QPoint
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import QGraphicsSimpleTextItem, QMenu

from core.engine.network import NetworkError

from ..commands import SetFeatures
from ..plain_text import tooltip
from . import names
from .items import ButtonItem, _font
from .layout import BOX_WIDTH, NEURON_RADIUS

RAW = "Raw inputs (h₀ = x)"


class FeatureChooser(QObject):
    """The φ button on the input layer and the feature labels of the input units.

    Parameters
    ----------
    view : NetworkView
        Its scene is decorated; edits go to its document's undo stack.
    """

    def __init__(self, view, parent: QObject | None = None) -> None:
        super().__init__(parent or view)
        self.view, self.scene = view, view.scene_
        self.menu: QMenu | None = None
        state = self.scene.state
        state.document_changed.connect(self._follow)
        state.host_changed.connect(lambda host: self.decorate())
        self._follow(state.document)

    def _follow(self, document) -> None:
        document.structure_changed.connect(self.decorate)
        self.decorate()

    @property
    def network(self):
        return self.scene.network

    # -- drawing ---------------------------------------------------------------------------
    def decorate(self) -> None:
        """Put the φ button on the input layer and a label beside each input unit."""
        if not self.scene.layer_items:
            return
        layer = self.scene.layer_items[0]
        if getattr(layer, "feature_button", None) is None:
            layer.feature_button = ButtonItem(
                "φ", "Input features: choose what the input units hold, h₀ = φ(x) (x₁, x₂, x₁², sin x₁ …)",
                self.open_menu, layer)
        layer.feature_button.setPos(BOX_WIDTH / 2 - 13, layer.geometry.top + 13)
        labels = self.labels()
        for (k, i), neuron in self.scene.neurons.items():
            if k != 0:
                continue
            item = getattr(neuron, "feature_label", None)
            if item is None:
                item = neuron.feature_label = QGraphicsSimpleTextItem(neuron)
                item.setFont(_font(8))
                item.setBrush(QColor("#37474f"))
            item.setText(labels[i] if i < len(labels) else "")
            rect = item.boundingRect()
            # left of the step-through's read/written ring (radius NEURON_RADIUS + 5, a 3 px pen)
            item.setPos(-NEURON_RADIUS - 9 - rect.width(), -rect.height() / 2)

    def labels(self) -> list[str]:
        """What each input unit holds: the feature's label (its name when the plugin gives none or is missing)."""
        return names.input_labels(self.network, self.scene.document.registry.features)

    # -- choosing ------------------------------------------------------------------------
    def open_menu(self) -> QMenu:
        """The features to tick, under the φ button (returned for tests)."""
        menu = QMenu(self.view)
        registry = self.scene.document.registry
        chosen = self.network.feature_names()
        raw = menu.addAction(RAW)
        raw.setCheckable(True)
        raw.setChecked(self.network.features is None)
        raw.setToolTip("No features: the input units are the data's inputs themselves")
        raw.triggered.connect(lambda: self.choose(None))
        menu.addSeparator()
        width = self.network.input_width
        offered = [name for name in registry.usable("features") if registry.features[name].inputs == width]
        if not offered:  # say why the menu holds only the raw inputs
            widths = sorted({registry.features[name].inputs for name in registry.usable("features")})
            read = f": they read {' or '.join(map(str, widths))}" if widths else ""
            none = menu.addAction(f"No feature plugin reads {width} input(s){read}")
            none.setEnabled(False)
        for name in offered:  # the features of as many raw inputs as this network's data has
            feature = registry.features[name]
            action = QAction(feature.label or name, menu)
            action.setCheckable(True)
            action.setChecked(name in chosen)
            action.setToolTip(tooltip(feature.description or name))  # a plugin's text: never markup
            action.triggered.connect(lambda on, name=name: self.toggle(name, on))
            menu.addAction(action)
        menu.setToolTipsVisible(True)
        self.menu = menu
        button = self.scene.layer_items[0].feature_button
        where = self.view.mapFromScene(button.sceneBoundingRect().bottomLeft())
        menu.popup(self.view.viewport().mapToGlobal(QPoint(where.x(), where.y())))
        return menu

    def toggle(self, name: str, on: bool) -> None:
        """Tick or untick feature ``name`` (the raw inputs x₁ … xₙ count as the features x1 … xn)."""
        features = self.network.feature_names()
        if on and name not in features:
            features.append(name)
        elif not on and name in features:
            features.remove(name)
        if not features:
            self.view.show_message("At least one input feature is needed (or choose the raw inputs)")
            return
        self.choose(features)

    def choose(self, features: list[str] | None) -> None:
        """Use exactly these features (None: the raw inputs), as one undoable edit."""
        if features == self.network.features:
            return
        try:
            self.scene.document.undo_stack.push(SetFeatures(self.network, features))
        except NetworkError as exc:
            self.view.show_message(str(exc))
