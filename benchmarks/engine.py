"""Training steps per second of the numpy engine, and the ratio to PyTorch on the CPU.

Run by hand:  .venv/bin/python benchmarks/engine.py [--seconds 0.4] [--rounds 7]

Each case times one training step (forward, loss, backward, SGD update) on a fixed batch,
both through the engine's fast path (Kernel + optimizer plugin) and through the Trainer
(which also slices the batch, computes ‖∇W_k‖ per layer and checks for NaN/inf). When
torch is importable the same step is timed in PyTorch in the same run, in alternating
blocks with a pause between them: both libraries' worker threads spin after their work
and would otherwise fight for the cores. Figures are medians over the blocks.
Targets (issue 2): ≥ 8x PyTorch on the small cases, ≥ 1.0x at MNIST scale (float32).
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from core.engine.network import Network
from core.engine.passes import Kernel
from core.plugin_host.host import PluginHost
from core.training.data import Dataset
from core.training.trainer import TrainConfig, Trainer

CASES = [
    # name, sizes, hidden activation, batch, dtype, target ratio
    ("playground [2,8,8,2] b10", [2, 8, 8, 2], "tanh", 10, "float64", 8.0),
    ("textbook [3,3,3,2] b1", [3, 3, 3, 2], "tanh", 1, "float64", 8.0),
    ("mnist [784,128,64,10] b256", [784, 128, 64, 10], "relu", 256, "float32", 1.0),
]
PAUSE = 0.3  # seconds between alternating blocks


def rate(step, seconds: float) -> float:
    """Steps per second of ``step`` run for about ``seconds``."""
    step()
    n, start = 0, time.perf_counter()
    while True:
        for _ in range(8):
            step()
        n += 8
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return n / elapsed


def numpy_steps(sizes, activation, batch, dtype, host):
    network = Network(sizes, activation, "softmax_cross_entropy", seed=0)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(batch, sizes[0])).astype(dtype)
    labels = rng.integers(0, sizes[-1], size=batch)
    Y = np.eye(sizes[-1], dtype=dtype)[labels]
    kernel = Kernel(network, host.registry)
    weights = [W.astype(dtype) for W in network.weights]
    biases = [b.astype(dtype) for b in network.biases]
    params = [p for pair in zip(weights, biases) for p in pair]
    sgd = host.registry.optimizer("sgd").create(lr=0.01)

    def engine_step():
        _, grads = kernel.loss_and_gradients(weights, biases, X, Y)
        sgd.step(params, grads)

    data = Dataset("bench", X.astype(float), labels, "classification", sizes[-1])
    config = TrainConfig(optimizer="sgd", hyperparameters={"lr": 0.01}, batch_size=batch, dtype=dtype)
    trainer = Trainer(network, data, host.registry, config, sync_network=False)
    index = np.arange(batch)

    def trainer_step():
        trainer.train_batch(index)
        trainer.history.steps.clear()

    return engine_step, trainer_step


def torch_step(sizes, activation, batch, dtype):
    import torch

    torch.manual_seed(0)
    layers = []
    for n_in, n_out in zip(sizes[:-2], sizes[1:-1]):
        layers += [torch.nn.Linear(n_in, n_out), torch.nn.Tanh() if activation == "tanh" else torch.nn.ReLU()]
    layers.append(torch.nn.Linear(sizes[-2], sizes[-1]))
    tdtype = torch.float32 if dtype == "float32" else torch.float64
    model = torch.nn.Sequential(*layers).to(tdtype)
    X = torch.randn(batch, sizes[0], dtype=tdtype)
    y = torch.randint(0, sizes[-1], (batch,))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss_fn(model(X), y).backward()
        optimizer.step()

    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.4, help="length of one timed block")
    parser.add_argument("--rounds", type=int, default=7, help="alternating blocks per library")
    args = parser.parse_args()
    try:
        import torch

        torch_version = torch.__version__
    except ImportError:
        torch_version = None
    host = PluginHost(safe_mode=True).load()
    print(f"numpy {np.__version__}; torch {torch_version or 'not installed (no ratio)'}")
    print(f"{'case':30s} {'engine/s':>10s} {'trainer/s':>10s} {'torch/s':>10s} {'engine×':>8s} {'trainer×':>8s} target")
    for name, sizes, activation, batch, dtype, target in CASES:
        engine_step, trainer_step = numpy_steps(sizes, activation, batch, dtype, host)
        reference = torch_step(sizes, activation, batch, dtype) if torch_version else None
        engine, trainer, ours_torch = [], [], []
        for _ in range(args.rounds):
            engine.append(rate(engine_step, args.seconds))
            time.sleep(PAUSE)
            trainer.append(rate(trainer_step, args.seconds))
            time.sleep(PAUSE)
            if reference is not None:
                ours_torch.append(rate(reference, args.seconds))
                time.sleep(PAUSE)
        e, t = statistics.median(engine), statistics.median(trainer)
        if ours_torch:
            p = statistics.median(ours_torch)
            verdict = "ok" if t / p >= target else "BELOW"
            print(f"{name:30s} {e:10.0f} {t:10.0f} {p:10.0f} {e / p:7.2f}x {t / p:7.2f}x ≥{target:g}x {verdict}")
        else:
            print(f"{name:30s} {e:10.0f} {t:10.0f} {'-':>10s}")


if __name__ == "__main__":
    main()
