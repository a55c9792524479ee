"""The colours that carry meaning, defined once: sign, read and written, phase, drop feedback.

Two schemes: the standard one (TensorFlow Playground's orange for positive and blue for
negative; teal for what a step reads, magenta for what it writes) and a colour-blind
safe one built from the Okabe–Ito and Tol palettes, whose pairs stay apart under
simulated protanopia, deuteranopia and tritanopia (tests/app/test_colours.py measures
it). Every widget that draws one of these meanings asks this module, at the moment it
draws, for ``q(role)``; :func:`use` switches the scheme and ``notifier().changed`` tells the
widgets to restyle. The choice is kept in the settings (Edit ▸ Preferences…).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor

if TYPE_CHECKING:
    from .settings import AppSettings

SETTING = "appearance/colours"


@dataclass(frozen=True)
class Scheme:
    """One colour for each meaning (``#rrggbb``).

    Attributes
    ----------
    positive, negative, neutral : str
        The sign of a weight, bias or value (neutral: exactly 0).
    read, write : str
        What the shown step reads and what it writes (rings, glowing edges, edge labels).
    selected : str
        The item selected on the canvas.
    forward, backward, update : str
        The phases of the step-through (formula, position label, the dots along the edges).
    accept, refuse : str
        Drag-and-drop feedback: this drop fits here, or not.
    """

    name: str
    title: str
    positive: str
    negative: str
    neutral: str
    read: str
    write: str
    selected: str
    forward: str
    backward: str
    update: str
    accept: str
    refuse: str

    def roles(self) -> dict[str, str]:
        """Every role and its colour (``name`` and ``title`` left out)."""
        return {k: v for k, v in asdict(self).items() if k not in ("name", "title")}


STANDARD = Scheme(
    "standard", "Standard (orange and blue, teal and magenta)",
    positive="#f59322", negative="#0877bd", neutral="#b8bec6",
    read="#00897b", write="#d81b60", selected="#212121",
    forward="#1f6fb5", backward="#c2571a", update="#2e7d32",
    accept="#2e9d4f", refuse="#d32f2f")

COLOUR_BLIND = Scheme(
    "colour_blind", "Colour-blind safe (orange and dark blue, sky blue and black)",
    positive="#e69f00", negative="#004488", neutral="#b8bec6",
    read="#56b4e9", write="#000000", selected="#cc79a7",
    forward="#0072b2", backward="#d55e00", update="#009e73",
    accept="#0072b2", refuse="#d55e00")

SCHEMES: dict[str, Scheme] = {scheme.name: scheme for scheme in (STANDARD, COLOUR_BLIND)}


class _Notifier(QObject):
    changed = Signal(object)  # the new Scheme


_current: Scheme = STANDARD
_qcolors: dict[str, QColor] = {}
_notifier: _Notifier | None = None


def notifier() -> _Notifier:
    """The object whose ``changed(Scheme)`` signal fires when another scheme is used."""
    global _notifier
    if _notifier is None:
        _notifier = _Notifier()
    return _notifier


def current() -> Scheme:
    """The scheme in use."""
    return _current


def q(role: str) -> QColor:
    """The QColor of ``role`` ("positive", "read", …) in the current scheme.

    The object is shared: copy it (``QColor(q(role))``) before changing it.
    """
    color = _qcolors.get(role)
    if color is None:
        color = _qcolors[role] = QColor(getattr(_current, role))
    return color


def phase(name: str) -> str:
    """The ``#rrggbb`` of a step-through phase ("forward", "backward", "update")."""
    return getattr(_current, name, "#202020") if name in ("forward", "backward", "update") else "#202020"


def use(name: str) -> Scheme:
    """Use the scheme called ``name`` (unknown names: the standard one) and tell the widgets."""
    global _current
    scheme = SCHEMES.get(name, STANDARD)
    if scheme is not _current:
        _current = scheme
        _qcolors.clear()
        notifier().changed.emit(scheme)
    return scheme


def saved_scheme(settings: AppSettings) -> str:
    """The scheme name stored in ``settings``; anything but a known name gives "standard"."""
    value = settings.value(SETTING, STANDARD.name)
    return value if isinstance(value, str) and value in SCHEMES else STANDARD.name


def save_scheme(settings: AppSettings, name: str) -> None:
    """Keep the choice (a plain string) in ``settings``."""
    if name in SCHEMES:
        settings.setValue(SETTING, name)
        settings.sync()
