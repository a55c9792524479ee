"""The training loop: epochs of shuffled mini-batches, an optimizer step after each.

``Trainer.iter_steps()`` is a generator (the shape superqt's thread workers expect): it
yields a StepReport after every optimizer step and an EpochReport after every epoch, and
between steps it honours pause, resume and stop. NaN or inf stops training with a
message naming the layer and quantity where it first appears.
"""
from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from psygnal import Signal

from core.engine.network import Network
from core.engine.passes import Kernel, run_trace
from core.plugin_host.registry import Registry
from core.stepthrough.steps import all_steps
from core.training.data import Dataset

MAX_STEP_HISTORY = 100_000


class OptimizerError(ValueError):
    """An optimizer plugin that does not keep its contract."""


class TrainingDiverged(RuntimeError):
    """A NaN or infinite value appeared; ``layer`` and ``quantity`` say where first."""

    def __init__(self, message: str, layer: int | None = None, quantity: str | None = None) -> None:
        super().__init__(message)
        self.layer, self.quantity = layer, quantity


@dataclass
class TrainConfig:
    optimizer: str = "sgd"
    hyperparameters: dict[str, float] = field(default_factory=dict)
    batch_size: int = 10
    epochs: int = 10
    seed: int = 0  # shuffling of the mini-batches (initialisation has the network's seed)
    dtype: str = "float64"  # float32 trains faster on wide nets; trace always uses float64


@dataclass
class StepReport:
    epoch: int  # 1-based
    step: int  # optimizer steps so far, 1-based
    loss: float  # mean loss of the batch, before the update
    grad_norms: np.ndarray  # ‖∇W_k‖ (Frobenius) for k = 1 … L


@dataclass
class EpochReport:
    epoch: int
    step: int
    train_loss: float
    train_accuracy: float | None
    test_loss: float | None
    test_accuracy: float | None


@dataclass
class History:
    # the most recent steps only: a long run in the GUI must not grow memory without bound
    steps: deque[StepReport] = field(default_factory=lambda: deque(maxlen=MAX_STEP_HISTORY))
    epochs: list[EpochReport] = field(default_factory=list)


class Trainer:
    """Trains ``network`` in place on ``train`` (and evaluates on ``test`` each epoch)."""

    step_done = Signal(object)
    epoch_done = Signal(object)
    diverged = Signal(str)
    finished = Signal(str)  # "completed" or "stopped"

    def __init__(self, network: Network, train: Dataset, registry: Registry,
                 config: TrainConfig | None = None, test: Dataset | None = None,
                 *, sync_network: bool = True, step_history: int = MAX_STEP_HISTORY) -> None:
        # sync_network=False: the caller copies parameters back itself (a GUI thread
        # applies ``snapshot()``s, so a worker thread never touches the shared model).
        # step_history: how many StepReports history.steps keeps (a caller that keeps
        # its own record, as the GUI does, passes 0: fewer objects for the GC to scan)
        self.network, self.registry = network, registry
        self.auto_sync = sync_network
        self.config = config or TrainConfig()
        if self.config.batch_size < 1:
            raise ValueError("the batch size must be at least 1")
        if self.config.epochs < 0:
            raise ValueError("the number of epochs cannot be negative")
        self.dtype = np.dtype(self.config.dtype)
        train.check_inputs(network.sizes[0])
        self.train, self.test = train, test
        self.kernel = Kernel(network, registry)
        self.optimizer = registry.optimizer(self.config.optimizer).create(**self.config.hyperparameters)
        self.X = train.X.astype(self.dtype)
        self.Y = train.targets(network.sizes[-1]).astype(self.dtype)
        self.X_test: np.ndarray | None = None
        self.Y_test: np.ndarray | None = None
        if test is not None and len(test):
            test.check_inputs(network.sizes[0])
            self.X_test = test.X.astype(self.dtype)
            self.Y_test = test.targets(network.sizes[-1]).astype(self.dtype)
        self.weights = [W.astype(self.dtype) for W in network.weights]
        self.biases = [b.astype(self.dtype) for b in network.biases]
        self.params = [p for pair in zip(self.weights, self.biases) for p in pair]
        self.rng = np.random.default_rng(self.config.seed)
        self.history = History(steps=deque(maxlen=step_history))
        self.epoch = 0
        self.step_count = 0
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()

    # -- control (safe to call from another thread) -------------------------------
    def stop(self) -> None:
        self._stop.set()
        self._running.set()

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    # -- the loop ----------------------------------------------------------------
    def iter_steps(self, epochs: int | None = None) -> Iterator[StepReport | EpochReport]:
        """Run ``epochs`` more epochs (default: the config's), yielding after every step."""
        epochs = self.config.epochs if epochs is None else epochs
        n, batch = len(self.X), self.config.batch_size
        try:
            for _ in range(epochs):
                self.epoch += 1
                order = self.rng.permutation(n)
                X, Y = self.X[order], self.Y[order]  # shuffled once; batches are then views
                for start in range(0, n, batch):
                    self._running.wait()
                    if self._stop.is_set():
                        self.finished.emit("stopped")
                        return
                    yield self.train_on(X[start:start + batch], Y[start:start + batch])
                epoch_report = self.evaluate()
                self.history.epochs.append(epoch_report)
                if self.auto_sync:
                    self.sync_network()
                self.epoch_done.emit(epoch_report)
                yield epoch_report
        finally:
            if self.auto_sync:
                self.sync_network()
        self.finished.emit("completed")

    def run(self, epochs: int | None = None) -> History:
        """Train to the end (or until stopped); raises TrainingDiverged on NaN/inf."""
        for _ in self.iter_steps(epochs):
            pass
        return self.history

    def train_batch(self, index: np.ndarray) -> StepReport:
        """One optimizer step on the samples ``index``."""
        return self.train_on(self.X[index], self.Y[index])

    def train_on(self, X: np.ndarray, Y: np.ndarray) -> StepReport:
        """One optimizer step on the batch (X, Y)."""
        loss, grads = self.kernel.loss_and_gradients(self.weights, self.biases, X, Y)
        norms = [math.sqrt(np.vdot(g, g)) for g in grads[::2]]  # ‖∇W_k‖ (Frobenius)
        if not math.isfinite(loss + sum(norms)):
            self._diverged(X, Y)
        if self.step_count == 0:
            self._checked_first_step(grads)
        else:
            self.optimizer.step(self.params, grads)
        self.step_count += 1
        report = StepReport(self.epoch, self.step_count, loss, np.array(norms))
        self.history.steps.append(report)
        if len(self.step_done):  # psygnal: skip the emit's cost when nobody listens
            self.step_done.emit(report)
        return report

    def _checked_first_step(self, grads: list[np.ndarray]) -> None:
        """The first update, checked: an optimizer must change the parameter arrays in place."""
        arrays = list(self.params)
        before = [p.copy() for p in arrays]
        self.optimizer.step(self.params, grads)
        replaced = any(p is not q for p, q in zip(self.params, arrays))
        moved = any(not np.array_equal(p, q) for p, q in zip(arrays, before))
        gradient = any(np.any(g) for g in grads)
        if replaced or (gradient and not moved):
            self.params[:] = arrays
            for p, q in zip(arrays, before):
                p[...] = q
            raise OptimizerError(
                f"optimizer {self.config.optimizer!r} did not update the parameters in place "
                "(its step(params, grads) must change the arrays it is given, e.g. p -= lr * g); "
                "nothing was trained")

    def _diverged(self, X: np.ndarray, Y: np.ndarray) -> None:
        message, layer, quantity = locate_non_finite(self, X, Y)
        self.diverged.emit(message)
        raise TrainingDiverged(message, layer, quantity)

    def evaluate(self) -> EpochReport:
        """Mean loss and accuracy on the training and test sets with the current parameters."""
        train_loss, train_acc = self.loss_and_accuracy(self.X, self.Y)
        test_loss = test_acc = None
        if self.X_test is not None and self.Y_test is not None:
            test_loss, test_acc = self.loss_and_accuracy(self.X_test, self.Y_test)
        return EpochReport(self.epoch, self.step_count, train_loss, train_acc, test_loss, test_acc)

    def loss_and_accuracy(self, X: np.ndarray, Y: np.ndarray) -> tuple[float, float | None]:
        loss, yhat = self.kernel.mean_loss(self.weights, self.biases, X, Y)
        return loss, accuracy(self.train.task, Y, yhat)

    def sync_network(self) -> None:
        """Copy the trained parameters back into the network (float64), emitting its event."""
        if all(np.all(np.isfinite(p)) for p in self.params):
            self.network.set_parameters([W.astype(float) for W in self.weights],
                                        [b.astype(float) for b in self.biases])

    def snapshot(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Copies of the current weights and biases, safe to hand to another thread."""
        return [W.copy() for W in self.weights], [b.copy() for b in self.biases]


def accuracy(task: str, Y: np.ndarray, yhat: np.ndarray) -> float | None:
    """Share of samples whose predicted class is the true one (None for regression)."""
    if task != "classification":
        return None
    if Y.shape[1] == 1:
        return float(np.mean((yhat[:, 0] > 0.5) == (Y[:, 0] > 0.5)))
    return float(np.mean(yhat.argmax(axis=1) == Y.argmax(axis=1)))


def locate_non_finite(trainer: Trainer, X: np.ndarray, Y: np.ndarray) -> tuple[str, int | None, str | None]:
    """Re-run the batch in float64 and name the first quantity, in step order, that is not finite."""
    step = trainer.step_count + 1
    for k, (W, b) in enumerate(zip(trainer.weights, trainer.biases), start=1):
        if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
            return (f"training stopped at step {step}: the parameters of layer {k} (W{k} or b{k}) "
                    "became NaN or infinite; lower the learning rate", k, f"W{k}")
    probe = trainer.network.copy()
    with np.errstate(all="ignore"):
        probe.weights = [W.astype(float) for W in trainer.weights]
        probe.biases = [b.astype(float) for b in trainer.biases]
        trace = run_trace(probe, X.astype(float), Y.astype(float), trainer.registry)
        for item in all_steps(trace):
            if not np.all(np.isfinite(item.values)):
                return (f"training stopped at step {step}: {item.quantity} of layer {item.layer} is NaN or "
                        f"infinite ({item.phase} pass); lower the learning rate or check the data",
                        item.layer, item.quantity)
    return (f"training stopped at step {step}: the loss or a gradient became NaN or infinite "
            "in float32; try float64 or a lower learning rate", None, None)
