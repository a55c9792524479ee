"""`backprop-studio export FILE --script OUT.py`: a network (or a lesson's) as a standalone NumPy script.

The desktop app adds ``--pdf`` and ``--gif`` (a handout, an animation) to the same command.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from core.cli.base import Command, CommandError, add_safe_mode, check_names, load_host
from core.export.script import write_script
from core.lesson.lesson_file import load_network_or_lesson
from core.lesson.model import Lesson


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a network or lesson file")
    parser.add_argument("--script", metavar="OUT.py",
                        help="write the network as a Python script that needs only NumPy")
    add_safe_mode(parser)


def network_of(path: str):
    """(network, extras, title) of a network or lesson file."""
    loaded = load_network_or_lesson(path)
    if isinstance(loaded, Lesson):
        return loaded.network, loaded.network_extras, loaded.title
    network, extras = loaded
    return network, extras, Path(path).stem


def run_script(args: argparse.Namespace) -> int:
    network, extras, title = network_of(args.file)
    host = load_host(args)
    check_names(network, host)
    out = write_script(network, host.registry, args.script, extras=extras, title=title)
    print(f"wrote {out}: `python {out.name} --json` prints the forward and backward pass as "
          "`backprop-studio trace --json` does; it needs only NumPy")
    return 0


def run(args: argparse.Namespace) -> int:
    if getattr(args, "script", None):
        return run_script(args)
    raise CommandError("say what to export: --script OUT.py (the desktop app adds --pdf OUT and --gif OUT)")


COMMAND = Command("export", "export a network or lesson (a standalone NumPy script)", configure, run)
