"""Where the window keeps its layout and recent files: plain data in a JSON file.

Not QSettings: PySide6 stores Python objects in a QSettings file as pickles
(``@Variant(…PySide::PyObjectWrapper…)``) and unpickles them as soon as the file is
read, so a crafted settings file could run code. This store reads JSON only and checks
the type of every value it returns; anything else reads as the default.

The file is ``window.json`` in ``$BACKPROP_STUDIO_CONFIG_DIR`` if that is set (tests
set it), else in the user config folder (beside ``plugins.json``)::

    {"recent_files": ["/home/me/net.json"], "window/geometry": {"base64": "AdnQywAD…"}}
"""
from __future__ import annotations

import base64
import binascii
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from core.plugin_host.settings import config_dir

ORGANIZATION = "BackpropStudio"
APPLICATION = "Backprop Studio"
CONFIG_DIR_ENV = "BACKPROP_STUDIO_CONFIG_DIR"
FILE_NAME = "window.json"
MAX_RECENT = 10
MAX_BYTES = 1_000_000  # a settings file larger than this is not ours: ignored


class AppSettings:
    """A small key -> value store of plain JSON values (and bytes, kept as base64).

    The part of the QSettings interface the window uses: :meth:`value`,
    :meth:`setValue`, :meth:`remove`, :meth:`contains` and :meth:`sync`.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / FILE_NAME
        self._data = self._read()

    def _read(self) -> dict[str, Any]:
        try:
            if not self.path.is_file() or self.path.stat().st_size > MAX_BYTES:
                return {}
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return {}
        return data if isinstance(data, dict) else {}

    def value(self, key: str, default: Any = None, kind: type | tuple[type, ...] | None = None) -> Any:
        """The value of ``key`` if it has the type ``kind`` (bytes, list, str …), else ``default``."""
        raw = self._data.get(key, None)
        if isinstance(raw, dict) and set(raw) == {"base64"} and isinstance(raw["base64"], str):
            try:
                raw = base64.b64decode(raw["base64"], validate=True)
            except (binascii.Error, ValueError):
                return default
        if raw is None:
            return default
        if kind is not None and not isinstance(raw, kind):
            return default
        return raw

    def setValue(self, key: str, value: Any) -> None:  # noqa: N802 (the QSettings name)
        if isinstance(value, (bytes, bytearray, memoryview)) or type(value).__name__ == "QByteArray":
            value = {"base64": base64.b64encode(bytes(value)).decode("ascii")}
        json.dumps(value)  # only plain data is stored
        self._data[key] = value

    def remove(self, key: str) -> None:
        self._data.pop(key, None)

    def contains(self, key: str) -> bool:
        return key in self._data

    def sync(self) -> None:
        """Write the file atomically; a folder that cannot be written is left alone."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(prefix=".window-", suffix=".json", dir=self.path.parent)
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                json.dump(self._data, stream, indent=1)
            os.replace(temporary, self.path)
        except OSError:
            Path(temporary).unlink(missing_ok=True)


def app_settings() -> AppSettings:
    """The application's settings store (a JSON file, never unpickled)."""
    return AppSettings()


def recent_files(settings: AppSettings | None = None) -> list[str]:
    """The recently opened or saved files, newest first, that still exist."""
    settings = settings or app_settings()
    value = settings.value("recent_files", [], list)
    return [p for p in value if isinstance(p, str) and p and Path(p).exists()][:MAX_RECENT]


def add_recent_file(path: str | os.PathLike, settings: AppSettings | None = None) -> list[str]:
    """Put ``path`` at the top of the recent files and return the new list."""
    settings = settings or app_settings()
    path = str(Path(path).resolve())
    files = [path] + [p for p in recent_files(settings) if p != path]
    files = files[:MAX_RECENT]
    settings.setValue("recent_files", files)
    settings.sync()
    return files


def clear_recent_files(settings: AppSettings | None = None) -> None:
    settings = settings or app_settings()
    settings.setValue("recent_files", [])
    settings.sync()
