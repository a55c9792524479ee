"""What every command shares: the program name, one-line errors, the plugin host, a Command.

Each command module (new, trace, train, plugins) declares one :class:`Command`: its
arguments and what it does. :mod:`core.cli.parser` puts them in one argparse tree, to
which the desktop app adds its own commands (``open``, ``screenshot``).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from core.engine.network import Network, NetworkError
from core.engine.passes import ShapeError
from core.io.network_file import FileFormatError
from core.plugin_host.host import PluginHost
from core.plugin_host.registry import RegistryError
from core.training.data import DatasetError
from core.training.trainer import TrainingDiverged

PROG = "backprop-studio"
# The errors a user can cause; each becomes one line on stderr.
USER_ERRORS = (FileFormatError, NetworkError, RegistryError, ShapeError, DatasetError,
               TrainingDiverged, ValueError, OSError)


class CommandError(Exception):
    """A failure explained in one line."""


@dataclass(frozen=True)
class Command:
    """One sub-command of ``backprop-studio``.

    Parameters
    ----------
    name, help
        The word on the command line and its one-line description in ``--help``.
    configure
        Adds the command's arguments to its sub-parser.
    run
        Does the work with the parsed arguments; returns the exit status.
    description
        The longer text of ``backprop-studio NAME --help`` (default: ``help``).
    """

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    description: str = ""


def non_negative(text: str) -> int:
    """A whole number ≥ 0 on the command line (argparse names the option on failure)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def decimals(text: str) -> int:
    """Digits after the point, 0 … 17 (a float64 holds about 17 significant digits)."""
    value = non_negative(text)
    if value > 17:
        raise argparse.ArgumentTypeError(f"must be at most 17 (a float has about 17 significant digits), not {value}")
    return value


def add_safe_mode(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--safe-mode", action="store_true",
                        help="load only the built-in plugins (also BACKPROP_STUDIO_SAFE_MODE=1)")


def load_host(args: argparse.Namespace) -> PluginHost:
    """The plugins for one command: built-ins only with --safe-mode."""
    return PluginHost(safe_mode=True if getattr(args, "safe_mode", False) else None).load()


def check_names(network: Network, host: PluginHost) -> None:
    """Refuse a network whose activations, loss or input features are unknown or flagged."""
    for name in network.activations:
        host.registry.activation(name)
    host.registry.loss(network.loss)
    for name in network.features or ():
        host.registry.feature(name)


_json_stream: IO[str] | None = None


def emit_json(data: Any, **options: Any) -> None:
    """Print ``data`` as one JSON document on the real standard output (see :func:`json_only_stdout`)."""
    stream = _json_stream or sys.stdout
    stream.write(json.dumps(data, **options) + "\n")
    stream.flush()


@contextmanager
def json_only_stdout(active: bool = True) -> Iterator[None]:
    """While a ``--json`` command runs, only :func:`emit_json` writes to standard output.

    Everything else printed (by a plugin at import or in its functions, even from C
    code writing to file descriptor 1) goes to standard error, so the JSON stays valid.
    """
    global _json_stream
    if not active:
        yield
        return
    sys.stdout.flush()
    if not _is_fd_1(sys.stdout):  # stdout was replaced in-process (a test capturing it)
        previous = sys.stdout
        sys.stdout, _json_stream = sys.stderr, previous
        try:
            yield
        finally:
            sys.stdout, _json_stream = previous, None
        return
    saved = os.dup(1)
    os.dup2(2, 1)
    real, previous = os.fdopen(saved, "w", encoding="utf-8"), sys.stdout
    sys.stdout, _json_stream = sys.stderr, real
    try:
        yield
    finally:
        sys.stderr.flush()
        real.flush()
        os.dup2(saved, 1)
        sys.stdout, _json_stream = previous, None
        real.close()


def _is_fd_1(stream: Any) -> bool:
    try:
        return stream.fileno() == 1
    except (AttributeError, OSError, ValueError):
        return False


def run_guarded(action: Callable[[], int | None], *, json_output: bool = False) -> int:
    """Run ``action``; every failure a user can cause becomes one line on stderr.

    With ``json_output``, plugin output cannot reach standard output (:func:`json_only_stdout`).
    """
    with json_only_stdout(json_output):
        return _run_guarded(action)


def _run_guarded(action: Callable[[], int | None]) -> int:
    try:
        return action() or 0
    except BrokenPipeError:  # `backprop-studio trace … | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except CommandError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
    except USER_ERRORS as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except SystemExit as exc:  # arguments are parsed before this guard: only plugin code exits here
        print(f"{PROG}: error: a plugin tried to end the program (SystemExit: {exc.code}); "
              "run `backprop-studio plugins` to see which plugins are loaded, or use --safe-mode",
              file=sys.stderr)
    except Exception as exc:  # never a traceback for the user
        if os.environ.get("BACKPROP_STUDIO_DEBUG"):
            raise
        print(f"{PROG}: error: unexpected {type(exc).__name__}: {exc} "
              "(set BACKPROP_STUDIO_DEBUG=1 to see the traceback)", file=sys.stderr)
    return 1
