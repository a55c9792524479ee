"""Run pip in a separate process and stream its output (the plugin manager's Install…).

The command comes from :mod:`core.plugin_host.install`; this module only runs it with a
QProcess so the window stays responsive, forwards every chunk of output as it arrives,
and can be cancelled.
"""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, QProcess, Signal


class ProcessRunner(QObject):
    """One external command at a time, output streamed, cancellable.

    Signals
    -------
    output(str)
        A chunk of the process's stdout and stderr (merged, in order), as it arrives.
    finished(int, bool)
        The exit status and whether the run was cancelled. Also emitted (status -1)
        when the program cannot be started.
    """

    output = Signal(str)
    finished = Signal(int, bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.process: QProcess | None = None
        self._cancelled = False

    def is_running(self) -> bool:
        return self.process is not None and self.process.state() != QProcess.ProcessState.NotRunning

    def start(self, command: Sequence[str]) -> None:
        """Start ``command`` (program first); refuses while another one runs."""
        if self.is_running():
            raise RuntimeError("a process is already running")
        self._cancelled = False
        process = QProcess(self)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        process.readyReadStandardOutput.connect(self._read)
        process.finished.connect(self._finished)
        process.errorOccurred.connect(self._error)
        self.process = process
        process.start(command[0], list(command[1:]))

    def cancel(self) -> None:
        """Kill the running process; ``finished`` then reports ``cancelled=True``."""
        if self.is_running():
            self._cancelled = True
            self.process.kill()

    def wait(self, msecs: int = 30000) -> bool:
        """Block until the process ends (tests and shutdown only)."""
        return self.process is None or self.process.waitForFinished(msecs)

    def _read(self) -> None:
        data = bytes(self.process.readAllStandardOutput()).decode("utf-8", errors="replace")
        if data:
            self.output.emit(data)

    def _finished(self, status: int, exit_status: QProcess.ExitStatus) -> None:
        self._read()
        crashed = exit_status == QProcess.ExitStatus.CrashExit
        self.finished.emit(status if not crashed else -1, self._cancelled)

    def _error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self.output.emit(f"could not start {self.process.program()}: {self.process.errorString()}\n")
            self.finished.emit(-1, False)
