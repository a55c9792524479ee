"""Edit ▸ Preferences…: the colour scheme (standard, or safe for colour-blind viewers)."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from . import colours
from .settings import AppSettings

SWATCH_ROLES = (("positive", "+"), ("negative", "−"), ("read", "read"), ("write", "written"))


def swatch(scheme: colours.Scheme, ratio: float = 1.0) -> QPixmap:
    """Chips of the scheme's sign and read/written colours, labelled, for the dialog."""
    chip_w, chip_h, gap = 54, 22, 6
    width = len(SWATCH_ROLES) * (chip_w + gap) - gap
    pixmap = QPixmap(int(width * ratio), int(chip_h * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    roles = scheme.roles()
    for n, (role, label) in enumerate(SWATCH_ROLES):
        rect = QRectF(n * (chip_w + gap), 0, chip_w, chip_h)
        colour = QColor(roles[role])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(rect, 4, 4)
        painter.setPen(QColor("white") if colour.lightness() < 150 else QColor("#202020"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
    painter.end()
    return pixmap


class PreferencesDialog(QDialog):
    """The settings a user changes by hand; each applies at once and is kept in ``settings``."""

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.settings = settings
        group = QGroupBox("Colours that carry meaning (sign of a value, what a step reads and writes)")
        grid = QGridLayout(group)
        self.buttons: dict[str, QRadioButton] = {}
        self.group = QButtonGroup(self)
        ratio = self.devicePixelRatioF()
        for row, scheme in enumerate(colours.SCHEMES.values()):
            button = QRadioButton(scheme.title)
            button.setChecked(scheme is colours.current())
            button.toggled.connect(lambda on, name=scheme.name: on and self.choose(name))
            chips = QLabel()
            chips.setPixmap(swatch(scheme, ratio))
            chips.setAccessibleName(f"The colours of {scheme.title}")
            self.group.addButton(button)
            grid.addWidget(button, row, 0)
            grid.addWidget(chips, row, 1)
            self.buttons[scheme.name] = button
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(group)
        layout.addWidget(close)

    def choose(self, name: str) -> None:
        """Use the colour scheme ``name`` everywhere now, and next time."""
        colours.use(name)
        colours.save_scheme(self.settings, name)
