"""The training loop: epochs of shuffled mini-batches, an optimizer step after each.

``Trainer.iter_steps()`` is a generator: it yields a StepReport after each reported
optimizer step (every step by default; see ``Trainer``) and an EpochReport after every
epoch; its reports are the one account of progress. A Trainer given a
:class:`~core.training.gate.Gate` waits at it before every step (pause, a step budget,
the pace, stop: the one way to hold training back). NaN or inf stops training with a
message naming the layer and quantity where it first appears.

The step itself is ``core.engine.passes.Pass``, the code the trace runs too, on the
trainer's own float32 or float64 copy of the parameters (one flat vector).
"""
from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from math import isfinite
from typing import Protocol

import numpy as np

from core.engine.buffers import FlatParameters
from core.engine.network import Network
from core.engine.passes import Kernel, Pass, run_trace
from core.plugin_host.registry import Registry
from core.stepthrough.steps import all_steps
from core.training.data import Dataset

MAX_STEP_HISTORY = 100_000
CLOCK_EVERY = 8  # steps between two looks at the clock, for reports every ``report_seconds``
LIVE_REPORT_SECONDS = 0.005  # a live view's step reports: one at least every 5 ms of training, plenty for plots


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
    regularization: str | None = None  # a regularizer plugin's name: the loss gains λ Σ_k R(W_k)
    rate: float = 0.0  # λ


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


class StepGate(Protocol):
    """What a Trainer waits at before each step (core.training.gate.Gate)."""

    open: bool  # nothing to wait for: read before calling wait()

    def wait(self) -> bool: ...


class Trainer:
    """Trains ``network`` in place on ``train`` (and evaluates on ``test`` each epoch).

    Parameters live in one flat vector (``parameters.flat``); ``weights``, ``biases`` and
    ``params`` are per-layer views into it. An optimizer whose ``elementwise`` attribute is
    True (every built-in one) updates the flat vector in one call; any other gets the
    per-layer arrays [W_1, b_1, …] and their gradients, as the plugin contract says.

    Step reports: the batch loss and ‖∇W_k‖ cost about as much as a small network's whole
    step, so a StepReport is made at steps n, 2n, … for ``report_every`` = n (1, the
    default: every step; None: none by count), when ``report_seconds`` have passed since
    the last one, at the last step of every epoch, and for the next step after
    ``request_report()``. Every step is checked for NaN/inf all the same.
    """

    def __init__(self, network: Network, train: Dataset, registry: Registry,
                 config: TrainConfig | None = None, test: Dataset | None = None,
                 *, sync_network: bool = True, step_history: int = MAX_STEP_HISTORY,
                 report_every: int | None = 1, report_seconds: float | None = None,
                 gate: StepGate | None = None) -> None:
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
        if report_every is not None and report_every < 1:
            raise ValueError("report_every must be at least 1 (or None)")
        self.dtype = np.dtype(self.config.dtype)
        train.check_inputs(network.input_width, network.features)
        self.train, self.test = train, test
        regularization = (self.config.regularization, self.config.rate) if self.config.regularization else None
        self.kernel = Kernel(network, registry, regularization)
        self.optimizer = registry.optimizer(self.config.optimizer).create(**self.config.hyperparameters)
        self.inputs = self.kernel.input_rows(train.X, dtype=self.dtype)  # h_0 with a 1 appended, per sample
        # the raw inputs x (evaluate and train_on apply φ); without features h_0 = x, a view
        self.X = self.inputs[:, :-1] if self.kernel.features is None else train.X.astype(self.dtype)
        self.Y = train.targets(network.sizes[-1]).astype(self.dtype)
        self.X_test: np.ndarray | None = None
        self.Y_test: np.ndarray | None = None
        if test is not None and len(test):
            test.check_inputs(network.input_width, network.features)
            self.X_test = test.X.astype(self.dtype)
            self.Y_test = test.targets(network.sizes[-1]).astype(self.dtype)
        self.parameters = FlatParameters.of(network.weights, network.biases, self.dtype)
        self.gradients = FlatParameters(network.sizes, self.dtype)
        self.weights, self.biases = self.parameters.W, self.parameters.b  # views into parameters.flat
        self.params, self.grads = self.parameters.arrays, self.gradients.arrays
        self._optimizer_step = self.optimizer.step
        if getattr(self.optimizer, "elementwise", False) is True:  # θ ← θ - … in one call
            self._update_params, self._update_grads = [self.parameters.flat], [self.gradients.flat]
        else:
            self._update_params, self._update_grads = self.params, self.grads
        # the optimizer step of the arrays above: checked the first time, then the plugin's own step
        self._update: Callable[[], None] = self._first_update
        self._passes: dict[int, Pass] = {}  # batch size -> its Pass (the last batch may be smaller)
        self._evaluation_passes: dict[int, Pass] = {}  # the same, forward only, for whole-set evaluation
        self.rng = np.random.default_rng(self.config.seed)
        self.history = History(steps=deque(maxlen=step_history))
        self.epoch = 0
        self.step_count = 0
        self.report_every, self.report_seconds = report_every, report_seconds
        # steps are counted by step_count before they run; a report is due from step _count_at on
        # (by count), at _report_time (by clock), and _check_at is the one number each step compares
        self._count_at: float = 0
        self._clock_at: float = 0
        self._check_at: float = 0
        self._report_time = 0.0
        self._schedule_reports()
        self.gate = gate  # waited at before every step (its wait() returning False ends training)
        self.stopped = False  # the gate ended training before the epochs were done

    def request_report(self) -> None:
        """Report the next step (loss and ‖∇W_k‖), whatever the report cadence."""
        self._count_at = self._check_at = 0

    # -- the loop ----------------------------------------------------------------
    def iter_steps(self, epochs: int | None = None) -> Iterator[StepReport | EpochReport]:
        """Run ``epochs`` more epochs (default: the config's), yielding each report.

        A StepReport comes after each reported step (see the class docstring), an
        EpochReport after every epoch; the gate (if any) is waited at before every step.
        """
        epochs = self.config.epochs if epochs is None else epochs
        n, batch, gate = len(self.X), self.config.batch_size, self.gate
        try:
            for _ in range(epochs):
                self.epoch += 1
                order = self.rng.permutation(n)
                columns = self.inputs[order].T  # [h_0; 1] of every sample, shuffled once; batches are views
                targets = target_batches(self.Y[order], batch)
                last = len(targets) - 1
                for index, Y in enumerate(targets):
                    if gate is not None and not gate.open and not gate.wait():  # (open: no call, no lock)
                        self.stopped = True
                        return
                    start = index * batch
                    step = self.step(columns[:, start:start + batch], Y, report=True if index == last else None)
                    if step is not None:
                        yield step
                epoch_report = self.evaluate()
                self.history.epochs.append(epoch_report)
                if self.auto_sync:
                    self.sync_network()
                yield epoch_report
        finally:
            if self.auto_sync:
                self.sync_network()

    def run(self, epochs: int | None = None) -> History:
        """Train to the end (or until stopped); raises TrainingDiverged on NaN/inf."""
        for _ in self.iter_steps(epochs):
            pass
        return self.history

    def train_batch(self, index: np.ndarray) -> StepReport:
        """One optimizer step on the samples ``index``, reported."""
        report = self.train_on(self.X[index], self.Y[index], report=True)
        assert report is not None
        return report

    def train_on(self, X: np.ndarray, Y: np.ndarray, report: bool | None = None) -> StepReport | None:
        """One optimizer step on the batch (X, Y), X one row per sample: see ``step``."""
        run = self._pass(len(X))
        run.load(X)
        return self.step(run.workspace.h[0], Y, report)

    def step(self, columns: np.ndarray, Y: np.ndarray, report: bool | None = None) -> StepReport | None:
        """One optimizer step: the training loop's step, on columns of ``inputs.T``.

        ``columns`` are a batch's inputs with a 1 appended, one column [h_0; 1] per sample,
        (n_0 + 1) × B (a view of ``inputs.T``). Returns the step's StepReport when ``report``
        is True, or when None and the report cadence says so (see the class docstring); else None.
        """
        batch = columns.shape[1]
        run = self._passes.get(batch) or self._pass(batch)
        # NaN or inf anywhere in the forward pass reaches ∇a_L, and the sum of its entries then is not finite
        if not isfinite(run.step(columns, Y)):
            self._diverged(columns[:-1].T, Y)
        count = self.step_count
        if report is None:
            if count < self._check_at:  # most steps: no report due, and nothing more to do than the update
                self._update()
                self.step_count = count + 1
                return None
            report = self._report_due()
        if report:
            # the batch's mean loss, plus λ Σ_k R(W_k) with a regularizer
            loss = float(np.add.reduce(run.losses(Y), axis=None)) / batch + self.kernel.penalty(self.parameters)
            norms = self.gradients.weight_norms()  # ‖∇W_k‖ (Frobenius), before the optimizer sees them
            if not math.isfinite(loss + sum(norms)):
                self._diverged(columns[:-1].T, Y)
        self._update()
        self.step_count = count + 1
        if not report:
            return None
        self._schedule_reports()
        step_report = StepReport(self.epoch, self.step_count, loss, np.array(norms))
        self.history.steps.append(step_report)
        return step_report

    def _pass(self, batch: int) -> Pass:
        """The Pass for batches of ``batch`` samples (made on first use: the last batch may be smaller)."""
        run = self._passes.get(batch)
        if run is None:
            run = self._passes[batch] = self.kernel.bind(self.parameters, self.gradients, batch)
        return run

    def _schedule_reports(self) -> None:
        """Set when the next step report is due: by count (``_count_at``), by time, or asked for.

        Steps are numbered by ``step_count`` before they run. ``_check_at`` is the one number
        each step compares with: the next count report, or the next look at the clock (every
        CLOCK_EVERY steps, which keeps the clock out of a small network's step).
        """
        now = self.step_count
        every = self.report_every
        self._count_at = (now // every + 1) * every - 1 if every is not None else math.inf  # steps n, 2n, …
        if self.report_seconds is None:
            self._clock_at = self._report_time = math.inf
        else:
            self._clock_at, self._report_time = now, time.perf_counter() + self.report_seconds
        self._check_at = min(self._count_at, self._clock_at)

    def _report_due(self) -> bool:
        if self.step_count >= self._count_at or time.perf_counter() >= self._report_time:
            return True
        self._clock_at = self.step_count + CLOCK_EVERY
        self._check_at = min(self._count_at, self._clock_at)
        return False

    def _first_update(self) -> None:
        """The first optimizer step, checked; later steps call the optimizer directly."""
        self._checked_first_step(self._update_params, self._update_grads)
        self._update = partial(self._optimizer_step, self._update_params, self._update_grads)

    def _checked_first_step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """The first update, checked: an optimizer must change the parameter arrays in place."""
        arrays = list(params)
        before = [p.copy() for p in arrays]
        self.optimizer.step(params, grads)
        replaced = any(p is not q for p, q in zip(params, arrays))
        moved = any(not np.array_equal(p, q) for p, q in zip(arrays, before))
        gradient = any(np.any(g) for g in grads)
        if replaced or (gradient and not moved):
            params[:] = arrays
            for p, q in zip(arrays, before):
                p[...] = q
            raise OptimizerError(
                f"optimizer {self.config.optimizer!r} did not update the parameters in place "
                "(its step(params, grads) must change the arrays it is given, e.g. p -= lr * g); "
                "nothing was trained")

    def _diverged(self, X: np.ndarray, Y: np.ndarray) -> None:
        message, layer, quantity = locate_non_finite(self, X, Y)
        raise TrainingDiverged(message, layer, quantity)

    def evaluate(self) -> EpochReport:
        """Mean loss and accuracy on the training and test sets with the current parameters."""
        train_loss, train_acc = self.loss_and_accuracy(self.X, self.Y)
        test_loss = test_acc = None
        if self.X_test is not None and self.Y_test is not None:
            test_loss, test_acc = self.loss_and_accuracy(self.X_test, self.Y_test)
        return EpochReport(self.epoch, self.step_count, train_loss, train_acc, test_loss, test_acc)

    def loss_and_accuracy(self, X: np.ndarray, Y: np.ndarray) -> tuple[float, float | None]:
        loss, yhat = self.kernel.evaluate(self.parameters, X, Y, passes=self._evaluation_passes)
        return loss, accuracy(self.train.task, Y, yhat)

    def sync_network(self) -> None:
        """Copy the trained parameters back into the network (float64), emitting its event."""
        if self.parameters.all_finite():
            self.network.set_parameters([np.ascontiguousarray(W, dtype=float) for W in self.weights],
                                        [np.ascontiguousarray(b, dtype=float) for b in self.biases])

    def snapshot(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Copies of the current weights and biases, safe to hand to another thread."""
        return [W.copy() for W in self.weights], [b.copy() for b in self.biases]


def target_batches(Y: np.ndarray, batch: int) -> list[np.ndarray]:
    """The rows of Y in batches of ``batch``, each laid out as the engine's ŷ (B × n_L, its
    transpose C-contiguous), so ŷ - y and the loss run on arrays of one layout."""
    full = len(Y) // batch * batch
    blocks = list(Y[:full].reshape(-1, batch, Y.shape[1]).transpose(0, 2, 1).copy())
    if full < len(Y):
        blocks.append(np.ascontiguousarray(Y[full:].T))
    return [block.T for block in blocks]


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
    if probe.features is not None:  # X holds the rows h_0 = φ(x): the probe reads them as its inputs
        probe.features, probe.input_width = None, probe.sizes[0]
    kernel = trainer.kernel
    regularization = (kernel.regularizer.name, kernel.rate) if kernel.regularizer is not None else None
    with np.errstate(all="ignore"):
        probe.weights = [W.astype(float) for W in trainer.weights]
        probe.biases = [b.astype(float) for b in trainer.biases]
        trace = run_trace(probe, X.astype(float), Y.astype(float), trainer.registry, regularization)
        for item in all_steps(trace):
            if not np.all(np.isfinite(item.values)):
                return (f"training stopped at step {step}: {item.quantity} of layer {item.layer} is NaN or "
                        f"infinite ({item.phase} pass); lower the learning rate or check the data",
                        item.layer, item.quantity)
    return (f"training stopped at step {step}: the loss or a gradient became NaN or infinite "
            "in float32; try float64 or a lower learning rate", None, None)
