"""The Qt-free commands of `backprop-studio`: new, trace, train, plugins, lesson and export.

Each command is a module with one :class:`~core.cli.base.Command`; :mod:`core.cli.parser`
joins them in one argparse tree. desktop_app.cli adds ``open`` and ``screenshot`` to the
same tree and is the console script.
"""
from __future__ import annotations

from collections.abc import Sequence

from core.cli.base import PROG, USER_ERRORS, Command, CommandError, emit_json, run_guarded
from core.cli.parser import CORE_COMMANDS, build_parser

__all__ = ["PROG", "USER_ERRORS", "Command", "CommandError", "CORE_COMMANDS", "build_parser", "emit_json", "main",
           "run_guarded"]


def main(argv: Sequence[str] | None = None, commands: Sequence[Command] = CORE_COMMANDS) -> int:
    """Parse ``argv`` with the tree of ``commands`` and run the chosen one; returns the exit status."""
    parser = build_parser(commands)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return run_guarded(lambda: args.run(args), json_output=getattr(args, "json", False))
