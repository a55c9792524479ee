"""Start the desktop app: check for a display, load plugins, open the file, run the event loop."""
from __future__ import annotations

import os
import signal
import socket
import sys

NO_DISPLAY = ("backprop-studio: no display found: run it in a desktop session, "
              "or headless with `xvfb-run -a backprop-studio`")


def display_available(environ: dict | None = None, platform: str | None = None) -> bool:
    """Whether Qt can open windows: a non-Linux system, an explicit QPA platform other than
    xcb, Wayland, or an X server that answers at $DISPLAY (Qt aborts the process otherwise)."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return True
    qpa = environ.get("QT_QPA_PLATFORM", "")
    if qpa and not qpa.startswith("xcb"):
        return True
    if environ.get("WAYLAND_DISPLAY") and not qpa:
        return True
    return bool(environ.get("DISPLAY")) and x_server_answers(environ["DISPLAY"])


def x_server_answers(display: str, timeout: float = 2.0) -> bool:
    """Whether an X server accepts connections at ``display`` (``:0``, ``host:1.0``)."""
    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit():
        return False
    if host.startswith("/"):  # a socket path (XQuartz style)
        return _connects(socket.AF_UNIX, display)
    if host in ("", "unix"):  # the local socket, as a file or in the abstract namespace
        path = f"/tmp/.X11-unix/X{number}"
        return _connects(socket.AF_UNIX, path) or _connects(socket.AF_UNIX, "\0" + path)
    return _connects(socket.AF_INET, (host, 6000 + int(number)), timeout)


def _connects(family: int, address, timeout: float = 2.0) -> bool:
    try:
        with socket.socket(family, socket.SOCK_STREAM) as connection:
            connection.settimeout(timeout)
            connection.connect(address)
        return True
    except OSError:
        return False


def quit_on_ctrl_c(app, window) -> None:
    """Ctrl-C in the terminal quits the window; unsaved work stays in the autosave.

    Qt's event loop runs in C, so a timer lets Python run its signal handler now and then.
    The autosave of unsaved changes is written and left in place: the next start offers it.
    """
    from PySide6.QtCore import QTimer

    def interrupted(*_args) -> None:
        print("backprop-studio: interrupted", file=sys.stderr)
        window.training.shutdown()
        if window.autosaver is not None:
            window.autosaver.save_now()  # left behind on purpose: recovered at the next start
            window.autosaver.period.stop()
            window.autosaver.debounce.stop()
        app.exit(130)

    signal.signal(signal.SIGINT, interrupted)
    ticker = QTimer(app, interval=200)
    ticker.timeout.connect(lambda: None)  # returns to Python, which runs pending signal handlers
    ticker.start()


def application(argv: list[str] | None = None):
    """The QApplication (created once), named for QSettings and the desktop."""
    from PySide6.QtWidgets import QApplication

    from .settings import APPLICATION, ORGANIZATION

    app = QApplication.instance()
    if app is None:
        app = QApplication(argv or [sys.argv[0]])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    app.setDesktopFileName("backprop-studio")
    single_threaded_blas()
    return app


def single_threaded_blas() -> None:
    """One BLAS thread for each of the window's threads (GUI, training, neuron maps).

    They already run side by side; BLAS's own thread pool on top of them made a wide
    network's map job slower (100–460 ms against 75–250 ms for [2, 512, 512, 2] on two
    cores) and kept the GUI thread from a core (event-loop lateness of 60–100 ms).
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # an environment set up before the dependency was added
        return
    threadpool_limits(limits=1, user_api="blas")


def run_gui(file: str | None, safe_mode: bool = False) -> int:
    """Open the main window (with ``file`` if given) and run until it closes.

    Returns
    -------
    int
        The exit status: 2 when there is no display, else the event loop's status.
    """
    if not display_available():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    from core.plugin_host.host import PluginHost

    from .main_window import MainWindow

    app = application()
    host = PluginHost(safe_mode=True if safe_mode else None).load()
    window = MainWindow(host)
    window.show()
    if file:
        # a bad file is refused with a message naming the problem; a new network is shown
        window.files.open_path(file, ask=False)
    elif not window.document.is_modified:
        window.show_welcome()  # the start screen: the worked example and the rest
    quit_on_ctrl_c(app, window)
    status = app.exec()
    return leave(status)


def leave(status: int) -> int:
    """``status``; but when plugin code never returned, exit now instead of waiting for it
    (Qt would wait for its thread forever, or abort when destroying it)."""
    from core.plugin_host import guard

    if guard.stuck_threads():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    return status
