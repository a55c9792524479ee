"""The plugin manager: every plugin with its state, why one failed, enable/disable, install.

Integration (main window)::

    dialog = PluginDialog(host, parent=window)
    dialog.plugins_changed.connect(on_plugins_changed)   # reload, refresh the palette …
    # … and hand the new host back:  dialog.set_host(new_host)
    dialog.restart_requested.connect(restart_app)

The dialog never reloads plugins itself: enabling, disabling, installing and
uninstalling change what is on disk (the settings file, the plugin folder,
site-packages) and then emit :attr:`PluginDialog.plugins_changed`.
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
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.plugin_host import install as plugin_install
from core.plugin_host import settings as plugin_settings
from core.plugin_host.host import PluginHost, PluginRecord
from core.plugin_host.registry import SINGULAR

from . import plain_text
from .activation_view import ActivationView
from .plain_text import tooltip
from .plugin_install import ProcessRunner

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


class InstallTargetDialog(QDialog):
    """Asks what to install: a package name, a wheel, a project folder or a .py file."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Install a plugin")
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("package name, wheel, project folder or .py file")
        self.edit.setMinimumWidth(380)
        file_button = QPushButton("File…")
        file_button.setToolTip("a single-file plugin (.py) or a wheel (.whl)")
        file_button.clicked.connect(self._browse_file)
        folder_button = QPushButton("Folder…")
        folder_button.setToolTip("a plugin project folder (with pyproject.toml)")
        folder_button.clicked.connect(self._browse_folder)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.edit, 1)
        row.addWidget(file_button)
        row.addWidget(folder_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("A name on PyPI, a wheel, a plugin project folder, or a single .py file:"))
        layout.addLayout(row)
        layout.addWidget(buttons)

    def _browse_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Plugin file", "", "Plugins (*.py *.whl);;All files (*)")
        if path:
            self.edit.setText(path)

    def _browse_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Plugin project folder")
        if path:
            self.edit.setText(path)

    def target(self) -> str:
        return self.edit.text().strip()


def ask_install_target(parent: QWidget | None) -> str | None:
    """Show :class:`InstallTargetDialog`; the target, or None when cancelled."""
    dialog = InstallTargetDialog(parent)
    if dialog.exec() == QDialog.DialogCode.Accepted and dialog.target():
        return dialog.target()
    return None


def ask_confirmation(parent: QWidget | None, text: str) -> bool:
    """A Yes/No question box."""
    return plain_text.question(parent, "Plugins", text) == QMessageBox.StandardButton.Yes


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
        self.ask_target = ask_target
        self.confirm = confirm
        self.pip_options = list(pip_options)
        self.runner = ProcessRunner(self)
        self.runner.output.connect(self._append_output)
        self.runner.finished.connect(self._process_finished)
        self._snapshot: dict | None = None  # before an install, for restart_reasons
        self._updating = False
        if settings_changed is not None:
            self.plugins_changed.connect(settings_changed)
        self._build()
        self.set_host(host)

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

        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setMaximumBlockCount(5000)
        self.output.setPlaceholderText("pip's output appears here while installing or uninstalling")
        self.output.setStyleSheet("font-family: monospace; font-size: 11px;")
        self.output.setMaximumHeight(120)
        self.status = plain_text.plain_label()  # errors quote plugin names and paths
        self.status.setWordWrap(True)
        self.restart_button = QPushButton("Restart now")
        self.restart_button.clicked.connect(self.restart_requested)
        self.restart_button.hide()

        self.install_button = QPushButton("Install…")
        self.install_button.clicked.connect(lambda: self.install())
        self.uninstall_button = QPushButton("Uninstall")
        self.uninstall_button.clicked.connect(lambda: self.uninstall())
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("stop pip")
        self.cancel_button.clicked.connect(self.runner.cancel)
        self.cancel_button.setEnabled(False)
        close_button = QPushButton("Close")
        close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        for button in (self.install_button, self.uninstall_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.restart_button)
        buttons.addWidget(close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.output)
        layout.addLayout(buttons)

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
        if self._snapshot is not None:
            reasons = plugin_install.restart_reasons(self._snapshot, host)
            self._snapshot = None
            if reasons:
                self._set_status("Restart needed: " + "; ".join(reasons), error=True)
                self.restart_button.show()

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
                self.uninstall_button.setEnabled(False)
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
            self.uninstall_button.setEnabled(record.source in ("file", "entry point")
                                             and not self.runner.is_running())
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

    # -- install / uninstall -------------------------------------------------------------
    def install(self, target: str | None = None) -> None:
        """Install ``target`` (asked for when None): copy a .py file, else run pip."""
        if self.runner.is_running():
            return
        if target is None:
            target = self.ask_target(self)
        if not target:
            return
        try:
            plan = plugin_install.plan_install(target, self.pip_options)
        except plugin_install.InstallError as exc:
            self._set_status(str(exc), error=True)
            return
        self._carry_out(plan, "Installed")

    def uninstall(self, name: str | None = None) -> None:
        """Remove plugin ``name`` (default: the selected one): its file, or pip uninstall."""
        if self.runner.is_running():
            return
        if name is None:
            record = self.selected_record()
            if record is None or record.source not in ("file", "entry point"):
                return
            name = record.name
        try:
            plan = plugin_install.plan_uninstall(name)
        except plugin_install.InstallError as exc:
            self._set_status(str(exc), error=True)
            return
        if not self.confirm(self, f"Uninstall {name}?\n\n{plan.describe()}"):
            return
        self._carry_out(plan, "Uninstalled")

    def _carry_out(self, plan: plugin_install.Plan, done: str) -> None:
        self.restart_button.hide()
        self._append_output(f"$ {plan.describe()}\n")
        if plan.kind == "pip":
            self._snapshot = plugin_install.snapshot()
            self._set_busy(True)
            self._set_status(f"Running pip for {plan.target}…")
            self.runner.start(plan.command)
            return
        try:
            if plan.kind == "copy":
                plugin_install.copy_plugin_file(plan)
            else:
                plugin_install.remove_plugin_file(plan)
        except OSError as exc:
            self._set_status(f"{plan.target}: {exc}", error=True)
            return
        self._set_status(f"{done} {plan.target}.")
        self.plugins_changed.emit()

    def _process_finished(self, status: int, cancelled: bool) -> None:
        self._set_busy(False)
        if cancelled:
            self._append_output("(cancelled)\n")
            self._set_status("Cancelled.", error=True)
            self._snapshot = None
            self.plugins_changed.emit()  # a cancelled pip may have changed something already
            return
        if status != 0:
            self._append_output(f"(pip exited with status {status})\n")
            self._set_status(f"pip failed (exit status {status}); see its output above.", error=True)
            self._snapshot = None
            return
        self._append_output("(done)\n")
        self._set_status("Done; plugins reloaded.")
        self.plugins_changed.emit()

    def _set_busy(self, busy: bool) -> None:
        self.install_button.setEnabled(not busy)
        self.uninstall_button.setEnabled(not busy and self.selected_record() is not None
                                         and self.selected_record().source in ("file", "entry point"))
        self.cancel_button.setEnabled(busy)

    def _append_output(self, text: str) -> None:
        self.output.moveCursor(self.output.textCursor().MoveOperation.End)
        self.output.insertPlainText(text)
        self.output.ensureCursorVisible()

    def _set_status(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet("color: #b00020;" if error else "")
        plain_text.set_plain(self.status, text)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt)
        if self.runner.is_running():
            self.runner.cancel()
            self.runner.wait(5000)
        super().closeEvent(event)
