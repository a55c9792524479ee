"""The application state every widget of the window follows: the open document and the plugins.

Widgets subscribe instead of being pushed: they connect to ``document_changed`` and
``host_changed`` once and (re)connect to the new Document's own signals there. A
replaced Document is retired by the state itself (all its signals disconnected, then
deleted), so no widget keeps disconnect code of its own.
"""
from __future__ import annotations

import warnings

from PySide6.QtCore import QObject, QTimer, Signal

from core.plugin_host.host import PluginHost

from .document import Document


class AppState(QObject):
    """The open :class:`Document` and the loaded :class:`PluginHost`.

    Signals
    -------
    document_changed(Document)
        Another network was opened (New, Open, recovery); the old Document is gone.
    host_changed(PluginHost)
        The plugins were reloaded (install, uninstall, enable, disable); the open
        Document already computes with the new host when this is emitted.
    """

    document_changed = Signal(object)
    host_changed = Signal(object)

    def __init__(self, document: Document, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.host: PluginHost = document.host
        self._watch(self.host)

    @classmethod
    def of(cls, source: AppState | Document) -> AppState:
        """``source`` itself, or a state holding the Document ``source`` (widgets used alone, tests)."""
        return source if isinstance(source, AppState) else cls(source, parent=source)

    @property
    def registry(self):
        return self.host.registry

    def set_document(self, document: Document) -> None:
        """Show ``document`` everywhere; the previous one is retired."""
        old, self.document = self.document, document
        document.host = self.host
        self.document_changed.emit(document)
        if old is not document:
            retire(old)

    def set_host(self, host: PluginHost) -> None:
        """Use freshly loaded plugins: the document recomputes, then every widget hears of it."""
        if host is not self.host:
            self._watch(host)
        self.host = host
        self.document.host = host
        self.document.recompute_trace()
        self.host_changed.emit(host)

    def _watch(self, host: PluginHost) -> None:
        # a contribution flagged while in use (it hung …): every view drops it, after the
        # computation that found it has returned
        host.flagged.connect(lambda item: QTimer.singleShot(0, self._reflag))

    def _reflag(self) -> None:
        self.set_host(self.host)


def silence(document: Document) -> None:
    """Disconnect every signal of ``document`` (a stack with changes emits cleanChanged while it
    is destroyed, after its Document is gone)."""
    signals = [document.undo_stack.cleanChanged, document.undo_stack.indexChanged, *document.all_signals()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for signal in signals:
            try:
                signal.disconnect()
            except (RuntimeError, TypeError):
                pass


def retire(document: Document) -> None:
    """Drop a replaced document: no signal of it may reach a widget again."""
    document.detach()
    silence(document)
    document.deleteLater()
