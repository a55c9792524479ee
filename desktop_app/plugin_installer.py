"""The plugin manager's installer: Install…, Uninstall, Cancel, pip's output and the status line.

What to run comes from :mod:`core.plugin_host.install` (the same plans as
``backprop-studio plugins install/uninstall``); pip runs in a separate process
(:class:`~desktop_app.plugin_install.ProcessRunner`) with its output streamed here, and a
single ``.py`` file is copied or removed directly. The installer never reloads plugins:
it emits :attr:`PluginInstaller.changed` when something on disk changed.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.plugin_host import install as plugin_install
from core.plugin_host.host import PluginHost, PluginRecord

from . import plain_text
from .plugin_install import ProcessRunner

REMOVABLE = ("file", "entry point")  # sources a user can uninstall (not built-ins)


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


class PluginInstaller(QWidget):
    """Install…, Uninstall and Cancel buttons, pip's live output and one status line.

    Parameters
    ----------
    selected : callable
        ``selected() -> PluginRecord | None``: the plugin Uninstall acts on.
    ask_target : callable, optional
        ``ask_target(parent) -> str | None``: what to install (tests inject one).
    confirm : callable, optional
        ``confirm(parent, text) -> bool``: before uninstalling, or replacing a plugin file.
    pip_options : sequence of str
        Extra options for ``pip install`` (e.g. ``--no-build-isolation --no-deps`` offline).

    Signals
    -------
    changed()
        Something was installed or removed: reload the plugins and call :meth:`after_reload`.
    restart_requested()
        The user pressed "Restart now" (a reload could not pick up a change).
    """

    changed = Signal()
    restart_requested = Signal()

    def __init__(self, selected: Callable[[], PluginRecord | None], parent: QWidget | None = None, *,
                 ask_target: Callable[[QWidget], str | None] = ask_install_target,
                 confirm: Callable[[QWidget, str], bool] = ask_confirmation,
                 pip_options: Sequence[str] = ()) -> None:
        super().__init__(parent)
        self.selected = selected
        self.ask_target = ask_target
        self.confirm = confirm
        self.pip_options = list(pip_options)
        self.runner = ProcessRunner(self)
        self.runner.output.connect(self.append_output)
        self.runner.finished.connect(self._process_finished)
        self._snapshot: dict | None = None  # before a pip run, for restart_reasons

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
        self.buttons = QHBoxLayout()
        for button in (self.install_button, self.uninstall_button, self.cancel_button):
            self.buttons.addWidget(button)
        self.buttons.addWidget(self.status, 1)
        self.buttons.addWidget(self.restart_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.output)
        layout.addLayout(self.buttons)

    # -- state ----------------------------------------------------------------------------
    def is_running(self) -> bool:
        return self.runner.is_running()

    def selection_changed(self, record: PluginRecord | None) -> None:
        """Uninstall is offered for plugin files and installed packages, never built-ins."""
        self.uninstall_button.setEnabled(record is not None and record.source in REMOVABLE
                                         and not self.is_running())

    def after_reload(self, host: PluginHost) -> None:
        """The plugins were reloaded: say when the running app cannot use what pip changed."""
        if self._snapshot is None:
            return
        reasons = plugin_install.restart_reasons(self._snapshot, host)
        self._snapshot = None
        if reasons:
            self.set_status("Restart needed: " + "; ".join(reasons), error=True)
            self.restart_button.show()

    # -- install / uninstall --------------------------------------------------------------
    def install(self, target: str | None = None) -> None:
        """Install ``target`` (asked for when None): copy a .py file, else run pip."""
        if self.is_running():
            return
        if target is None:
            target = self.ask_target(self)
        if not target:
            return
        try:
            plan = plugin_install.plan_install(target, self.pip_options)
        except plugin_install.InstallError as exc:
            self.set_status(str(exc), error=True)
            return
        if plan.overwrites and not self.confirm(
                self, f"{plan.destination} is already installed.\n\nReplace it with {plan.source}?"):
            self.set_status(f"{target}: not installed (the installed file is kept).")
            return
        self._carry_out(plan, "Installed")

    def uninstall(self, name: str | None = None) -> None:
        """Remove plugin ``name`` (default: the selected one): its file, or pip uninstall."""
        if self.is_running():
            return
        if name is None:
            record = self.selected()
            if record is None or record.source not in REMOVABLE:
                return
            name = record.name
        try:
            plan = plugin_install.plan_uninstall(name)
        except plugin_install.InstallError as exc:
            self.set_status(str(exc), error=True)
            return
        if not self.confirm(self, f"Uninstall {name}?\n\n{plan.describe()}"):
            return
        self._carry_out(plan, "Uninstalled")

    def _carry_out(self, plan: plugin_install.Plan, done: str) -> None:
        self.restart_button.hide()
        self.append_output(f"$ {plan.describe()}\n")
        if plan.kind == "pip":
            self._snapshot = plugin_install.snapshot()
            self._set_busy(True)
            self.set_status(f"Running pip for {plan.target}…")
            self.runner.start(plan.command)
            return
        try:
            if plan.kind == "copy":
                plugin_install.copy_plugin_file(plan)
            else:
                plugin_install.remove_plugin_file(plan)
        except OSError as exc:
            self.set_status(f"{plan.target}: {exc}", error=True)
            return
        self.set_status(f"{done} {plan.target}.")
        self.changed.emit()

    def _process_finished(self, status: int, cancelled: bool) -> None:
        self._set_busy(False)
        if cancelled:
            self.append_output("(cancelled)\n")
            self.set_status("Cancelled.", error=True)
            self._snapshot = None
            self.changed.emit()  # a cancelled pip may have changed something already
            return
        if status != 0:
            self.append_output(f"(pip exited with status {status})\n")
            self.set_status(f"pip failed (exit status {status}); see its output above.", error=True)
            self._snapshot = None
            return
        self.append_output("(done)\n")
        self.set_status("Done; plugins reloaded.")
        self.changed.emit()

    def _set_busy(self, busy: bool) -> None:
        self.install_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.selection_changed(None if busy else self.selected())

    # -- output ---------------------------------------------------------------------------
    def append_output(self, text: str) -> None:
        self.output.moveCursor(self.output.textCursor().MoveOperation.End)
        self.output.insertPlainText(text)
        self.output.ensureCursorVisible()

    def set_status(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet("color: #b00020;" if error else "")
        plain_text.set_plain(self.status, text)

    def shut_down(self) -> None:
        """Stop pip (the window is closing)."""
        if self.is_running():
            self.runner.cancel()
            self.runner.wait(5000)
