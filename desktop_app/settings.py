"""Where the window keeps its layout and recent files (QSettings).

``BACKPROP_STUDIO_CONFIG_DIR`` names a folder for an INI file instead of the native
location; tests use it so they never touch the user's settings.
"""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

ORGANIZATION = "BackpropStudio"
APPLICATION = "Backprop Studio"
CONFIG_DIR_ENV = "BACKPROP_STUDIO_CONFIG_DIR"
MAX_RECENT = 10


def app_settings() -> QSettings:
    """The application's settings store.

    Returns
    -------
    QSettings
        An INI file in ``$BACKPROP_STUDIO_CONFIG_DIR`` if that is set, else the
        native store of organisation "BackpropStudio", application "Backprop Studio".
    """
    folder = os.environ.get(CONFIG_DIR_ENV)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return QSettings(str(Path(folder) / "backprop-studio.ini"), QSettings.Format.IniFormat)
    return QSettings(ORGANIZATION, APPLICATION)


def recent_files(settings: QSettings | None = None) -> list[str]:
    """The recently opened or saved files, newest first, that still exist."""
    settings = settings or app_settings()
    value = settings.value("recent_files", [])
    if isinstance(value, str):  # QSettings returns a lone string for a one-item list
        value = [value]
    return [p for p in (value or []) if p and Path(p).exists()]


def add_recent_file(path: str | os.PathLike, settings: QSettings | None = None) -> list[str]:
    """Put ``path`` at the top of the recent files and return the new list."""
    settings = settings or app_settings()
    path = str(Path(path).resolve())
    files = [path] + [p for p in recent_files(settings) if p != path]
    files = files[:MAX_RECENT]
    settings.setValue("recent_files", files)
    settings.sync()
    return files


def clear_recent_files(settings: QSettings | None = None) -> None:
    settings = settings or app_settings()
    settings.setValue("recent_files", [])
    settings.sync()
