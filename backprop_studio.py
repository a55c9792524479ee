"""Backprop Studio from Python: the public API for notebooks and scripts (docs/api.md).

    import backprop_studio as bps

    host = bps.load_plugins()                       # built-ins, installed and file plugins
    net, extras = bps.load_network(bps.example_path("textbook"))
    t = bps.trace(net, [2, 5, 3], [1, 0], host)     # every a_k, h_k, ∇a_k, ∇W_k, ∇h_k …
    t.grad_h[2]                                     # ∇h_2 = [[-0.2843, 0.0355, -0.1066]]

Everything here is Qt-free. The names below stay; the modules of ``core`` behind them may
move (import from here, not from ``core.…``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from core.engine.gradcheck import GradientCheck
from core.engine.gradcheck import gradient_check as _gradient_check
from core.engine.network import Network, NetworkError
from core.engine.passes import ShapeError, Trace, run_trace
from core.io.network_file import FileFormatError, load_network, save_network
from core.io.resources import example_names, example_path
from core.plugin_host.host import PluginHost
from core.plugin_host.registry import RegistryError
from core.stepthrough.steps import Step, all_steps
from core.training.data import Dataset, DatasetError, load_csv_dataset
from core.training.data import make_dataset as _make_dataset
from core.training.runner import SetupRun
from core.training.setup import StopWhen, TrainingSetup
from core.training.trainer import EpochReport, History, TrainConfig, Trainer, TrainingDiverged

__all__ = [
    # networks and files
    "Network", "load_network", "save_network", "example_path", "example_names",
    # plugins
    "PluginHost", "load_plugins",
    # one forward and backward pass
    "Trace", "trace", "Step", "steps", "GradientCheck", "gradient_check",
    # data and training
    "Dataset", "make_dataset", "load_csv_dataset", "TrainConfig", "Trainer", "History", "EpochReport", "train",
    "TrainingSetup", "StopWhen", "train_with_setup",
    # what can go wrong (each message names the problem)
    "NetworkError", "FileFormatError", "RegistryError", "ShapeError", "DatasetError", "TrainingDiverged",
]


def load_plugins(*, safe_mode: bool = False, plugin_dir: str | Path | None = None) -> PluginHost:
    """Load the plugins the app would load: built-ins, installed packages, the plugin folder.

    Parameters
    ----------
    safe_mode : bool
        Load the built-in plugins only.
    plugin_dir : str or Path, optional
        The folder of single-file plugins (default: the user plugin folder).

    Returns
    -------
    PluginHost
        ``host.registry`` holds the activations, losses, optimizers and datasets;
        ``host.records`` says what each plugin contributed or why it failed.
    """
    return PluginHost(safe_mode=safe_mode, plugin_dir=plugin_dir).load()


def trace(network: Network, x: Any, y: Any, host: PluginHost, *,
          regularization: tuple[str, float] | None = None) -> Trace:
    """One forward and backward pass over a sample (a vector) or a batch (rows), every quantity kept.

    ``t.a[k]``, ``t.h[k]``, ``t.yhat``, ``t.loss``, ``t.grad_a[k]``, ``t.grad_W[k]``, ``t.grad_b[k]``
    and ``t.grad_h[k]`` are the quantities of MATH.md (float64; batch rows are samples, the loss
    is the batch mean). ``x`` is the raw input (h_0 = φ(x) with input features).
    ``regularization`` (regularizer name, λ) adds λ Σ_k R(W_k) to the loss (``t.penalty``) and
    λ ∂R/∂W_k to every ∇W_k, as ``train`` does with the same setup.
    """
    return run_trace(network, x, y, host.registry, regularization)


def steps(t: Trace) -> list[Step]:
    """The trace as the ordered steps the app animates (the steps of ``trace --json``)."""
    return all_steps(t)


def gradient_check(network: Network, x: Any, y: Any, host: PluginHost, **options: Any) -> GradientCheck:
    """Every ∇W_k, ∇b_k (and ∇h_0) against central finite differences of the loss."""
    return _gradient_check(network, x, y, host.registry, **options)


def make_dataset(host: PluginHost, name: str, *, n_samples: int | None = None, seed: int = 0,
                 **settings: Any) -> Dataset:
    """A dataset from a dataset plugin (``xor``, ``spiral``, … or a third-party one)."""
    return _make_dataset(host.registry, name, n_samples=n_samples, seed=seed, **settings)


def train(network: Network, data: Dataset, host: PluginHost, config: TrainConfig | None = None, *,
          test: Dataset | None = None) -> History:
    """Train ``network`` in place on ``data`` (evaluating on ``test`` after each epoch).

    Returns
    -------
    History
        ``history.epochs`` holds an :class:`EpochReport` per epoch (train and test loss and
        accuracy). A NaN or infinite value raises :class:`TrainingDiverged` naming the layer.
    """
    return Trainer(network, data, host.registry, config, test=test).run()


def train_with_setup(network: Network, setup: TrainingSetup, host: PluginHost, *,
                     folder: str | Path | None = None, epochs: int | None = None) -> History:
    """Train ``network`` in place as ``setup`` says: its data, optimizer, batch size and stop conditions.

    The setup saved in a network file is ``load_network(path)[1]["setup"]``; a relative CSV
    path in it starts at ``folder`` (the file's folder). ``epochs`` overrides the setup's
    epoch limit (else 20 when it has none); training also ends early at the setup's
    train-loss or test-accuracy target.

    Returns
    -------
    History
        ``history.epochs`` holds an :class:`EpochReport` per epoch trained.
    """
    return SetupRun(network, setup, host.registry, folder, epochs=epochs).run()
