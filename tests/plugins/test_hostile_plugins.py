"""Plugins that lie, hang, exit or print (issue 9, items 3, 4 and 6), without Qt."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from core.plugin_host import guard
from core.plugin_host import install as plugin_install
from core.plugin_host import settings as plugin_settings
from core.plugin_host.host import PluginHost, user_plugin_dir
from core.plugin_host.install import InstallError, plan_install, plan_uninstall
from core.plugin_host.registry import RegistryError

EXE = Path(sys.executable).parent / "backprop-studio"
HEADER = """
import os, sys, time
import numpy as np
import pluggy
hookimpl = pluggy.HookimplMarker("backprop_studio")
d_tanh = lambda a: 1 - np.tanh(a) ** 2
"""


def write_plugin(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    path.write_text(HEADER + textwrap.dedent(body))
    return path


def load(folder: Path, limit: float = 1.0) -> PluginHost:
    return PluginHost(plugin_dir=folder, use_entry_points=False, disabled=(), time_limit=limit).load()


def cli(*args: str, env_extra: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=timeout, env=env)


# -- item 3: names and values are validated at registration ------------------------------
@pytest.mark.parametrize("name", [None, "", "two words", "<b>x</b>", "1st", 42])
def test_a_name_that_is_not_an_identifier_fails_the_plugin(tmp_path, name):
    write_plugin(tmp_path, "badname", f"""
        @hookimpl
        def register_activations(register):
            register(name={name!r}, fn=np.tanh, derivative=d_tanh)
            register(name="fine_tanh", fn=np.tanh, derivative=d_tanh)
        """)
    host = load(tmp_path)
    record = host.record("badname")
    assert record.state == "failed" and "name" in record.error
    assert all(isinstance(n, str) and n.isidentifier() for n in host.registry.activations)
    assert "fine_tanh" in host.registry.usable("activations")


def test_a_plugin_named_none_does_not_break_plugins_or_new(tmp_path):
    write_plugin(tmp_path, "nonename", """
        @hookimpl
        def register_activations(register):
            register(name=None, fn=np.tanh, derivative=d_tanh)
        """)
    env = {"BACKPROP_STUDIO_PLUGIN_DIR": str(tmp_path)}
    listing = cli("plugins", env_extra=env)
    assert listing.returncode == 0 and "nonename" in listing.stdout and "failed" in listing.stdout
    made = cli("new", "--sizes", "2", "3", "2", "-o", str(tmp_path / "n.json"), env_extra=env)
    assert made.returncode == 0, made.stderr


def test_wrong_shapes_types_and_defaults_are_refused_at_load(tmp_path):
    write_plugin(tmp_path, "liars", """
        @hookimpl
        def register_activations(register):
            register(name="batch_only", fn=lambda a: np.tanh(a)[..., :3], derivative=lambda a: d_tanh(a)[..., :3])
            register(name="objects", fn=lambda a: np.tanh(a).astype(object), derivative=d_tanh)

        @hookimpl
        def register_losses(register):
            register(name="keepdims", output=lambda a: a,
                     value=lambda y, p: np.sum((y - p) ** 2, axis=1, keepdims=True),
                     gradient=lambda y, p, a: -2 * (y - p))

        @hookimpl
        def register_optimizers(register):
            class Step:
                def __init__(self, **kw):
                    pass
                def step(self, params, grads):
                    for p, g in zip(params, grads):
                        p -= 0.1 * g
            register(name="wordy", factory=Step, defaults={"lr": "fast"})
        """)
    host = load(tmp_path)
    problems = {name: item.problem for kind in ("activations", "losses", "optimizers")
                for name, item in host.registry.table(kind).items() if item.plugin == "liars"}
    assert "shape" in problems["batch_only"] and "object" in problems["objects"]
    assert "value(y, ŷ)" in problems["keepdims"] and "lr" in problems["wordy"]
    with pytest.raises(RegistryError, match="liars"):
        host.registry.optimizer("wordy")


LATE = """
    calls = [0]

    def late(a, fail):
        calls[0] += 1
        if calls[0] > 60:
            return fail(a)
        return np.tanh(a)

    @hookimpl
    def register_activations(register):
        register(name="late_shape", fn=lambda a: late(a, lambda a: np.tanh(a)[..., :1]), derivative=d_tanh)
        register(name="late_raise", fn=lambda a: late(a, lambda a: 1 / 0), derivative=d_tanh)
        register(name="late_exit", fn=lambda a: late(a, lambda a: sys.exit(7)), derivative=d_tanh)
    """


@pytest.mark.parametrize("activation, words", [
    ("late_shape", ["late_shape", "plugin 'late'", "shape"]),
    ("late_raise", ["late_shape" and "late_raise", "plugin 'late'", "g(a)", "ZeroDivisionError"]),
    ("late_exit", ["late_exit", "plugin 'late'", "g(a)", "end the program"]),
])
def test_errors_inside_plugins_during_training_name_the_plugin(tmp_path, activation, words):
    write_plugin(tmp_path / "plugins", "late", LATE)
    env = {"BACKPROP_STUDIO_PLUGIN_DIR": str(tmp_path / "plugins")}
    net = tmp_path / "n.json"
    assert cli("new", "--sizes", "2", "3", "2", "--activation", activation, "-o", str(net),
               env_extra=env).returncode == 0
    result = cli("train", str(net), "--dataset", "xor", "--epochs", "20", env_extra=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr


# -- item 4: hangs and exits ------------------------------------------------------------------
def test_a_plugin_whose_g_never_returns_is_flagged_at_load_within_the_time_limit(tmp_path):
    write_plugin(tmp_path, "stuck", """
        def forever(a):
            while True:
                pass

        @hookimpl
        def register_activations(register):
            register(name="spin", fn=forever, derivative=d_tanh)
            register(name="fine_tanh", fn=np.tanh, derivative=d_tanh)
        """)
    before = set(guard.stuck_threads())
    start = time.perf_counter()
    host = load(tmp_path, limit=0.5)
    assert time.perf_counter() - start < 10
    spin = host.registry.activations["spin"]
    assert "hangs" in spin.problem and "g(a)" in spin.problem
    assert host.record("stuck").state == "flagged" and "fine_tanh" in host.registry.usable("activations")
    with pytest.raises(RegistryError, match="hangs"):
        host.registry.activation("spin")
    deadline = time.time() + 5  # the spinning thread was stopped, not left burning a core
    while set(guard.stuck_threads()) - before and time.time() < deadline:
        time.sleep(0.05)
    assert not set(guard.stuck_threads()) - before


def test_os_exit_and_sys_exit_at_import_fail_the_plugin_not_the_program(tmp_path):
    write_plugin(tmp_path, "quitter", "os._exit(3)\n")
    write_plugin(tmp_path, "leaver", "sys.exit(4)\n")
    host = load(tmp_path)
    assert host.record("quitter").state == "failed" and "os._exit(3)" in host.record("quitter").error
    assert host.record("leaver").state == "failed" and "SystemExit" in host.record("leaver").error
    assert os._exit is not None and "tanh" in host.registry.usable("activations")


def test_a_plugin_that_hangs_at_import_is_failed_after_the_time_limit(tmp_path):
    write_plugin(tmp_path, "sleeper", "time.sleep(3600)\n")
    start = time.perf_counter()
    host = load(tmp_path, limit=0.5)
    assert time.perf_counter() - start < 10
    assert host.record("sleeper").state == "failed" and "hangs" in host.record("sleeper").error


def test_a_plugin_that_hangs_at_import_can_be_disabled_from_the_command_line(tmp_path):
    write_plugin(tmp_path / "plugins", "sleeper", "time.sleep(3600)\n")
    env = {"BACKPROP_STUDIO_PLUGIN_DIR": str(tmp_path / "plugins")}
    result = cli("plugins", "disable", "sleeper", env_extra=env, timeout=20)
    assert result.returncode == 0, result.stderr
    assert "sleeper" in plugin_settings.load_disabled()
    assert cli("plugins", "disable", "nosuch", env_extra=env, timeout=20).returncode == 1


def test_safe_mode_loads_built_ins_even_when_disabled_in_the_settings():
    plugin_settings.set_enabled("plugins.activations", False)  # a hand-edited settings file
    host = PluginHost(safe_mode=True).load()
    assert host.record("plugins.activations").state == "loaded"
    assert "tanh" in host.registry.usable("activations")


def test_plugin_output_never_corrupts_json(tmp_path):
    write_plugin(tmp_path / "plugins", "chatty", """
        print("hello from import")
        os.write(1, b"raw bytes on fd 1\\n")

        def loud_tanh(a):
            print("g called")
            return np.tanh(a)

        @hookimpl
        def register_activations(register):
            print("registering")
            register(name="loud_tanh", fn=loud_tanh, derivative=d_tanh)
        """)
    env = {"BACKPROP_STUDIO_PLUGIN_DIR": str(tmp_path / "plugins")}
    listing = cli("plugins", "--json", env_extra=env)
    assert any(p["name"] == "chatty" for p in json.loads(listing.stdout))
    assert "hello from import" in listing.stderr
    net = tmp_path / "n.json"
    assert cli("new", "--sizes", "2", "3", "2", "--activation", "loud_tanh", "-o", str(net),
               env_extra=env).returncode == 0
    traced = cli("trace", str(net), "--input", "1", "2", "--target", "1", "0", "--json", env_extra=env)
    assert json.loads(traced.stdout)["network"]["activations"] == ["loud_tanh"]
    trained = cli("train", str(net), "--dataset", "xor", "--epochs", "2", "--json", env_extra=env)
    assert json.loads(trained.stdout)["epochs"] == 2


def test_call_with_time_limit_names_the_function_it_was_stuck_in():
    from core.plugin_host.registry import Activation

    def forever(a):
        while True:
            pass

    act = Activation("spin", forever, forever, plugin="stuck")
    with pytest.raises(guard.PluginHang) as info:
        guard.call_with_time_limit(lambda: act.fn(np.zeros(3)), limit=0.3, suspects=[act])
    assert "g(a) of activation 'spin' from plugin 'stuck'" in str(info.value)


# -- item 6: plugin management does only what it says ------------------------------------------
def test_uninstall_refuses_packages_that_are_not_plugins():
    with pytest.raises(InstallError, match="backprop_studio plugins"):
        plan_uninstall("numpy")
    result = cli("plugins", "uninstall", "numpy", timeout=60)
    assert result.returncode == 1 and "numpy" in result.stderr
    import numpy  # noqa: F401  (still there)


@pytest.mark.parametrize("target", ["-r", "--index-url=http://example.invalid", "-e."])
def test_install_targets_starting_with_a_dash_are_refused(target):
    with pytest.raises(InstallError, match="'-'"):
        plan_install(target)
    with pytest.raises(InstallError, match="'-'"):
        plan_uninstall(target)


def test_installing_over_a_plugin_file_needs_force(tmp_path):
    source = tmp_path / "mine.py"
    source.write_text("x = 1\n")
    assert cli("plugins", "install", str(source)).returncode == 0
    source.write_text("x = 2\n")
    again = cli("plugins", "install", str(source))
    assert again.returncode == 1 and "--force" in again.stderr
    assert (user_plugin_dir() / "mine.py").read_text() == "x = 1\n"
    assert cli("plugins", "install", str(source), "--force").returncode == 0
    assert (user_plugin_dir() / "mine.py").read_text() == "x = 2\n"
    assert plan_install(str(source)).overwrites


def test_files_the_loader_skips_are_not_installed(tmp_path):
    private = tmp_path / "_private.py"
    private.write_text("x = 1\n")
    with pytest.raises(InstallError, match="starts with '_'"):
        plan_install(str(private))
    result = cli("plugins", "install", str(private))
    assert result.returncode == 1 and not (user_plugin_dir() / "_private.py").exists()
    assert plugin_install.distribution_of("_private") is None
