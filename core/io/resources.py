"""Files shipped with the package: the example networks (the worked example of MATH.md first).

In a wheel they are the package data ``core/resources/examples`` (pyproject.toml maps the
repository's ``resources/`` there); in a checkout or an editable install they are read
from ``resources/examples`` beside ``core/``.
"""
from __future__ import annotations

import importlib.resources
from pathlib import Path

CHECKOUT_EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def examples_dir() -> Path:
    """The folder of the example networks."""
    try:
        packaged = importlib.resources.files("core.resources") / "examples"
    except ModuleNotFoundError:  # a checkout: no core.resources package
        return CHECKOUT_EXAMPLES
    return Path(str(packaged)) if packaged.is_dir() else CHECKOUT_EXAMPLES


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
