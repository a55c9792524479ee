"""`backprop-studio plugins`: list, install, uninstall, scaffold, enable and disable plugins."""
from __future__ import annotations

import argparse
import subprocess

from core.cli.base import Command, CommandError, add_safe_mode, emit_json, load_host
from core.plugin_host import host as plugin_manager
from core.plugin_host import install as plugin_install
from core.plugin_host import settings as plugin_settings


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print every plugin as JSON")
    add_safe_mode(parser)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    install = actions.add_parser("install", help="pip install a package, wheel or folder; copy a .py file")
    install.add_argument("target", metavar="TARGET")
    install.add_argument("--force", action="store_true", help="replace a plugin file of the same name")
    uninstall = actions.add_parser("uninstall", help="remove a plugin file or pip uninstall a package")
    uninstall.add_argument("name", metavar="NAME")
    new_plugin = actions.add_parser("new", help="write a ready plugin project with one activation")
    new_plugin.add_argument("name", metavar="NAME", help="the activation's name, e.g. scaled_tanh")
    new_plugin.add_argument("-o", "--output", metavar="DIR", default=".",
                            help="where to create backprop-NAME/ (default: the current folder)")
    enable = actions.add_parser("enable", help="load a disabled plugin again (remembered)")
    enable.add_argument("name", metavar="NAME")
    disable = actions.add_parser("disable", help="skip a plugin when loading (remembered)")
    disable.add_argument("name", metavar="NAME")


def run(args: argparse.Namespace) -> int:
    if args.action == "install":
        return install_plugin(args.target, force=args.force)
    if args.action == "uninstall":
        return uninstall_plugin(args.name)
    if args.action == "new":
        return new_plugin_project(args.name, args.output)
    if args.action in ("enable", "disable"):  # without importing any plugin (one may hang or exit)
        return set_plugin_enabled(args.name, args.action == "enable")
    return list_plugins(load_host(args), as_json=args.json)


def list_plugins(host: plugin_manager.PluginHost, *, as_json: bool) -> int:
    records = host.records
    if as_json:
        emit_json([r.to_json() for r in records], indent=1)
        return 0
    rows = [("NAME", "VERSION", "SOURCE", "STATE", "CONTRIBUTES")]
    for r in records:
        gives = "; ".join(f"{kind}: {', '.join(names)}" for kind, names in r.contributes.items() if names)
        rows.append((r.name, r.version or "-", r.source, r.state, gives or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[4])
    for r in records:
        if r.error:
            print(f"\n{r.name} failed in {r.phase}: {r.error}")
        for warning in r.warnings:
            print(f"\n{r.name}: {warning}")
    if host.safe_mode:
        print("\n(safe mode: only built-in plugins were loaded)")
    return 0


def install_plugin(target: str, *, force: bool = False) -> int:
    """A .py file is copied into the user plugin folder; anything else goes to pip."""
    plan = plugin_install.plan_install(target)
    if plan.overwrites and not force:
        raise CommandError(f"{plan.destination} is already installed; add --force to replace it")
    if plan.kind == "copy":
        installed = plugin_install.copy_plugin_file(plan)
        print(f"copied {installed.name} to {installed.parent}")
        return 0
    return run_pip(plan.command)


def uninstall_plugin(name: str) -> int:
    plan = plugin_install.plan_uninstall(name)
    if plan.kind == "remove":
        print(f"removed {plugin_install.remove_plugin_file(plan)}")
        return 0
    return run_pip(plan.command)


def run_pip(command: list[str]) -> int:
    result = subprocess.run(command)
    if result.returncode != 0:
        arguments = command[command.index("pip") + 1:]
        raise CommandError(f"pip {' '.join(arguments)} failed (exit status {result.returncode})")
    return 0


def new_plugin_project(name: str, output: str) -> int:
    from core.plugin_host.scaffold import scaffold_plugin

    project = scaffold_plugin(name, output)
    print(f"wrote {project}: install it with `backprop-studio plugins install {project}` "
          f"(or pip install -e {project}), then run pytest in it")
    return 0


def set_plugin_enabled(name: str, enabled: bool) -> int:
    """Remember the choice; a name no plugin has is refused unless it is being enabled.

    The names are discovered without importing anything, so a plugin that hangs or ends
    the program at import can still be disabled.
    """
    known = plugin_manager.discover()
    if not enabled and name not in known:
        raise CommandError(f"no plugin named {name!r} (plugins: {', '.join(sorted(known))})")
    if not enabled and name in plugin_manager.BUILTIN_MODULES:
        raise CommandError(f"{name} is built in and cannot be disabled (use --safe-mode for built-ins only)")
    plugin_settings.set_enabled(name, enabled)
    print(f"{name} {'enabled' if enabled else 'disabled'} (from the next time plugins are loaded)")
    return 0


COMMAND = Command("plugins", "list, install or uninstall plugins", configure, run)
