"""The console script `backprop-studio`: core's command tree plus `open` (the GUI), `screenshot`,
and `export`'s --pdf, --gif and --png (drawn by the window, offscreen).

``backprop-studio [FILE]`` with no command opens the window: the word ``open`` is implied.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from core.cli import CORE_COMMANDS, Command, build_parser, run_guarded
from core.cli import export as core_export


def _configure_open(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", metavar="FILE", help="a network or lesson file to open")
    parser.add_argument("--safe-mode", action="store_true", help="load only the built-in plugins")


def _open(args: argparse.Namespace) -> int:
    from .launch import run_gui

    return run_gui(args.file, safe_mode=args.safe_mode)


def _configure_screenshot(parser: argparse.ArgumentParser) -> None:
    from . import screenshot

    screenshot.configure(parser)


def _screenshot(args: argparse.Namespace) -> int:
    from . import screenshot

    return screenshot.run(args)


def _configure_export(parser: argparse.ArgumentParser) -> None:
    core_export.configure(parser)
    parser.add_argument("--pdf", metavar="OUT.pdf", help="a PDF handout: a page per lesson page, or per step")
    parser.add_argument("--gif", metavar="OUT.gif", help="an animated GIF: a frame per lesson page, or per step")
    parser.add_argument("--png", metavar="OUT", help="PNG slides OUT-001.png, OUT-002.png … (or into a folder OUT)")


def _export(args: argparse.Namespace) -> int:
    if not (args.pdf or args.gif or args.png):
        return core_export.run(args)
    if args.script:
        core_export.run_script(args)
    from .lesson.takeaway import run_export

    return run_export(args)


OPEN = Command("open", "open the desktop app (the default: `backprop-studio [FILE]`)", _configure_open, _open)
SCREENSHOT = Command("screenshot", "render the window offscreen to a PNG", _configure_screenshot, _screenshot)
EXPORT = Command("export", "a network or lesson as a NumPy script, a PDF handout, GIF or PNG slides",
                 _configure_export, _export)
COMMANDS = (OPEN, *(EXPORT if c.name == "export" else c for c in CORE_COMMANDS), SCREENSHOT)


def with_implied_open(argv: Sequence[str]) -> list[str]:
    """``[]`` and ``[FILE, …]`` mean ``open …``; a command name or -h/--help is left as it is."""
    names = {command.name for command in COMMANDS}
    if argv and (argv[0] in names or argv[0] in ("-h", "--help")):
        return list(argv)
    return ["open", *argv]


def main(argv: Sequence[str] | None = None) -> int:
    argv = with_implied_open(sys.argv[1:] if argv is None else argv)
    args = build_parser(COMMANDS, epilog="With no command, or with a FILE, opens the desktop app.").parse_args(argv)
    return run_guarded(lambda: args.run(args), json_output=getattr(args, "json", False))


if __name__ == "__main__":
    sys.exit(main())
