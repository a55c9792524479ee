"""Files shipped with the package: the example networks (the worked example of MATH.md first)
and the built-in lessons.

In a wheel they are the package data ``core/resources/examples`` and ``…/lessons``
(pyproject.toml maps the repository's ``resources/`` there); in a checkout or an editable
install they are read from ``resources/`` beside ``core/``.
"""
from __future__ import annotations

import importlib.resources
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2] / "resources"
BUILTIN_LESSON = "backprop-by-hand"  # "Backpropagation by hand", on the worked example


def _resource_dir(name: str) -> Path:
    try:
        packaged = importlib.resources.files("core.resources") / name
    except ModuleNotFoundError:  # a checkout: no core.resources package
        return CHECKOUT / name
    return Path(str(packaged)) if packaged.is_dir() else CHECKOUT / name


def examples_dir() -> Path:
    """The folder of the example networks."""
    return _resource_dir("examples")


def lesson_files() -> list[Path]:
    """The built-in lessons, "Backpropagation by hand" first."""
    return sorted(_resource_dir("lessons").glob("*.json"), key=lambda p: (p.stem != BUILTIN_LESSON, p.stem))


def lesson_path(name: str = BUILTIN_LESSON) -> Path:
    """The built-in lesson called ``name`` (FileNotFoundError naming the ones there are)."""
    path = _resource_dir("lessons") / f"{name}.json"
    if not path.is_file():
        known = ", ".join(p.stem for p in lesson_files())
        raise FileNotFoundError(f"no built-in lesson called {name!r} (lessons: {known})")
    return path


def example_files() -> list[Path]:
    """The example networks, the textbook example first."""
    files = sorted(examples_dir().glob("*.json"))
    return sorted(files, key=lambda p: (p.stem != "textbook", p.stem))


def example_names() -> list[str]:
    return [path.stem for path in example_files()]


def example_path(name: str) -> Path:
    """The example network called ``name`` (``"textbook"`` is the worked example of MATH.md).

    Raises
    ------
    FileNotFoundError
        When no example has that name; the message lists the ones there are.
    """
    path = examples_dir() / f"{name}.json"
    if not path.is_file():
        raise FileNotFoundError(f"no example network called {name!r} (examples: {', '.join(example_names())})")
    return path
