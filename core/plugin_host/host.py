"""Discover, load and guard plugins; collect what they contribute into a Registry.

Order: built-in modules (a tuple in the code), then the entry points of the group
``backprop_studio``, then single-file plugins in the user plugin folder. Each plugin is
imported and each of its hooks called inside its own guard: a broken plugin is recorded
with its error and traceback and everything else still loads.
"""
from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import sys
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import platformdirs
import pluggy
from psygnal import Signal

from core.plugin_host import guard, hookspecs
from core.plugin_host import settings as plugin_settings
from core.plugin_host.contract import activation_curves, contract_problem, misbehaviour, name_problem
from core.plugin_host.registry import KINDS, SINGULAR, Activation, Registry, RegistryError
from core.plugin_host.validation import CHECKS, PLUGIN_ERRORS

BUILTIN_MODULES = (
    "plugins.activations",
    "plugins.losses",
    "plugins.optimizers",
    "plugins.datasets",
    "plugins.features",
    "plugins.regularizers",
)
ENTRY_POINT_GROUP = hookspecs.PROJECT_NAME
PLUGIN_DIR_ENV = "BACKPROP_STUDIO_PLUGIN_DIR"
SAFE_MODE_ENV = "BACKPROP_STUDIO_SAFE_MODE"
HOOK_KIND = {f"register_{kind}": kind for kind in KINDS}


def user_plugin_dir() -> Path:
    """The folder of single-file plugins: $BACKPROP_STUDIO_PLUGIN_DIR or the user data dir."""
    override = os.environ.get(PLUGIN_DIR_ENV)
    if override:
        return Path(override)
    return platformdirs.user_data_path("backprop-studio") / "plugins"


def safe_mode_from_env() -> bool:
    return os.environ.get(SAFE_MODE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


@dataclass
class PluginRecord:
    """One plugin as the `plugins` command and the plugin manager dialog show it."""

    name: str
    source: str  # "built-in", "entry point", "file" or "in-process"
    location: str = ""
    version: str = ""
    state: str = "loaded"  # loaded, failed, flagged, disabled
    phase: str = ""  # where it failed: import, register_activations, …
    error: str = ""
    traceback: str = ""
    warnings: list[str] = field(default_factory=list)
    contributes: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "source": self.source,
            "location": self.location,
            "state": self.state,
            "phase": self.phase,
            "error": self.error or None,
            "traceback": self.traceback or None,
            "warnings": list(self.warnings),
            "contributes": {k: list(v) for k, v in self.contributes.items()},
        }


class PluginHost:
    """A pluggy manager plus the registry and the record of every plugin it tried.

    Events (psygnal): ``flagged(item)`` when a contribution is flagged after loading
    (it hung or broke its contract while in use), so views stop offering it.
    """

    flagged = Signal(object)

    def __init__(
        self,
        *,
        safe_mode: bool | None = None,
        plugin_dir: Path | str | None = None,
        use_entry_points: bool = True,
        disabled: Iterable[str] | None = None,
        builtins: Iterable[str] = BUILTIN_MODULES,
        time_limit: float | None = None,
    ) -> None:
        self.safe_mode = safe_mode_from_env() if safe_mode is None else safe_mode
        self.plugin_dir = Path(plugin_dir) if plugin_dir is not None else user_plugin_dir()
        self.use_entry_points = use_entry_points
        # None: the plugins the user disabled (core.plugin_host.settings), read at each (re)load
        self._disabled_from_settings = disabled is None
        self.disabled = plugin_settings.load_disabled() if disabled is None else set(disabled)
        self.builtins = tuple(builtins)
        # seconds plugin code may take: one check (call_limit), an import or a hook (load_limit)
        self._time_limit = time_limit
        self.call_limit = time_limit or guard.time_limit(guard.CALL_TIME_LIMIT)
        self.load_limit = time_limit or guard.time_limit(guard.IMPORT_TIME_LIMIT)
        self.pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self.registry = Registry()
        self.records: list[PluginRecord] = []

    # -- discovery ---------------------------------------------------------------
    def load(self) -> PluginHost:
        """Import and register every plugin; returns self for chaining.

        Plugin code runs with a time limit and with ``os._exit`` refused (see
        :mod:`core.plugin_host.guard`).
        """
        with guard.exits_refused():
            for module_name in self.builtins:
                self._import(module_name, "built-in", lambda m=module_name: importlib.import_module(m),
                             location=module_name, version=_own_version())
            if not self.safe_mode:
                if self.use_entry_points:
                    self._load_entry_points()
                self._load_files()
        return self

    def reload(self) -> PluginHost:
        """A fresh, loaded host with the same options (after an install or enable/disable).

        Returns
        -------
        PluginHost
            A new host; this one is left as it was. When ``disabled`` was not given,
            the new host reads the disabled plugins from the settings again.
        """
        importlib.invalidate_caches()  # see packages pip installed since the start
        return PluginHost(
            safe_mode=self.safe_mode,
            plugin_dir=self.plugin_dir,
            use_entry_points=self.use_entry_points,
            disabled=None if self._disabled_from_settings else self.disabled,
            builtins=self.builtins,
            time_limit=self._time_limit,
        ).load()

    def add_plugin(self, plugin: Any, name: str, *, source: str = "in-process") -> PluginRecord:
        """Register a plugin object (a module or any object with hook functions) and call its hooks."""
        record = PluginRecord(name=name, source=source, version=str(getattr(plugin, "__version__", "")))
        with guard.exits_refused():
            return self._register(plugin, record)

    def remove_plugin(self, name: str) -> None:
        """Unregister a plugin and drop its contributions."""
        plugin = self.pm.get_plugin(name)
        if plugin is not None:
            self.pm.unregister(plugin, name=name)
        for record in [r for r in self.records if r.name == name]:
            for kind, names in record.contributes.items():
                table = self.registry.table(kind)
                for item_name in names:
                    if item_name in table and table[item_name].plugin == name:
                        del table[item_name]
            self.records.remove(record)

    def _load_entry_points(self) -> None:
        try:
            entry_points = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
        except Exception as exc:  # a broken installed distribution must not stop the app
            self.records.append(PluginRecord(name="(entry points)", source="entry point", state="failed",
                                             phase="discovery", error=str(exc), traceback=traceback.format_exc()))
            return
        for ep in sorted(entry_points, key=lambda e: e.name):
            dist = getattr(ep, "dist", None)
            version = dist.version if dist is not None else ""
            self._import(ep.name, "entry point", ep.load, location=ep.value, version=version)

    def _load_files(self) -> None:
        for path in plugin_files(self.plugin_dir):
            self._import(path.stem, "file", lambda p=path: _import_file(p), location=str(path))

    def _import(self, name: str, source: str, loader, *, location: str = "", version: str = "") -> None:
        record = PluginRecord(name=name, source=source, location=location, version=version)
        if name in self.disabled and not (self.safe_mode and source == "built-in"):  # safe mode: all built-ins
            record.state = "disabled"
            self.records.append(record)
            return
        try:
            plugin = guard.call_with_time_limit(loader, limit=self.load_limit, what=f"importing {name}")
        except BaseException as exc:  # SystemExit and KeyboardInterrupt in a plugin too
            if isinstance(exc, KeyboardInterrupt):
                raise
            record.state, record.phase = "failed", "import"
            record.error = f"{type(exc).__name__}: {exc}"
            record.traceback = traceback.format_exc()
            self.records.append(record)
            return
        if not record.version:
            record.version = str(getattr(plugin, "__version__", ""))
        self._register(plugin, record)

    # -- registration ------------------------------------------------------------
    def _register(self, plugin: Any, record: PluginRecord) -> PluginRecord:
        self.records.append(record)
        try:
            self.pm.register(plugin, name=record.name)
        except PLUGIN_ERRORS as exc:
            record.state, record.phase = "failed", "register"
            record.error = f"{type(exc).__name__}: {exc}"
            record.traceback = traceback.format_exc()
            return record
        for hook_name, kind in HOOK_KIND.items():
            for impl in getattr(self.pm.hook, hook_name).get_hookimpls():
                if impl.plugin is plugin:
                    self._call_hook(impl.function, hook_name, kind, record)
        if record.state == "loaded" and record.warnings:
            record.state = "flagged"
        return record

    def _call_hook(self, function, hook_name: str, kind: str, record: PluginRecord) -> None:
        registered: list[tuple[tuple, dict]] = []

        def register(*args: Any, **kwargs: Any) -> None:
            registered.append((args, kwargs))

        try:
            guard.call_with_time_limit(function, register=register, limit=self.load_limit,
                                       what=f"{hook_name} of {record.name}")
        except PLUGIN_ERRORS as exc:
            record.state, record.phase = "failed", hook_name
            record.error = f"{type(exc).__name__}: {exc}"
            record.traceback = traceback.format_exc()
        # checked after the hook returned: each check has its own time limit
        for args, kwargs in list(registered):
            self._add_contribution(kind, record, args, kwargs)

    def _add_contribution(self, kind: str, record: PluginRecord, args: tuple, kwargs: dict) -> None:
        cls = KINDS[kind]
        try:
            item = cls(*args, **kwargs, plugin=record.name)
        except TypeError as exc:
            label = kwargs.get("name", args[0] if args else "?")
            record.warnings.append(f"{SINGULAR[kind]} {label!r} has the wrong form: {exc}")
            return
        refused = name_problem(item.name)
        if refused is not None:  # never in the registry: every list and menu shows names
            record.state, record.phase = "failed", f"register_{kind}"
            record.error = f"{SINGULAR[kind]} refused: {refused}"
            return
        item.problem = self._check(kind, item)
        if item.problem is not None:
            record.warnings.append(f"{SINGULAR[kind]} {item.name!r} is flagged: {item.problem}")
        try:
            self.registry.add(kind, item)
        except RegistryError as exc:
            record.warnings.append(str(exc))
            return
        record.contributes[kind].append(item.name)

    def _check(self, kind: str, item: Any) -> str | None:
        """The contract and the maths of one contribution, with a time limit; None when usable."""
        def checks() -> str | None:
            problem = contract_problem(kind, item) or CHECKS[kind](item)
            if isinstance(item, Activation):
                item.curve = activation_curves(item)
            return problem

        try:
            return guard.call_with_time_limit(checks, limit=self.call_limit, suspects=[item],
                                              what=f"checking {SINGULAR[kind]} {item.name!r}")
        except guard.PluginHang as exc:
            return exc.problem
        except PLUGIN_ERRORS as exc:
            return f"{type(exc).__name__}: {exc}"

    def flag(self, item: Any, problem: str) -> None:
        """Flag a contribution found misbehaving after load (it hangs …): never offered or called again."""
        newly = item.problem is None
        if newly:
            item.problem = problem
        record = self.record(item.plugin)
        if record is not None:
            message = f"{type(item).__name__.lower()} {item.name!r} is flagged: {problem}"
            if message not in record.warnings:
                record.warnings.append(message)
            if record.state == "loaded":
                record.state = "flagged"
        if newly:
            self.flagged.emit(item)

    def in_use(self, activations: Iterable[str] = (), loss: str | None = None, optimizer: str | None = None,
               dataset: str | None = None, *, features: Iterable[str] = (),
               regularizer: str | None = None) -> list[Any]:
        """The registered contributions with these names (unknown names are left out)."""
        reg = self.registry
        items: list[Any] = [reg.activations.get(name) for name in dict.fromkeys(activations)]
        items += [reg.losses.get(loss or ""), reg.optimizers.get(optimizer or ""), reg.datasets.get(dataset or "")]
        items += [reg.features.get(name) for name in dict.fromkeys(features)]
        items.append(reg.regularizers.get(regularizer or ""))
        return [item for item in items if item is not None]

    def explain_failure(self, error: BaseException, suspects: Iterable[Any]) -> str:
        """One line naming the plugin (and its function) behind ``error``; flags one that hangs
        or breaks its contract, so it is never called again."""
        message, item, problem = guard.blame(error, suspects, probe=misbehaviour, limit=self.call_limit)
        if item is not None and problem:
            self.flag(item, problem)
        return message

    # -- queries -----------------------------------------------------------------
    def record(self, name: str) -> PluginRecord | None:
        return next((r for r in self.records if r.name == name), None)

    def failures(self) -> list[PluginRecord]:
        return [r for r in self.records if r.state in ("failed", "flagged")]


def plugin_files(folder: Path) -> list[Path]:
    """The single-file plugins the loader imports: ``*.py`` not starting with ``_``."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.glob("*.py") if not path.name.startswith("_") and path.is_file())


def discover(plugin_dir: Path | None = None, use_entry_points: bool = True) -> dict[str, str]:
    """Plugin name -> source of every plugin that loading would try, without importing any.

    What ``plugins enable/disable`` checks a name against, so a plugin that hangs or
    ends the program when imported can still be disabled.
    """
    names = {name: "built-in" for name in BUILTIN_MODULES}
    if use_entry_points:
        try:
            names.update({ep.name: "entry point" for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)})
        except Exception:  # a broken installed distribution: its plugins cannot be named
            pass
    names.update({path.stem: "file" for path in plugin_files(plugin_dir or user_plugin_dir())})
    return names


def _import_file(path: Path) -> ModuleType:
    module_name = f"backprop_studio_plugin_{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module


def _own_version() -> str:
    try:
        return importlib.metadata.version("backprop-studio")
    except importlib.metadata.PackageNotFoundError:
        return ""
