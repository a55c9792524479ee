"""Install and uninstall plugins: what to run for a target, and the single-file copy.

Qt-free, shared by ``backprop-studio plugins install/uninstall`` (which runs pip in the
foreground) and the GUI's plugin manager (which runs the same command in a QProcess and
streams its output).

A target ending in ``.py`` is a single-file plugin and is copied into the user plugin
folder; anything else (a name on PyPI, a wheel, a project folder) goes to pip of the
running interpreter, so the plugin lands where the app can import it.
"""
from __future__ import annotations

import importlib.metadata
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.plugin_host.host import ENTRY_POINT_GROUP, user_plugin_dir


class InstallError(ValueError):
    """A target that cannot be installed or removed, explained in one line."""


@dataclass
class Plan:
    """What installing or uninstalling one target means.

    Attributes
    ----------
    kind : str
        ``"copy"`` (a .py into the plugin folder), ``"remove"`` (a .py from it) or
        ``"pip"`` (run ``command``).
    target : str
        What the user asked for.
    command : list of str
        The pip command line (``kind == "pip"``), else empty.
    source, destination : Path or None
        The file copied or removed (``kind`` ``"copy"`` / ``"remove"``).
    """

    kind: str
    target: str
    command: list[str] = field(default_factory=list)
    source: Path | None = None
    destination: Path | None = None
    overwrites: bool = False  # a "copy" that replaces a plugin file already installed

    def describe(self) -> str:
        """One line for a log: the command or the file operation."""
        if self.kind == "pip":
            return " ".join(self.command)
        if self.kind == "copy":
            return f"copy {self.source} to {self.destination}"
        return f"remove {self.destination}"


def pip_command(arguments: Sequence[str]) -> list[str]:
    """``python -m pip ARGUMENTS`` for the interpreter running the app."""
    return [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", *arguments]


def is_plugin_file(target: str) -> bool:
    """Whether ``target`` names a single-file plugin (a .py file)."""
    return Path(target).suffix == ".py"


def plan_install(target: str, pip_options: Sequence[str] = ()) -> Plan:
    """How to install ``target``.

    Parameters
    ----------
    target : str
        A .py file, a wheel, a project folder or a package name (with a version spec).
    pip_options : sequence of str
        Extra pip options, e.g. ``["--no-build-isolation", "--no-deps"]`` offline.

    Returns
    -------
    Plan

    Raises
    ------
    InstallError
        An empty target, a missing .py file, or a missing wheel or folder given as a path.
    """
    target = target.strip()
    if not target:
        raise InstallError("nothing to install: give a package name, a wheel, a folder or a .py file")
    if target.startswith("-"):
        raise InstallError(f"{target}: a target cannot start with '-' (it would be read as a pip option)")
    path = Path(target).expanduser()
    if is_plugin_file(target):
        if not path.is_file():
            raise InstallError(f"{target}: no such file")
        if path.name.startswith("_"):
            raise InstallError(f"{path.name}: the plugin folder skips files whose name starts with '_'; "
                               "rename it to install it")
        destination = user_plugin_dir() / path.name
        return Plan("copy", target, source=path, destination=destination, overwrites=destination.exists())
    looks_like_path = target.endswith(".whl") or target.startswith((".", "/", "~")) or path.is_dir()
    if looks_like_path and not path.exists():
        raise InstallError(f"{target}: no such file or folder")
    argument = str(path.resolve()) if looks_like_path else target
    return Plan("pip", target, command=pip_command(["install", *pip_options, argument]))


def plan_uninstall(name: str) -> Plan:
    """How to remove the plugin ``name``: its file in the plugin folder, else pip uninstall.

    ``name`` may be a file plugin's name (``softsign`` or ``softsign.py``), a
    distribution name (``backprop-swish``) or the entry-point name of an installed
    plugin (``swish``), which is mapped to its distribution.
    """
    name = name.strip()
    if not name:
        raise InstallError("nothing to uninstall: give a plugin or package name")
    if name.startswith("-"):
        raise InstallError(f"{name}: a name cannot start with '-' (it would be read as a pip option)")
    file = user_plugin_dir() / f"{Path(name).stem}.py"
    if file.is_file() and not file.name.startswith("_"):
        return Plan("remove", name, destination=file)
    package = distribution_of(name) or (name if provides_plugins(name) else None)
    if package is None:
        raise InstallError(f"{name}: no installed plugin or package of Backprop Studio plugins has this name "
                           "(only packages that provide backprop_studio plugins are uninstalled)")
    return Plan("pip", name, command=pip_command(["uninstall", "-y", package]))


def provides_plugins(distribution: str) -> bool:
    """Whether the installed distribution ``distribution`` declares backprop_studio entry points."""
    try:
        dist = importlib.metadata.distribution(distribution)
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return False
    return any(ep.group == ENTRY_POINT_GROUP for ep in dist.entry_points)


def distribution_of(plugin_name: str) -> str | None:
    """The distribution (pip package) that declares the entry point ``plugin_name``."""
    try:
        entry_points = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    except Exception:
        return None
    for ep in entry_points:
        dist = getattr(ep, "dist", None)
        if ep.name == plugin_name and dist is not None:
            return str(dist.name)
    return None


def copy_plugin_file(plan: Plan) -> Path:
    """Carry out a ``"copy"`` plan; returns the installed file."""
    assert plan.kind == "copy" and plan.source is not None and plan.destination is not None
    plan.destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(plan.source, plan.destination)
    return plan.destination


def remove_plugin_file(plan: Plan) -> Path:
    """Carry out a ``"remove"`` plan; returns the removed file."""
    assert plan.kind == "remove" and plan.destination is not None
    plan.destination.unlink()
    return plan.destination


def snapshot() -> dict[str, tuple[str, bool]]:
    """Entry-point plugin name -> (distribution version, whether its module is imported).

    Take one before an install and pass it to :func:`restart_reasons` afterwards.
    """
    try:
        entry_points = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    except Exception:
        return {}
    return {
        ep.name: (ep.dist.version if ep.dist is not None else "",
                  ep.value.split(":")[0].strip() in sys.modules)
        for ep in entry_points
    }


def restart_reasons(before: dict[str, tuple[str, bool]], host) -> list[str]:
    """Why the running app cannot use what was just installed without a restart.

    Parameters
    ----------
    before : dict
        :func:`snapshot` taken before the install.
    host : PluginHost
        The host reloaded after the install.

    Returns
    -------
    list of str
        Empty when the reloaded host already runs everything that is installed.
    """
    reasons = []
    for name, (version, _) in snapshot().items():
        old_version, was_imported = before.get(name, (None, False))
        record = host.record(name)
        if old_version is not None and old_version != version and was_imported:
            reasons.append(f"{name} changed from {old_version} to {version}; the old code is still loaded")
        elif record is not None and record.state == "failed" and "ModuleNotFoundError" in record.error:
            reasons.append(f"{name} is installed but its module can only be imported after a restart")
    return reasons
