"""The main window's side of the plugin system: the Plugins menu, the start-up notice,
and reloading plugins after an install, uninstall, enable or disable."""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QProcess
from PySide6.QtWidgets import QPushButton

from .plugin_dialog import PluginDialog, failure_summary

if TYPE_CHECKING:
    from .main_window import MainWindow


class PluginsController(QObject):
    """Opens the plugin manager and applies what it changed to every part of the window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: PluginDialog | None = None
        self.notice = QPushButton(window)
        self.notice.setFlat(True)
        self.notice.setStyleSheet("QPushButton { color: #b71c1c; text-align: left; padding: 0 6px; }")
        self.notice.clicked.connect(lambda: self.open_manager(select_failed=True))
        window.statusBar().addWidget(self.notice)
        self.update_notice()

    def update_notice(self) -> None:
        """A clickable status-bar line when a plugin failed or was flagged."""
        text = failure_summary(self.window.host)
        self.notice.setVisible(text is not None)
        self.notice.setText(f"⚠ {text}" if text else "")
        self.notice.setToolTip("Open the plugin manager to see what went wrong")

    def open_manager(self, select_failed: bool = False) -> PluginDialog:
        if self.dialog is None:
            self.dialog = PluginDialog(self.window.host, self.window)
            self.dialog.plugins_changed.connect(self.reload)
            self.dialog.restart_requested.connect(self.restart)
        if select_failed:
            failures = self.window.host.failures()
            if failures:
                self.dialog.select_plugin(failures[0].name)
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog

    def reload(self) -> None:
        """Load the plugins afresh and show what they offer now, without a restart."""
        host = self.window.host.reload()
        self.window.state.set_host(host)  # palette, canvas, training form, … follow host_changed
        if self.dialog is not None:
            self.dialog.set_host(host)
        self.update_notice()
        self.window.statusBar().showMessage("Plugins reloaded", 5000)

    def restart(self) -> None:
        """Start a new instance with the same file, then close this one (it asks to save)."""
        path = self.window.document.path
        arguments = ["-m", "desktop_app.cli"] + ([str(path)] if path else [])
        if self.window.close():
            QProcess.startDetached(sys.executable, arguments)
