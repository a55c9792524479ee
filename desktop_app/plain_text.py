"""Text from a file or a plugin is shown as text, never interpreted as markup.

Qt guesses rich text (``Qt::mightBeRichText``) for QLabel, QMessageBox and tool tips,
so a name like ``<img src="/dev/zero">`` in a network file would make Qt load an image
from it, and ``<h1>`` would shout. Every widget that can show a name, a description or
an error message built from them goes through this module:

- :func:`set_plain` / :func:`plain_label` for labels (``Qt.TextFormat.PlainText``);
- :func:`tooltip` for tool tips (they have no format switch: the text is escaped
  inside a ``<p>`` so Qt shows it literally, line breaks kept);
- :func:`message` and its shortcuts for message boxes (plain text, and a
  :data:`shown_boxes` hook so tests can answer them without a modal loop);
- :func:`rich` for labels that mix our own markup with outside text (escaped).
"""
from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

Button = QMessageBox.StandardButton


def set_plain(label: QLabel, text: str) -> QLabel:
    """Show ``text`` in ``label`` literally (no markup, no images, no links)."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A QLabel that shows its text literally, whatever it contains."""
    label = QLabel(parent)
    return set_plain(label, text)


def escape(text: object) -> str:
    """``text`` escaped for a rich-text label (``<`` becomes ``&lt;``, newlines ``<br>``)."""
    return html.escape(str(text)).replace("\n", "<br>")


def rich(template: str, *values: object) -> str:
    """Our own markup with outside text filled in escaped: ``rich("<b>{}</b>", name)``."""
    return template.format(*(escape(v) for v in values))


def tooltip(text: str) -> str:
    """A tool tip that shows ``text`` literally (Qt guesses rich text for tool tips)."""
    if not text:
        return ""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"


#: A test may set this to a function ``(box) -> StandardButton`` that answers a message
#: box instead of running its modal loop (the box is fully built, text format included).
answer_box: Callable[[QMessageBox], Button] | None = None


def message(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str, *,
            informative: str = "", buttons: Button = Button.Ok, default: Button = Button.NoButton,
            modal: bool = True) -> Button | QMessageBox:
    """A message box whose texts are plain.

    Returns
    -------
    StandardButton or QMessageBox
        The button pressed (``modal``), or the box, shown without waiting (not ``modal``).
    """
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if informative:
        box.setInformativeText(informative)
        label = box.findChild(QLabel, "qt_msgbox_informativelabel")
        if label is not None:
            label.setTextFormat(Qt.TextFormat.PlainText)
    if default != Button.NoButton:
        box.setDefaultButton(default)
    if not modal:
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()
        return box
    if answer_box is not None:
        return answer_box(box)
    return Button(box.exec())


def critical(parent: QWidget | None, title: str, text: str) -> None:
    message(parent, QMessageBox.Icon.Critical, title, text)


def warning(parent: QWidget | None, title: str, text: str) -> None:
    message(parent, QMessageBox.Icon.Warning, title, text)


def question(parent: QWidget | None, title: str, text: str, buttons: Button = Button.Yes | Button.No,
             default: Button = Button.Yes) -> Button:
    answer = message(parent, QMessageBox.Icon.Question, title, text, buttons=buttons, default=default)
    assert isinstance(answer, Button)
    return answer
