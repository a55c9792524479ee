"""Start the desktop app: check for a display, load plugins, open the file, run the event loop."""
from __future__ import annotations

import os
import sys

NO_DISPLAY = ("backprop-studio: no display found: run it in a desktop session, "
              "or headless with `xvfb-run -a backprop-studio`")


def display_available(environ: dict | None = None, platform: str | None = None) -> bool:
    """Whether Qt can open windows: a non-Linux system, an explicit QPA platform, X11 or Wayland."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return True
    if environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


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
    return app


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
    return app.exec()
