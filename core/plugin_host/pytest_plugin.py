"""Pytest fixtures for plugin authors, published through the ``pytest11`` entry point.

Installing backprop-studio makes these fixtures available in any test suite::

    def test_my_activation(plugin_host, check_activation):
        import my_plugin
        record = plugin_host.add_plugin(my_plugin, "my_plugin")
        assert record.state == "loaded"
        assert check_activation("my_activation").passed

``plugin_host`` is a fresh plugin host with the built-in plugins only (safe mode: no
entry points, no plugin folder, nothing disabled), so a test sees exactly its own plugin
on top of the built-ins, loaded and checked as the app does it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # imported lazily: this module is loaded by every pytest run
    from core.plugin_host.host import PluginHost


@dataclass(frozen=True)
class ActivationCheck:
    """The load-time check of one activation.

    Attributes
    ----------
    name : str
    problem : str or None
        Why the activation is flagged (shape, finiteness, wrong derivative), or None.
    max_derivative_error : float
        max |g'(a) − (g(a+h) − g(a−h)) / 2h| over the sample points (inf if not computed).
    """

    name: str
    problem: str | None
    max_derivative_error: float

    @property
    def passed(self) -> bool:
        return self.problem is None


def activation_check(host: PluginHost, name: str) -> ActivationCheck:
    """The derivative check result of the activation ``name`` registered in ``host``.

    Raises
    ------
    LookupError
        When no plugin in ``host`` registered ``name``.
    """
    act = host.registry.activations.get(name)
    if act is None:
        known = ", ".join(sorted(host.registry.activations))
        raise LookupError(f"no activation {name!r} is registered (registered: {known})")
    error = act.max_derivative_error
    return ActivationCheck(name, act.problem, float("inf") if error is None else error)


@pytest.fixture
def plugin_host() -> Iterator[PluginHost]:
    """A fresh, loaded plugin host with the built-in plugins only.

    Add your plugin with ``plugin_host.add_plugin(module, name)``.
    """
    from core.plugin_host import host as plugin_manager

    yield plugin_manager.PluginHost(safe_mode=True, disabled=()).load()


@pytest.fixture
def check_activation(plugin_host: PluginHost) -> Callable[[str], ActivationCheck]:
    """``check_activation(name)``: the derivative check of an activation in ``plugin_host``."""
    return lambda name: activation_check(plugin_host, name)
