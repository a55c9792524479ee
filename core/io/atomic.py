"""Writing a file so that a crash never leaves half of it: a temporary file, then a rename."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: str | os.PathLike, text: str, error: type[Exception] = OSError) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically.

    The text goes to a temporary file in the same folder, is flushed to disk, and the
    temporary file is renamed over ``path``; on any failure the old file is left as it was
    and the temporary file removed.

    Parameters
    ----------
    path
        The file to write.
    text
        Its whole content.
    error
        The exception raised, with a message naming ``path``, when the file cannot be written.
    """
    path = Path(path)
    if not path.name or path.is_dir():
        raise error(f"{str(path) or 'an empty name'!s}: not a file name to save to")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    except OSError as exc:
        raise error(f"{path}: cannot be written ({exc.strerror or exc})") from None
    try:
        os.chmod(tmp, file_mode(path))  # mkstemp makes 0600; keep the usual (or the old) mode
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise error(f"{path}: cannot be written ({exc.strerror or exc})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def file_mode(path: Path) -> int:
    """The existing file's mode, else 0666 less the process umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
