'''`backprop-studio plugins new NAME`: write a ready plugin project.

The project ``backprop-NAME/`` holds a pyproject.toml with the entry point in the group
``backprop_studio``, a module ``backprop_NAME.py`` with one activation called NAME (a
scaled tanh, g(a) = 1.7159 tanh(2a/3), with its derivative and formulas), a README and
``tests/test_NAME.py``, which uses the ``plugin_host`` pytest fixture published by
Backprop Studio. After ``pip install -e .`` in that folder, ``pytest`` passes as written.
'''
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*")


class ScaffoldError(ValueError):
    """A name or folder that cannot become a plugin project, explained in one line."""


@dataclass(frozen=True)
class PluginNames:
    """The names derived from what the user typed.

    Attributes
    ----------
    activation : str
        The activation's and the plugin's name (``my_tanh``).
    module : str
        The Python module (``backprop_my_tanh``).
    distribution : str
        The pip package and default folder (``backprop-my-tanh``).
    """

    activation: str
    module: str
    distribution: str


def plugin_names(name: str) -> PluginNames:
    """Normalise NAME (lower case, ``-`` and spaces as ``_``) and check it is a usable name.

    Raises
    ------
    ScaffoldError
        When the name is not a Python identifier or is a built-in activation.
    """
    activation = re.sub(r"[-\s]+", "_", name.strip().lower())
    if activation.startswith("backprop_"):
        activation = activation[len("backprop_"):]
    if not NAME_PATTERN.fullmatch(activation):
        raise ScaffoldError(f"{name!r} cannot name a plugin: use letters, digits and _ "
                            "(starting with a letter), e.g. scaled_tanh")
    taken = _builtin_activations()
    if activation in taken:
        raise ScaffoldError(f"{activation!r} is a built-in activation; choose another name "
                            f"(taken: {', '.join(sorted(taken))})")
    return PluginNames(activation, f"backprop_{activation}", "backprop-" + activation.replace("_", "-"))


def _builtin_activations() -> set[str]:
    from core.plugin_host.host import PluginHost

    return set(PluginHost(safe_mode=True, disabled=()).load().registry.activations)


def render(names: PluginNames) -> dict[str, str]:
    """The project's files: relative path -> text."""
    fields = {"activation": names.activation, "module": names.module,
              "distribution": names.distribution, "title": names.activation.replace("_", " ")}
    return {path.format(**fields): text.format(**fields) for path, text in TEMPLATES.items()}


def scaffold_plugin(name: str, output: str | Path | None = None, *, force: bool = False) -> Path:
    """Write the plugin project for ``name``.

    Parameters
    ----------
    name : str
        The activation's name, e.g. ``scaled_tanh``.
    output : str or Path, optional
        The folder to create the project in (default: the current folder).
    force : bool
        Write into an existing non-empty project folder.

    Returns
    -------
    Path
        The project folder, ``OUTPUT/backprop-NAME``.

    Raises
    ------
    ScaffoldError
        A bad name, or a non-empty project folder without ``force``.
    """
    names = plugin_names(name)
    project = Path(output if output is not None else ".") / names.distribution
    if project.exists() and any(project.iterdir()) and not force:
        raise ScaffoldError(f"{project} already exists and is not empty")
    for relative, text in render(names).items():
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return project


# The templates are str.format templates: literal braces are doubled.
PYPROJECT = '''\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{distribution}"
version = "0.1.0"
description = "The {activation} activation for Backprop Studio"
readme = "README.md"
requires-python = ">=3.10"
dependencies = ["numpy", "pluggy"]

[project.optional-dependencies]
# the tests use the plugin_host fixture that backprop-studio publishes (pytest11)
test = ["pytest>=8", "backprop-studio"]

# Backprop Studio finds the plugin through this entry point.
[project.entry-points.backprop_studio]
{activation} = "{module}"

[tool.setuptools]
py-modules = ["{module}"]

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["."]
'''

MODULE = '''\
"""The {activation} activation for Backprop Studio: a scaled tanh.

    g(a)  = A tanh(B a)          with A = 1.7159, B = 2/3 (LeCun et al., "Efficient BackProp")
    g'(a) = A B (1 - tanh²(B a))

Change the two functions and the formulas to make it your own; Backprop Studio checks
g' against finite differences when it loads the plugin and flags it if they disagree.
"""
import numpy as np
import pluggy

hookimpl = pluggy.HookimplMarker("backprop_studio")
__version__ = "0.1.0"

A = 1.7159
B = 2.0 / 3.0


def {activation}(a):
    """g(a) = A tanh(B a), elementwise."""
    return A * np.tanh(B * a)


def {activation}_derivative(a):
    """g'(a) = A B (1 - tanh²(B a)), elementwise."""
    return A * B * (1.0 - np.tanh(B * a) ** 2)


@hookimpl
def register_activations(register):
    register(
        name="{activation}",
        fn={activation},
        derivative={activation}_derivative,
        formula=r"g(a) = 1.7159\\,\\tanh(\\frac{{2}}{{3}}a)",
        derivative_formula=r"g'(a) = 1.1439\\,(1 - \\tanh^2(\\frac{{2}}{{3}}a))",
        description="tanh scaled so that g(±1) ≈ ±1",
    )
'''

TEST = '''\
"""Tests of the {activation} plugin, against a fresh Backprop Studio plugin host."""
import importlib.metadata

import numpy as np

import {module}


def test_it_loads_unflagged(plugin_host):
    # plugin_host: a fresh plugin host with the built-in plugins only (from backprop-studio)
    record = plugin_host.add_plugin({module}, "{activation}")
    assert record.state == "loaded", (record.error, record.warnings)
    assert record.contributes["activations"] == ["{activation}"]


def test_its_derivative_matches_finite_differences(plugin_host, check_activation):
    plugin_host.add_plugin({module}, "{activation}")
    result = check_activation("{activation}")
    assert result.problem is None
    assert result.max_derivative_error < 1e-6


def test_values():
    a = np.array([-1.0, 0.0, 1.0])
    np.testing.assert_allclose({module}.{activation}(a), [-1.0, 0.0, 1.0], atol=2e-4)
    assert {module}.{activation}_derivative(np.zeros((2, 3))).shape == (2, 3)


def test_the_entry_point_is_installed():
    names = {{ep.name: ep.value for ep in importlib.metadata.entry_points(group="backprop_studio")}}
    assert names.get("{activation}") == "{module}", "install the project first: pip install -e ."
'''

README = '''\
# {distribution}

A [Backprop Studio](https://github.com/) plugin that adds the activation **{activation}**,
a scaled tanh: g(a) = 1.7159 tanh(2a/3), g'(a) = 1.1439 (1 − tanh²(2a/3)).

## Install

    backprop-studio plugins install .      # or: pip install -e .

`backprop-studio plugins` then lists `{activation}` as loaded, and the app's palette
offers it.

## Test

    pip install -e ".[test]"
    pytest

The tests use the `plugin_host` and `check_activation` fixtures that Backprop Studio
publishes as a pytest plugin: a fresh plugin host with only the built-in plugins, into
which the test adds this module exactly as the app would load it.
'''

TEMPLATES = {
    "pyproject.toml": PYPROJECT,
    "{module}.py": MODULE,
    "README.md": README,
    "tests/test_{activation}.py": TEST,
}
