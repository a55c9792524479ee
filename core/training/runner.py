"""Training a network with a :class:`~core.training.setup.TrainingSetup`, to the end or a stop condition.

The command line (``train FILE``) and the Python API (``train_with_setup``) both run a
setup through :class:`SetupRun`; the desktop app runs the same Trainer in its worker
thread and checks the same :class:`~core.training.setup.StopWhen`.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.engine.network import Network
from core.plugin_host.registry import Registry
from core.training.data import make_data
from core.training.setup import StopWhen, TrainingSetup
from core.training.trainer import EpochReport, History, Trainer


class SetupRun:
    """A Trainer built from ``setup`` (its data made, its optimizer created), not yet run.

    Parameters
    ----------
    network : Network
        Trained in place.
    setup : TrainingSetup
        The data, optimizer, batch size and stop conditions.
    registry : Registry
        The plugins' contributions.
    folder : str or Path, optional
        Where a relative CSV path of the setup starts (the network file's folder).
    epochs : int, optional
        Train at most this many epochs (default: the setup's epoch limit, else 20).
    dtype : str
        ``"float64"`` or ``"float32"``.
    """

    def __init__(self, network: Network, setup: TrainingSetup, registry: Registry,
                 folder: str | Path | None = None, *, epochs: int | None = None, dtype: str = "float64") -> None:
        self.setup = setup
        self.data, self.train, self.test = make_data(setup, registry, folder)
        config = setup.config(epochs)
        config.dtype = dtype
        self.epochs = config.epochs
        # step reports are not needed: the epochs' reports are the history
        self.trainer = Trainer(network, self.train, registry, config, test=self.test if len(self.test) else None,
                               report_every=None)
        self.stop = StopWhen(None, setup.stop.train_loss, setup.stop.test_accuracy)  # the epochs: config's
        self.reason: str | None = None  # why it stopped before ``epochs``, if it did

    def run(self, on_epoch: Callable[[EpochReport], None] | None = None) -> History:
        """Train until the epochs are done or a stop condition holds; the network gets the result."""
        for report in self.trainer.iter_steps():
            if isinstance(report, EpochReport):
                if on_epoch is not None:
                    on_epoch(report)
                self.reason = self.stop.reason(report, report.epoch)
                if self.reason:
                    break
        self.trainer.sync_network()
        return self.trainer.history
