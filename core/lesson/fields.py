"""Reading one entry of a lesson file, checked: type, length, range, no control characters.

Every reader takes ``where`` (``"page 3, question"``) and raises :class:`LessonFormatError`
with a message that names the entry, so a bad file is refused with one clear line.
"""
from __future__ import annotations

import math
import re
from typing import Any

MAX_TITLE = 200  # characters of a lesson's or a page's title
MAX_TEXT = 20_000  # characters of a page's text
MAX_PROMPT = 2_000  # characters of a question's prompt, hint, or of one choice
MAX_EXPLANATION = 5_000  # characters of a question's explanation
# C0/C1 control characters other than tab and newline (a NUL or an escape sequence has no
# business in a lesson and may confuse whatever shows it)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class LessonFormatError(ValueError):
    """A lesson file that cannot be used: corrupt, foreign, too large, or inconsistent with its network."""


def text(mapping: dict, key: str, where: str, *, limit: int, required: bool = False,
         single_line: bool = False) -> str:
    """``mapping[key]`` as text of at most ``limit`` characters ("" when absent and not required)."""
    if key not in mapping or mapping[key] is None:
        if required:
            raise LessonFormatError(f"{where} has no {key!r}")
        return ""
    value = mapping[key]
    if not isinstance(value, str):
        raise LessonFormatError(f"{where}: {key!r} must be text, not {type(value).__name__}")
    if len(value) > limit:
        raise LessonFormatError(f"{where}: {key!r} is {len(value)} characters long (at most {limit})")
    bad = _CONTROL.search(value.replace("\r\n", "\n"))
    if bad or (single_line and ("\n" in value or "\r" in value)):
        what = f"the control character U+{ord(bad.group(0)):04X}" if bad else "a line break"
        raise LessonFormatError(f"{where}: {key!r} holds {what}")
    if required and not value.strip():
        raise LessonFormatError(f"{where}: {key!r} is empty")
    return value


def number(mapping: dict, key: str, where: str, *, default: float | None = None, minimum: float | None = None) -> float:
    """``mapping[key]`` as a finite number (not true/false)."""
    if key not in mapping or mapping[key] is None:
        if default is None:
            raise LessonFormatError(f"{where} has no {key!r}")
        return default
    value = mapping[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise LessonFormatError(f"{where}: {key!r} must be a finite number, not {value!r}"[:300])
    if minimum is not None and value < minimum:
        raise LessonFormatError(f"{where}: {key!r} must be at least {minimum:g}, not {value:g}")
    return float(value)


def whole(value: Any, where: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    """``value`` as a whole number in [minimum, maximum]."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise LessonFormatError(f"{where} must be a whole number, not {value!r}"[:300])
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and at most {maximum}" if maximum is not None else ""
        raise LessonFormatError(f"{where} must be at least {minimum}{upper}, not {value}")
    return value


def optional_whole(mapping: dict, key: str, where: str, *, minimum: int = 0,
                   maximum: int | None = None) -> int | None:
    if mapping.get(key) is None:
        return None
    return whole(mapping[key], f"{where}: {key!r}", minimum=minimum, maximum=maximum)


def obj(value: Any, where: str) -> dict:
    """``value`` as a JSON object."""
    if not isinstance(value, dict):
        raise LessonFormatError(f"{where} must be an object {{…}}, not {type(value).__name__}")
    return value


def names(mapping: dict, key: str, where: str, allowed: tuple[str, ...]) -> tuple[str, ...] | None:
    """A list of names from ``allowed`` (None when absent)."""
    if mapping.get(key) is None:
        return None
    value = mapping[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LessonFormatError(f"{where}: {key!r} must be a list of names")
    unknown = [v for v in value if v not in allowed]
    if unknown:
        raise LessonFormatError(f"{where}: {key!r} has the unknown name {unknown[0][:40]!r} "
                                f"(known: {', '.join(allowed)})")
    return tuple(dict.fromkeys(value))
