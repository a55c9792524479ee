"""Which plugins the user switched off, remembered across runs.

A small JSON file, ``plugins.json``, in ``$BACKPROP_STUDIO_CONFIG_DIR`` if that is set
(tests set it), else in ``platformdirs.user_config_path("backprop-studio")``::

    {"disabled": ["softsign", "swish"]}

A missing or unreadable file means nothing is disabled: a corrupt settings file must
never stop the app from starting.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import platformdirs

CONFIG_DIR_ENV = "BACKPROP_STUDIO_CONFIG_DIR"
FILE_NAME = "plugins.json"


def config_dir() -> Path:
    """The folder of the settings file.

    Returns
    -------
    Path
        ``$BACKPROP_STUDIO_CONFIG_DIR`` if set, else the platform's user config folder.
    """
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override)
    return platformdirs.user_config_path("backprop-studio")


def settings_path() -> Path:
    """The JSON file holding the disabled plugins."""
    return config_dir() / FILE_NAME


def load_disabled() -> set[str]:
    """The names of the plugins the user disabled.

    Returns
    -------
    set of str
        Empty when the file is missing, unreadable or not of the expected form.
    """
    try:
        data = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    names = data.get("disabled", []) if isinstance(data, dict) else []
    if not isinstance(names, list):
        return set()
    return {name for name in names if isinstance(name, str)}


def is_enabled(name: str) -> bool:
    """Whether the plugin ``name`` is loaded at the next start (not disabled)."""
    return name not in load_disabled()


def set_enabled(name: str, enabled: bool) -> set[str]:
    """Enable or disable the plugin ``name`` and save the choice.

    Parameters
    ----------
    name : str
        The plugin's name as listed by ``backprop-studio plugins``.
    enabled : bool
        False to skip the plugin when plugins are loaded, True to load it again.

    Returns
    -------
    set of str
        The disabled plugins after the change.
    """
    disabled = load_disabled()
    if enabled:
        disabled.discard(name)
    else:
        disabled.add(name)
    _write({"disabled": sorted(disabled)})
    return disabled


def _write(data: dict) -> None:
    """Write ``data`` atomically (a temporary file renamed over the old one)."""
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".plugins-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            json.dump(data, stream, indent=1)
            stream.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
