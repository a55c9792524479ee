"""Drag-and-drop payload: a registry id such as ``layer:dense`` or ``activation:tanh``.

The palette puts the id into a QMimeData under a custom MIME type; the canvas accepts
nothing else, so a drop from another program can never edit the network.
"""
from __future__ import annotations

from PySide6.QtCore import QMimeData

MIME_TYPE = "application/x-backprop-studio-item"
KINDS = ("layer", "activation", "loss")


def make_mime(item_id: str) -> QMimeData:
    """Return a QMimeData carrying ``item_id`` (``kind:name``) under :data:`MIME_TYPE`."""
    parse_item_id(item_id)
    mime = QMimeData()
    mime.setData(MIME_TYPE, item_id.encode("utf-8"))
    mime.setText(item_id)
    return mime


def item_id_from_mime(mime: QMimeData | None) -> str | None:
    """The registry id in ``mime``, or None when it is not one of ours."""
    if mime is None or not mime.hasFormat(MIME_TYPE):
        return None
    raw = bytes(mime.data(MIME_TYPE)).decode("utf-8", errors="replace").strip()
    try:
        parse_item_id(raw)
    except ValueError:
        return None
    return raw


def parse_item_id(item_id: str) -> tuple[str, str]:
    """Split ``kind:name`` into (kind, name); raise ValueError for anything else."""
    kind, sep, name = item_id.partition(":")
    if not sep or kind not in KINDS or not name:
        raise ValueError(f"not a Backprop Studio item id: {item_id!r} (expected e.g. 'activation:tanh')")
    return kind, name
