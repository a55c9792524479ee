"""Reading a file from anyone: a regular file, of a bounded size, never a device or a pipe."""
from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_FILE_BYTES = 512 * 2**20  # a network of MAX_PARAMETERS numbers, as the app writes it, fits


class UnreadableFile(ValueError):
    """A path that is not a regular file of acceptable size, explained in one line."""


def read_capped(path: str | os.PathLike, limit: int = MAX_FILE_BYTES, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Refuses, with a UnreadableFile naming the problem, a missing file, a folder, a device
    or a pipe (``/dev/zero``, a FIFO: reading them would never end or block), and a
    file larger than ``limit``, before reading it.
    """
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise UnreadableFile(f"{path}: no such file") from None
    except OSError as exc:
        raise UnreadableFile(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise UnreadableFile(f"{path}: is a folder, not a {what}")
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFile(f"{path}: not a regular file (a device, a pipe or a socket), not a {what}")
    if info.st_size > limit:
        raise UnreadableFile(f"{path}: the file is {info.st_size / 2**20:.0f} MB, larger than the "
                              f"{limit / 2**20:.0f} MB a {what} may have")
    try:
        # O_NONBLOCK: a path swapped for a FIFO since the check must not block the open
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise UnreadableFile(f"{path}: cannot be read ({exc.strerror or exc})") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise UnreadableFile(f"{path}: not a regular file, not a {what}")
        try:
            raw = handle.read(limit + 1)
        except OSError as exc:
            raise UnreadableFile(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(raw) > limit:
        raise UnreadableFile(f"{path}: larger than the {limit / 2**20:.0f} MB a {what} may have")
    return raw
