"""The app's training step against a hand-tuned NumPy step (and PyTorch on the CPU).

Run by hand:  .venv/bin/python benchmarks/engine.py [--rounds 21] [--seconds 0.1] [--no-torch] [--only TEXT] [--cpu]

Cases: four networks, each with its hidden activation, batch size and dtype; softmax
cross-entropy and SGD throughout. Engines, all stepping on one fixed batch:

- app: ``Trainer.step``, the step that ``train`` and the GUI run for every batch
  (forward, ∇a_L, backward, the NaN/inf check, the optimizer plugin, the step report
  at the GUI's cadence), on a Trainer built as the GUI builds it. Not included: the
  evaluation after each epoch (loss and accuracy over the whole training set), a cost
  per epoch that the other engines do not have.
- numpy: the same step written here by hand as fast as NumPy allows: fixed batch,
  every array made once, biases folded into the matrices, one flat update θ ← θ - η ∇θ.
- torch (when importable): torch.nn.Sequential, CrossEntropyLoss, torch.optim.SGD.
- loop (for information, no target): ``Trainer.iter_steps`` as the GUI runs it, on a
  training set of 20 batches and a test set of 5: the app step plus shuffling, slicing,
  pause/stop checks and, after every epoch, the loss and accuracy over both sets.

Method: (1) every engine starts from the network's weights and takes a few steps; the
weights must then agree with the app's (else the case stops and says by how much).
(2) Rounds: each round times one block of every engine, in an order that rotates from
round to round, so each engine runs as often early, in the middle and last. (3) The ratio
app / other is taken within each round (paired), and the median of those ratios is
printed with their spread (the middle half of the rounds). When that spread is wider than
``NOISY`` of the median, the machine was busy: the line says "noisy" instead of a ratio.
On a machine shared with other work, ``--cpu`` runs everything on one thread (BLAS and
torch included) and times it by the process's CPU time, which other processes disturb
far less than the wall clock (they still share the caches).
Target (issue 12): app ≥ 0.8× the NumPy step on every case.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

CPU = "--cpu" in sys.argv  # one thread everywhere, timed by CPU time (set before NumPy loads its BLAS)
if CPU:
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = "1"
CLOCK = time.process_time if CPU else time.perf_counter

import numpy as np  # noqa: E402

from core.engine.network import Network  # noqa: E402
from core.plugin_host.host import PluginHost  # noqa: E402
from core.training.data import Dataset  # noqa: E402
from core.training.trainer import LIVE_REPORT_SECONDS, TrainConfig, Trainer, target_batches  # noqa: E402

LR = 0.01
CHECK_STEPS = 3
NOISY = 0.25  # spread of the paired ratios (interquartile range / median) above which a line is "noisy"
TARGET = 0.8


@dataclass(frozen=True)
class Case:
    name: str
    sizes: tuple[int, ...]
    activation: str  # hidden layers; the output is softmax with cross-entropy
    batch: int
    dtype: str


CASES = [
    Case("playground", (2, 8, 8, 2), "tanh", 10, "float64"),
    Case("textbook", (3, 3, 3, 2), "tanh", 1, "float64"),
    Case("mnist", (784, 128, 64, 10), "relu", 32, "float32"),
    Case("mnist", (784, 128, 64, 10), "relu", 256, "float32"),
]


@dataclass
class Engine:
    name: str
    step: Callable[[], None]
    weights: Callable[[], list[np.ndarray]] | None  # W_1, b_1, …, W_L, b_L after the steps so far
    pause: float = 0.0  # seconds to rest after a block (torch's threads spin after their work)
    count: Callable[[], int] | None = None  # optimizer steps so far, when a call of step() runs several


def problem(case: Case, seed: int = 0) -> tuple[Network, np.ndarray, np.ndarray]:
    """The network (float64 weights) and one batch: inputs X (B × n_0), class labels."""
    network = Network(list(case.sizes), case.activation, "softmax_cross_entropy", seed=seed)
    rng = np.random.default_rng(seed)
    for b in network.biases:  # non-zero biases, so a bias mistake shows in the check
        b[...] = rng.normal(0, 0.1, b.shape)
    X = rng.normal(size=(case.batch, case.sizes[0]))
    labels = rng.integers(0, case.sizes[-1], size=case.batch)
    return network, X, labels


# -- the engines -------------------------------------------------------------------------
def app_engine(case: Case, host: PluginHost) -> Engine:
    network, X, labels = problem(case)
    data = Dataset("bench", X, labels, "classification", case.sizes[-1])
    config = TrainConfig(optimizer="sgd", hyperparameters={"lr": LR}, batch_size=case.batch, dtype=case.dtype)
    trainer = Trainer(network, data, host.registry, config, sync_network=False, step_history=0,
                      report_every=None, report_seconds=LIVE_REPORT_SECONDS)  # as the GUI's TrainingSession
    columns = trainer.inputs.T  # the whole (one-batch) training set, as Trainer.iter_steps hands it on
    Y = target_batches(trainer.Y, case.batch)[0]
    step = partial(trainer.step, columns, Y)  # (a partial adds no Python frame to the step timed)
    return Engine("app", step, lambda: [p.copy() for p in trainer.params])


def loop_engine(case: Case, host: PluginHost) -> Engine:
    """Trainer.iter_steps as the GUI runs it, on a training set of 20 batches and a test set of 5:
    shuffling, slicing, the pause and stop checks, and after every epoch the loss and accuracy
    over both sets (a forward pass over 25 batches for 20 steps)."""
    rng = np.random.default_rng(1)
    network = problem(case)[0]
    X = rng.normal(size=(25 * case.batch, case.sizes[0]))
    labels = rng.integers(0, case.sizes[-1], size=len(X))
    train = Dataset("bench", X[:20 * case.batch], labels[:20 * case.batch], "classification", case.sizes[-1])
    test = Dataset("bench", X[20 * case.batch:], labels[20 * case.batch:], "classification", case.sizes[-1])
    config = TrainConfig(optimizer="sgd", hyperparameters={"lr": LR}, batch_size=case.batch, dtype=case.dtype)
    trainer = Trainer(network, train, host.registry, config, test, sync_network=False, step_history=0,
                      report_every=None, report_seconds=LIVE_REPORT_SECONDS)
    steps = trainer.iter_steps(10**9)

    def advance() -> None:
        next(steps)  # to the next report: a few steps, up to an epoch and its evaluation

    return Engine("loop", advance, None, count=lambda: trainer.step_count)


def numpy_engine(case: Case) -> Engine:
    """The hand-tuned step. Layout as in core/engine/buffers.py: V_k = [W_kᵀ; b_kᵀ] in one flat θ,
    every layer one column per sample (hidden ones with a row of ones appended)."""
    network, X, labels = problem(case)
    dtype, B, sizes, L = np.dtype(case.dtype), case.batch, case.sizes, len(case.sizes) - 1
    shapes = [(n_in + 1, n_out) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    theta = np.zeros(sum(r * c for r, c in shapes), dtype)
    grad, scaled = np.zeros_like(theta), np.zeros_like(theta)
    V, dV, start = [], [], 0
    for rows, cols in shapes:
        V.append(theta[start:start + rows * cols].reshape(rows, cols))
        dV.append(grad[start:start + rows * cols].reshape(rows, cols))
        start += rows * cols
    for k in range(L):
        V[k][:-1], V[k][-1] = network.weights[k].T, network.biases[k]
    inputs = np.ones((B, sizes[0] + 1), dtype)
    inputs[:, :-1] = X
    Y = np.eye(sizes[-1], dtype=dtype)[labels].T.copy()  # one column per sample
    H = [inputs.T] + [np.ones((n + 1, B), dtype) for n in sizes[1:-1]]  # [h_k; 1]
    A = [np.empty((n, B), dtype) for n in sizes[1:]]
    E = A[-1]  # e^{a_L - max}, then ŷ, then ∇a_L, in place
    col_max, col_sum = np.empty((1, B), dtype), np.empty((1, B), dtype)
    G = [np.empty((n, B), dtype) for n in sizes[1:-1]]  # ∇a_k
    GH = [np.empty((n, B), dtype) for n in sizes[1:-1]]  # ∇h_k
    T = [np.empty((n, B), dtype) for n in sizes[1:-1]]
    inv_B, lr = np.array(1.0 / B, dtype), np.array(LR, dtype)  # 0-d arrays: faster than Python floats
    multiply, subtract = np.multiply, np.subtract  # (ndarray.dot below: np.dot without its dispatch)
    tanh = case.activation == "tanh"
    forward = [(V[k].T, H[k], A[k], H[k + 1][:-1]) for k in range(L - 1)]
    backward = [(H[k], dV[k], V[k][:-1], GH[k - 1], H[k][:-1], T[k - 1], G[k - 1]) for k in range(L - 1, 0, -1)]
    last_VT, last_h = V[L - 1].T, H[L - 1]
    first_h, first_dV = H[0], dV[0]

    def step() -> None:
        for VT, h_in, a, h in forward:
            VT.dot(h_in, out=a)  # a_k = V_kᵀ [h_{k-1}; 1]
            if tanh:
                np.tanh(a, out=h)
            else:
                np.maximum(a, 0.0, out=h)
        last_VT.dot(last_h, out=E)  # a_L
        np.maximum.reduce(E, axis=0, keepdims=True, out=col_max)  # softmax, shifted by each sample's max
        subtract(E, col_max, out=E)
        np.exp(E, out=E)
        np.add.reduce(E, axis=0, keepdims=True, out=col_sum)
        np.divide(E, col_sum, out=E)
        subtract(E, Y, out=E)  # ∇a_L = ŷ - y
        if B > 1:
            multiply(E, inv_B, out=E)
        g = E
        for h_in, dV_k, W_T, grad_h, h, tmp, grad_a in backward:
            h_in.dot(g.T, out=dV_k)  # ∇V_k = [h_{k-1}; 1] ∇a_kᵀ
            W_T.dot(g, out=grad_h)  # ∇h_{k-1} = W_kᵀ ∇a_k
            if tanh:  # ∇a_{k-1} = ∇h - ∇h h h
                multiply(grad_h, h, out=tmp)
                multiply(tmp, h, out=tmp)
                subtract(grad_h, tmp, out=grad_a)
            else:  # ∇a_{k-1} = ∇h [h > 0]
                np.greater(h, 0.0, out=tmp)
                multiply(grad_h, tmp, out=grad_a)
            g = grad_a
        first_h.dot(g.T, out=first_dV)
        multiply(grad, lr, out=scaled)  # θ ← θ - η ∇θ, all layers at once
        subtract(theta, scaled, out=theta)

    def weights() -> list[np.ndarray]:
        return [p.copy() for Vk in V for p in (Vk[:-1].T, Vk[-1])]

    return Engine("numpy", step, weights)


def torch_engine(case: Case) -> Engine | None:
    try:
        import torch
    except ImportError:
        return None
    if CPU:
        torch.set_num_threads(1)
    network, X, labels = problem(case)
    dtype = torch.float32 if case.dtype == "float32" else torch.float64
    layers: list = []
    for k in range(network.depth):
        linear = torch.nn.Linear(case.sizes[k], case.sizes[k + 1]).to(dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(network.weights[k]))
            linear.bias.copy_(torch.from_numpy(network.biases[k]))
        layers.append(linear)
        if k < network.depth - 1:
            layers.append(torch.nn.Tanh() if case.activation == "tanh" else torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    inputs = torch.from_numpy(X).to(dtype)
    target = torch.from_numpy(labels)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step() -> None:
        optimizer.zero_grad(set_to_none=True)
        loss_fn(model(inputs), target).backward()
        optimizer.step()

    def weights() -> list[np.ndarray]:
        return [p.detach().numpy().copy() for p in model.parameters()]

    return Engine(f"torch {torch.__version__}", step, weights, pause=0.05)


# -- measuring ---------------------------------------------------------------------------
def same_weights(case: Case, engines: list[Engine]) -> None:
    """Every engine, after CHECK_STEPS steps from the same start, holds the app's weights."""
    engines = [engine for engine in engines if engine.weights is not None]
    for engine in engines:
        for _ in range(CHECK_STEPS):
            engine.step()
    rtol = 1e-9 if case.dtype == "float64" else 2e-4
    want = engines[0].weights()  # type: ignore[misc]
    for engine in engines[1:]:
        for index, (p, q) in enumerate(zip(engine.weights(), want, strict=True)):  # type: ignore[misc]
            scale = np.max(np.abs(q)) or 1.0
            worst = float(np.max(np.abs(p - q))) / scale
            if p.shape != q.shape or worst > rtol:
                kind = "W" if index % 2 == 0 else "b"
                raise SystemExit(f"{describe(case)}: {engine.name} and app differ in {kind}{index // 2 + 1} "
                                 f"after {CHECK_STEPS} steps (max difference {worst:.2g} of the largest entry)")


def block_rate(engine: Engine, steps: int) -> float:
    start = CLOCK()
    if engine.count is None:
        for _ in range(steps):
            engine.step()
        done = steps
    else:
        first = engine.count()
        while engine.count() - first < steps:
            engine.step()
        done = engine.count() - first
    rate = done / (CLOCK() - start)
    if engine.pause:
        time.sleep(engine.pause)
    return rate


def measure(engines: list[Engine], rounds: int, seconds: float) -> dict[str, list[float]]:
    """Steps per second of each engine in each round (blocks of about ``seconds``, order rotating)."""
    sizes = {}
    for engine in engines:  # warm up, and find how many steps fill a block
        block_rate(engine, 20)
        sizes[engine.name] = max(5, int(block_rate(engine, 50) * seconds))
    rates: dict[str, list[float]] = {engine.name: [] for engine in engines}
    for r in range(rounds):
        for i in range(len(engines)):
            engine = engines[(r + i) % len(engines)]
            rates[engine.name].append(block_rate(engine, sizes[engine.name]))
    return rates


def paired(ours: list[float], theirs: list[float]) -> tuple[float, float, float, bool]:
    """Median, first and third quartile of the per-round ratios, and whether they are too spread."""
    q1, median, q3 = np.quantile([a / b for a, b in zip(ours, theirs, strict=True)], [0.25, 0.5, 0.75])
    return float(median), float(q1), float(q3), bool(q3 - q1 > NOISY * median)


def paired_ratio(ours: list[float], theirs: list[float]) -> str:
    """'0.93× (0.90–0.95)': the median of the per-round ratios and their middle half; or 'noisy …'."""
    median, q1, q3, noisy = paired(ours, theirs)
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    if noisy:
        return f"noisy ({min(ratios):.2f}–{max(ratios):.2f})"
    return f"{median:.2f}× ({q1:.2f}–{q3:.2f})"


def describe(case: Case) -> str:
    return f"{case.name} {list(case.sizes)} {case.activation} b{case.batch} {case.dtype}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21, help="paired rounds per case")
    parser.add_argument("--seconds", type=float, default=0.1, help="length of one timed block")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out even when installed")
    parser.add_argument("--only", default="", help="the cases whose description contains this text")
    parser.add_argument("--cpu", action="store_true",
                        help="one thread (BLAS and torch) and the process's CPU time instead of the wall clock: "
                             "figures a busy machine disturbs less")
    args = parser.parse_args()
    host = PluginHost(safe_mode=True).load()
    clock = "CPU time, one thread" if CPU else "wall clock"
    print(f"numpy {np.__version__}; {clock}; {args.rounds} paired rounds of ~{args.seconds:g} s blocks per engine; "
          f"steps per second (median of the rounds), ratios: median of the paired ratios (middle half)")
    header = (f"{'case':44s} {'app/s':>7s} {'numpy/s':>7s} {'app ÷ numpy':>18s} {'target':>10s}"
              f" {'loop/s':>7s} {'loop ÷ numpy':>18s}")
    printed_header = False
    for case in [c for c in CASES if args.only in describe(c)]:
        engines = [app_engine(case, host), numpy_engine(case), loop_engine(case, host)]
        torch = None if args.no_torch else torch_engine(case)
        if torch is not None:
            engines.append(torch)
        same_weights(case, engines)
        if not printed_header:
            print(header + (f" {'torch/s':>7s} {'app ÷ torch':>18s}" if torch else ""))
            printed_header = True
        rates = measure(engines, args.rounds, args.seconds)
        app, numpy_rates, loop = rates["app"], rates["numpy"], rates["loop"]
        median, _, _, noisy = paired(app, numpy_rates)
        verdict = "?" if noisy else "ok" if median >= TARGET else "BELOW"
        line = (f"{describe(case):44s} {statistics.median(app):7.0f} {statistics.median(numpy_rates):7.0f} "
                f"{paired_ratio(app, numpy_rates):>18s} {f'≥{TARGET}× {verdict}':>10s} "
                f"{statistics.median(loop):7.0f} {paired_ratio(loop, numpy_rates):>18s}")
        if torch is not None:
            torch_rates = rates[torch.name]
            line += f" {statistics.median(torch_rates):7.0f} {paired_ratio(app, torch_rates):>18s}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
