"""The network file's ``"setup"`` object (format version 2): the training setup, checked.

Kept apart from the network's own entries: :mod:`core.training.setup` says what a setup
is; this module only maps its errors onto the file's (docs/file-format.md).
"""
from __future__ import annotations

from typing import Any

from core.training.setup import SetupError, TrainingSetup


class SetupFormatError(ValueError):
    """A ``"setup"`` entry that cannot be read (the message names the key)."""


def write_setup(setup: TrainingSetup) -> dict[str, Any]:
    """The JSON object saved under ``"setup"``."""
    return setup.to_dict()


def read_setup(data: Any) -> TrainingSetup:
    """The setup saved under ``"setup"``; raises SetupFormatError naming a bad entry.

    Dataset, optimizer and regularizer names are not checked here (as activation names
    are not): a file whose plugin is missing still opens, and training says what is missing.
    """
    try:
        return TrainingSetup.from_dict(data)
    except SetupError as exc:
        raise SetupFormatError(str(exc)) from None
