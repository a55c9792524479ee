"""The one argparse tree of `backprop-studio`: a sub-parser per :class:`~core.cli.base.Command`."""
from __future__ import annotations

import argparse
from collections.abc import Sequence

from core.cli import export, lesson, new, plugins, trace, train
from core.cli.base import PROG, Command

CORE_COMMANDS: tuple[Command, ...] = (new.COMMAND, trace.COMMAND, train.COMMAND, plugins.COMMAND, lesson.COMMAND,
                                      export.COMMAND)


def build_parser(commands: Sequence[Command] = CORE_COMMANDS, *, epilog: str = "") -> argparse.ArgumentParser:
    """The root parser with one sub-parser per command (``args.run`` is the command's action)."""
    parser = argparse.ArgumentParser(prog=PROG, description="Build neural networks and watch them learn.",
                                     epilog=epilog or None,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in commands:
        child = sub.add_parser(command.name, help=command.help, description=command.description or command.help)
        command.configure(child)
        child.set_defaults(run=command.run)
    return parser
