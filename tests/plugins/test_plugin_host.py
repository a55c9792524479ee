"""Loading plugins: guards, flags, duplicates, discovery, safe mode."""
from __future__ import annotations

import sys
import textwrap
import types

import pluggy
import pytest

from core.plugin_host.host import BUILTIN_MODULES, PluginHost
from core.plugin_host.registry import RegistryError

hookimpl = pluggy.HookimplMarker("backprop_studio")


def plugin_module(name: str, source: str) -> types.ModuleType:
    module = types.ModuleType(name)
    exec(textwrap.dedent(source), module.__dict__)
    return module


GOOD = """
import numpy as np, pluggy
hookimpl = pluggy.HookimplMarker("backprop_studio")
@hookimpl
def register_activations(register):
    register(name="softsign", fn=lambda a: a / (1 + np.abs(a)),
             derivative=lambda a: 1 / (1 + np.abs(a)) ** 2)
"""

LYING = """
import numpy as np, pluggy
hookimpl = pluggy.HookimplMarker("backprop_studio")
@hookimpl
def register_activations(register):
    register(name="lying_tanh", fn=np.tanh, derivative=lambda a: np.ones_like(a))
"""

RAISING = """
import pluggy
hookimpl = pluggy.HookimplMarker("backprop_studio")
@hookimpl
def register_activations(register):
    raise RuntimeError("the plugin's own bug")
"""


def test_builtins_load_and_contribute_every_documented_name():
    host = PluginHost(safe_mode=True).load()
    assert [r.name for r in host.records] == list(BUILTIN_MODULES)
    assert all(r.state == "loaded" for r in host.records), [r.warnings for r in host.records]
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "linear", "softplus", "elu", "gelu"):
        assert host.registry.activation(name).problem is None
    for name in ("softmax_cross_entropy", "squared_error", "binary_cross_entropy"):
        host.registry.loss(name)
    for name in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"):
        host.registry.optimizer(name)


def test_a_plugin_that_raises_is_recorded_and_the_rest_still_works():
    host = PluginHost(safe_mode=True).load()
    record = host.add_plugin(plugin_module("broken", RAISING), "broken")
    assert record.state == "failed"
    assert record.phase == "register_activations"
    assert "the plugin's own bug" in record.error
    assert "RuntimeError" in record.traceback
    host.add_plugin(plugin_module("good", GOOD), "good")
    assert host.registry.activation("softsign").problem is None
    assert host.registry.activation("tanh").problem is None


def test_a_lying_derivative_is_flagged_and_refused_with_the_word_derivative():
    host = PluginHost(safe_mode=True).load()
    record = host.add_plugin(plugin_module("liar", LYING), "liar")
    assert record.state == "flagged"
    assert any("derivative" in w for w in record.warnings)
    assert "lying_tanh" not in host.registry.usable("activations")
    with pytest.raises(RegistryError, match="derivative"):
        host.registry.activation("lying_tanh")


def test_a_duplicate_name_is_an_error_naming_both_plugins():
    host = PluginHost(safe_mode=True).load()
    dup = plugin_module("dup", GOOD.replace('"softsign"', '"tanh"'))
    record = host.add_plugin(dup, "copycat")
    message = " ".join(record.warnings)
    assert "'tanh'" in message and "copycat" in message and "plugins.activations" in message
    # the first registration stays in force
    assert host.registry.activation("tanh").plugin == "plugins.activations"


def test_a_file_plugin_that_fails_to_import_is_recorded(tmp_path):
    (tmp_path / "syntax_error.py").write_text("def broken(:\n")
    (tmp_path / "softsign.py").write_text(textwrap.dedent(GOOD))
    host = PluginHost(plugin_dir=tmp_path, use_entry_points=False).load()
    broken = host.record("syntax_error")
    assert broken.state == "failed" and broken.phase == "import"
    assert "SyntaxError" in broken.error
    assert host.record("softsign").state == "loaded"
    assert host.record("softsign").source == "file"
    assert host.registry.activation("softsign").plugin == "softsign"


def test_a_plugin_calling_sys_exit_on_import_does_not_stop_the_app(tmp_path):
    (tmp_path / "quitter.py").write_text("import sys\nsys.exit(3)\n")
    host = PluginHost(plugin_dir=tmp_path, use_entry_points=False).load()
    assert host.record("quitter").state == "failed"
    assert "SystemExit" in host.record("quitter").error


def test_safe_mode_loads_builtins_only(tmp_path, monkeypatch):
    (tmp_path / "softsign.py").write_text(textwrap.dedent(GOOD))
    monkeypatch.setenv("BACKPROP_STUDIO_PLUGIN_DIR", str(tmp_path))
    monkeypatch.setenv("BACKPROP_STUDIO_SAFE_MODE", "1")
    host = PluginHost().load()
    assert host.safe_mode
    assert host.record("softsign") is None
    monkeypatch.setenv("BACKPROP_STUDIO_SAFE_MODE", "0")
    assert PluginHost().load().record("softsign").state == "loaded"


def test_disabled_plugins_are_listed_but_not_loaded(tmp_path):
    (tmp_path / "softsign.py").write_text(textwrap.dedent(GOOD))
    host = PluginHost(plugin_dir=tmp_path, use_entry_points=False, disabled={"softsign"}).load()
    assert host.record("softsign").state == "disabled"
    assert "softsign" not in host.registry.activations


def test_entry_point_plugins_are_discovered(tmp_path, monkeypatch):
    """A distribution whose metadata declares the entry point group backprop_studio."""
    (tmp_path / "ep_softsign.py").write_text(textwrap.dedent(GOOD))
    dist = tmp_path / "ep_softsign-2.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: ep-softsign\nVersion: 2.1\n")
    (dist / "entry_points.txt").write_text("[backprop_studio]\nsoftsign = ep_softsign\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    host = PluginHost(plugin_dir=tmp_path / "none").load()
    record = host.record("softsign")
    assert record.source == "entry point"
    assert record.version == "2.1"
    assert record.contributes["activations"] == ["softsign"]
    sys.modules.pop("ep_softsign", None)


def test_a_broken_entry_point_does_not_stop_discovery(tmp_path, monkeypatch):
    dist = tmp_path / "ep_missing-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: ep-missing\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[backprop_studio]\nmissing = no_such_module_here\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    host = PluginHost(plugin_dir=tmp_path / "none").load()
    assert host.record("missing").state == "failed"
    assert "no_such_module_here" in host.record("missing").error
    assert host.registry.activation("tanh")


def test_a_registration_of_the_wrong_form_is_a_warning_not_a_crash():
    bad = plugin_module("bad", """
import pluggy
hookimpl = pluggy.HookimplMarker("backprop_studio")
@hookimpl
def register_activations(register):
    register(name="nofn")
""")
    host = PluginHost(safe_mode=True).load()
    record = host.add_plugin(bad, "bad")
    assert record.state == "flagged"
    assert "wrong form" in record.warnings[0]


def test_an_activation_returning_the_wrong_shape_is_flagged():
    bad = plugin_module("shape", """
import numpy as np, pluggy
hookimpl = pluggy.HookimplMarker("backprop_studio")
@hookimpl
def register_activations(register):
    register(name="flat", fn=lambda a: np.tanh(a).ravel(), derivative=lambda a: 1 - np.tanh(a) ** 2)
""")
    host = PluginHost(safe_mode=True).load()
    host.add_plugin(bad, "shape")
    assert "shape" in host.registry.activations["flat"].problem


def test_a_wrong_loss_gradient_is_flagged():
    bad = plugin_module("badloss", """
import numpy as np, pluggy
hookimpl = pluggy.HookimplMarker("backprop_studio")
@hookimpl
def register_losses(register):
    register("half_squared", lambda a: a, lambda y, p: ((y - p) ** 2).sum(axis=1),
             lambda y, p, a: -(y - p))   # forgot the factor 2
""")
    host = PluginHost(safe_mode=True).load()
    host.add_plugin(bad, "badloss")
    assert "derivative" in host.registry.losses["half_squared"].problem


def test_remove_plugin_drops_its_contributions():
    host = PluginHost(safe_mode=True).load()
    host.add_plugin(plugin_module("good", GOOD), "good")
    host.remove_plugin("good")
    assert "softsign" not in host.registry.activations
    assert host.record("good") is None
