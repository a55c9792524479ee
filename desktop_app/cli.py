"""The console script `backprop-studio`: the GUI, `screenshot`, and the Qt-free commands."""
from __future__ import annotations

import argparse
import sys

from core import cli as core_cli

GUI_COMMANDS = ("screenshot",)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in core_cli.COMMANDS:
        return core_cli.main(argv)
    if argv and argv[0] == "screenshot":
        from . import screenshot

        return core_cli.run_guarded(lambda: screenshot.main(argv[1:]))
    if argv and argv[0] in ("-h", "--help"):
        core_cli.build_parser().print_help()
        print("\nWith no command, or with a FILE, opens the desktop app.\n"
              "  screenshot [FILE] -o OUT.png [--size WxH] [--step QUANTITY]   renders the window offscreen\n"
              "  (see `backprop-studio screenshot --help`)")
        return 0
    parser = argparse.ArgumentParser(prog=core_cli.PROG, description="Open the Backprop Studio window.")
    parser.add_argument("file", nargs="?", metavar="FILE", help="a network file to open")
    parser.add_argument("--safe-mode", action="store_true", help="load only the built-in plugins")
    args = parser.parse_args(argv)
    from .launch import run_gui

    return core_cli.run_guarded(lambda: run_gui(args.file, safe_mode=args.safe_mode))


if __name__ == "__main__":
    sys.exit(main())
