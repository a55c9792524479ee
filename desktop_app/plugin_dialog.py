"""The plugin manager: every plugin with its state, why one failed, enable/disable, install.

Integration (main window)::

    dialog = PluginDialog(host, parent=window)
    dialog.plugins_changed.connect(on_plugins_changed)   # reload, refresh the palette …
    # … and hand the new host back:  dialog.set_host(new_host)
    dialog.restart_requested.connect(restart_app)

The dialog never reloads plugins itself: enabling, disabling, installing and
uninstalling change what is on disk (the settings file, the plugin folder,
site-packages) and then emit :attr:`PluginDialog.plugins_changed`. This module is the
list and the details; installing and uninstalling (pip's output, Cancel, restart) is
:class:`~desktop_app.plugin_installer.PluginInstaller`, placed at the bottom.
"""
from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.plugin_host import settings as plugin_settings
from core.plugin_host.host import PluginHost, PluginRecord
from core.plugin_host.registry import SINGULAR

from .activation_view import ActivationView
from .plain_text import tooltip
from .plugin_installer import PluginInstaller, ask_confirmation, ask_install_target

COLUMNS = ("Name", "Version", "Source", "State", "Contributes")
STATE_COLORS = {"loaded": "#1b7f3b", "failed": "#b00020", "flagged": "#b35c00", "disabled": "#707070"}
SOURCE_LABELS = {"built-in": "built-in", "entry point": "installed package", "file": "plugin file",
                 "in-process": "in-process"}
ROLE_ACTIVATION = Qt.ItemDataRole.UserRole + 1


def contributions_text(record: PluginRecord) -> str:
    """``activations: swish, mish; optimizers: signsgd`` (empty when nothing)."""
    return "; ".join(f"{kind}: {', '.join(names)}" for kind, names in record.contributes.items() if names)


def problem_text(record: PluginRecord, host: PluginHost | None = None) -> str:
    """Everything a user needs to report a failed or flagged plugin (what Copy copies).

    Parameters
    ----------
    record : PluginRecord
    host : PluginHost, optional
        Adds each flagged activation's derivative check (max error) when given.
    """
    lines = [f"plugin {record.name} {record.version or ''}".rstrip() + f" ({record.source}"
             + (f", {record.location}" if record.location else "") + f"): {record.state}"]
    if record.error:
        lines.append(f"failed in {record.phase}: {record.error}")
    lines += record.warnings
    if host is not None:
        for name in record.contributes.get("activations", []):
            act = host.registry.activations.get(name)
            if act is not None and act.problem and act.max_derivative_error is not None:
                lines.append(f"{name}: max |g' - finite difference| = {act.max_derivative_error:.3g}")
    if record.traceback:
        lines += ["", record.traceback.rstrip()]
    return "\n".join(lines)


def failure_summary(host: PluginHost) -> str | None:
    """A one-line status-bar notice when plugins failed or were flagged, else None."""
    failures = host.failures()
    if not failures:
        return None
    names = ", ".join(r.name for r in failures)
    noun = "plugin has a problem" if len(failures) == 1 else "plugins have problems"
    return f"{len(failures)} {noun}: {names} — open Plugins → Manage plugins… to see why"


class PluginDialog(QDialog):
    """Lists every plugin; shows errors, tracebacks and activations; enables, installs, removes.

    Parameters
    ----------
    host : PluginHost
        The loaded plugins to list; replace it with :meth:`set_host` after a reload.
    parent : QWidget, optional
    settings_changed : callable, optional
        Called with no arguments whenever :attr:`plugins_changed` is emitted.
    ask_target : callable, optional
        ``ask_target(parent) -> str | None``: what to install (default: a small dialog).
        Tests inject a function instead of a blocking dialog.
    confirm : callable, optional
        ``confirm(parent, text) -> bool`` before uninstalling (default: a question box).
    pip_options : sequence of str
        Extra options for ``pip install`` (e.g. ``--no-build-isolation --no-deps`` offline).

    Signals
    -------
    plugins_changed()
        Plugins on disk or their enabled state changed: reload the host, refresh the
        palette, and call :meth:`set_host` with the new host.
    restart_requested()
        The user asked to restart the app (shown when a reload cannot pick up a change).
    """

    plugins_changed = Signal()
    restart_requested = Signal()

    def __init__(self, host: PluginHost, parent: QWidget | None = None,
                 settings_changed: Callable[[], None] | None = None, *,
                 ask_target: Callable[[QWidget], str | None] = ask_install_target,
                 confirm: Callable[[QWidget, str], bool] = ask_confirmation,
                 pip_options: Sequence[str] = ()) -> None:
        super().__init__(parent)
        self.setWindowTitle("Plugins")
        self.resize(1100, 680)
        self.host = host
        self._updating = False
        self.installer = PluginInstaller(self.selected_record, self, ask_target=ask_target, confirm=confirm,
                                         pip_options=pip_options)
        self.installer.changed.connect(self.plugins_changed)
        self.installer.restart_requested.connect(self.restart_requested)
        # the installer's parts, as the dialog's (tests and the main window reach them here)
        self.runner, self.output, self.status = self.installer.runner, self.installer.output, self.installer.status
        self.install_button = self.installer.install_button
        self.uninstall_button = self.installer.uninstall_button
        self.cancel_button = self.installer.cancel_button
        self.restart_button = self.installer.restart_button
        if settings_changed is not None:
            self.plugins_changed.connect(settings_changed)
        self._build()
        self.set_host(host)

    @property
    def confirm(self) -> Callable[[QWidget, str], bool]:
        return self.installer.confirm

    @confirm.setter
    def confirm(self, function: Callable[[QWidget, str], bool]) -> None:
        self.installer.confirm = function

    def install(self, target: str | None = None) -> None:
        """Install ``target`` (see :meth:`PluginInstaller.install`)."""
        self.installer.install(target)

    def uninstall(self, name: str | None = None) -> None:
        """Uninstall ``name`` or the selected plugin (see :meth:`PluginInstaller.uninstall`)."""
        self.installer.uninstall(name)

    # -- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selection_changed)

        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.enabled_box = QCheckBox("Enabled (remembered across runs)")
        self.enabled_box.toggled.connect(self._enabled_toggled)
        self.contributions = QListWidget()
        self.contributions.setMaximumHeight(110)
        self.contributions.currentItemChanged.connect(self._contribution_changed)
        self.problem = QPlainTextEdit()
        self.problem.setReadOnly(True)
        self.problem.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.problem.setStyleSheet("font-family: monospace; font-size: 11px;")
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("copy the error, the checks and the traceback")
        self.copy_button.clicked.connect(self.copy_problem)
        self.problem_panel = QWidget()
        problem_layout = QVBoxLayout(self.problem_panel)
        problem_layout.setContentsMargins(0, 0, 0, 0)
        problem_row = QHBoxLayout()
        problem_row.addWidget(QLabel("Error, failed checks and traceback:"), 1)
        problem_row.addWidget(self.copy_button)
        problem_layout.addLayout(problem_row)
        problem_layout.addWidget(self.problem)
        self.activation_view = ActivationView()

        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(6, 0, 0, 0)
        details_layout.addWidget(self.title)
        details_layout.addWidget(self.enabled_box)
        details_layout.addWidget(QLabel("Contributes (select an activation to see g and g'):"))
        details_layout.addWidget(self.contributions)
        details_layout.addWidget(self.problem_panel, 1)
        details_layout.addWidget(self.activation_view, 2)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(details)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([560, 520])

        close_button = QPushButton("Close")
        close_button.clicked.connect(self.close)
        self.installer.buttons.addWidget(close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.installer)

    # -- host ----------------------------------------------------------------------------
    def set_host(self, host: PluginHost) -> None:
        """Show ``host``'s plugins (after the main window reloaded them); keeps the selection."""
        previous = self.selected_record()
        self.host = host
        self.table.setRowCount(len(host.records))
        for row, record in enumerate(host.records):
            cells = (record.name, record.version or "–", SOURCE_LABELS.get(record.source, record.source),
                     record.state, contributions_text(record) or "–")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tooltip(record.error or "\n".join(record.warnings) or record.location))
                if column == 3:
                    item.setForeground(QColor(STATE_COLORS.get(record.state, "#202020")))
                self.table.setItem(row, column, item)
        if previous is not None and host.record(previous.name) is not None:
            self.select_plugin(previous.name)
        elif host.records:
            failures = host.failures()
            self.select_plugin((failures[0] if failures else host.records[0]).name)
        else:
            self._show_record(None)
        self.installer.after_reload(host)

    def select_plugin(self, name: str) -> bool:
        """Select the row of plugin ``name``; False when there is none."""
        for row, record in enumerate(self.host.records):
            if record.name == name:
                self.table.selectRow(row)
                self._show_record(record)
                return True
        return False

    def select_activation(self, name: str) -> bool:
        """Select the plugin that contributes activation ``name`` and show its plots."""
        act = self.host.registry.activations.get(name)
        if act is None or not self.select_plugin(act.plugin):
            return False
        for index in range(self.contributions.count()):
            item = self.contributions.item(index)
            if item.data(ROLE_ACTIVATION) == name:
                self.contributions.setCurrentItem(item)
                return True
        return False

    def selected_record(self) -> PluginRecord | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.host.records):
            return None
        return self.host.records[rows[0].row()]

    # -- details -------------------------------------------------------------------------
    def _selection_changed(self) -> None:
        self._show_record(self.selected_record())

    def _show_record(self, record: PluginRecord | None) -> None:
        self._updating = True
        try:
            self.contributions.clear()
            self.activation_view.show_activation(None)
            self.activation_view.hide()
            if record is None:
                self.title.clear()
                self.problem_panel.hide()
                self.enabled_box.setEnabled(False)
                self.installer.selection_changed(None)
                return
            state = (f"<span style='color:{STATE_COLORS.get(record.state, '#202020')}'>"
                     f"{record.state}</span>")
            where = f"<br><small>{html.escape(record.location)}</small>" if record.location else ""
            self.title.setText(f"<b>{html.escape(record.name)}</b> {html.escape(record.version)} — "
                               f"{SOURCE_LABELS.get(record.source, record.source)}, {state}{where}")
            builtin = record.source in ("built-in", "in-process")
            self.enabled_box.setChecked(record.name not in plugin_settings.load_disabled())
            self.enabled_box.setEnabled(not builtin)
            self.enabled_box.setToolTip("built-in plugins are always on; use --safe-mode to load only them"
                                        if builtin else "")
            self.installer.selection_changed(record)
            first_activation = None
            for kind, names in record.contributes.items():
                for name in names:
                    item = QListWidgetItem(f"{SINGULAR[kind]}: {name}")
                    if kind == "activations":
                        item.setData(ROLE_ACTIVATION, name)
                        act = self.host.registry.activations.get(name)
                        if act is not None and act.problem:
                            item.setForeground(QColor(STATE_COLORS["flagged"]))
                            item.setText(f"{item.text()}  (flagged)")
                        first_activation = first_activation or item
                    self.contributions.addItem(item)
            show_problem = record.state in ("failed", "flagged") or bool(record.error or record.warnings)
            self.problem_panel.setVisible(show_problem)
            self.problem.setPlainText(problem_text(record, self.host) if show_problem else "")
        finally:
            self._updating = False
        if first_activation is not None:
            flagged = next((self.contributions.item(i) for i in range(self.contributions.count())
                            if "(flagged)" in self.contributions.item(i).text()), None)
            self.contributions.setCurrentItem(flagged or first_activation)

    def _contribution_changed(self, current: QListWidgetItem | None, _previous=None) -> None:
        name = current.data(ROLE_ACTIVATION) if current is not None else None
        act = self.host.registry.activations.get(name) if name else None
        self.activation_view.show_activation(act)
        self.activation_view.setVisible(act is not None)

    def copy_problem(self) -> None:
        """Put the selected plugin's error, checks and traceback on the clipboard."""
        QApplication.clipboard().setText(self.problem.toPlainText())
        self._set_status("Copied to the clipboard.")

    # -- enable / disable ----------------------------------------------------------------
    def _enabled_toggled(self, enabled: bool) -> None:
        record = self.selected_record()
        if self._updating or record is None:
            return
        self.set_plugin_enabled(record.name, enabled)

    def set_plugin_enabled(self, name: str, enabled: bool) -> None:
        """Remember the choice (core.plugin_host.settings) and emit :attr:`plugins_changed`."""
        plugin_settings.set_enabled(name, enabled)
        self._set_status(f"{name} {'enabled' if enabled else 'disabled'}.")
        self.plugins_changed.emit()

    def _set_status(self, text: str, *, error: bool = False) -> None:
        self.installer.set_status(text, error=error)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt)
        self.installer.shut_down()
        super().closeEvent(event)
