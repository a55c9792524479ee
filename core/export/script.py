"""``backprop-studio export FILE --script OUT.py``: the network as a standalone NumPy script.

The script needs only NumPy: its parameters are written out in full precision, its
activations and loss are the plugins' own NumPy source (the optional ``numpy_source`` of
docs/plugins.md), and its algorithm is :mod:`core.export.algorithm`. Before a script is
written, each plugin's source is run against the plugin's functions
(:mod:`core.export.sources`) and the whole script against the engine's trace, so a script
that would print other numbers than ``backprop-studio trace`` is never written.
"""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import numpy as np

from core.engine.network import Network
from core.export.algorithm import ALGORITHM
from core.export.sources import ExportError, check_sources, defined_functions, loaded_script
from core.io.network_file import example_arrays
from core.plugin_host.registry import Registry

MAX_SCRIPT_PARAMETERS = 2_000_000  # about 50 MB of source: beyond that a script is no way to read a network
SGD_LEARNING_RATE = 0.1  # the sgd optimizer's default (plugins/optimizers.py)


def number(value: float) -> str:
    """The shortest text that reads back as exactly ``value``."""
    return repr(float(value))


def array_source(array: np.ndarray, indent: str) -> str:
    """``np.array([...])`` with one row per line, every number exact."""
    if array.ndim == 1:
        return f"np.array([{', '.join(map(number, array))}])"
    rows = ",\n".join(f"{indent}    [{', '.join(map(number, row))}]" for row in array)
    return f"np.array([\n{rows},\n{indent}])"


def function_block(name: str, source: str, returns: tuple[str, ...], about: str) -> str:
    """A plugin's source inside a function that returns its functions (its names stay its own).

    A name of ``returns`` that the source does not define is returned as None.
    """
    body = textwrap.indent(re.sub(r"\n{3,}", "\n\n", source.strip("\n")), "    ")
    defined = defined_functions(source)
    result = ", ".join(n if n in defined else "None" for n in returns)
    return f"def {name}():\n    \"\"\"{about}\"\"\"\n{body}\n\n    return {result}\n"


def safe_title(title: str) -> str:
    """A title for the script's docstring: letters, digits and plain punctuation only."""
    return re.sub(r"[^\w .,:()+-]", "", title)[:80].strip() or "net"


def train_defaults(setup) -> list[str]:
    """The --train defaults: the setup saved with the network (its learning rate only for sgd)."""
    if setup is None:
        return [f"EPOCHS, LEARNING_RATE, BATCH_SIZE, SEED = 20, {SGD_LEARNING_RATE!r}, 10, 0  # defaults of --train"]
    epochs = setup.stop.epochs if setup.stop.epochs is not None else 20
    lr = setup.hyperparameters.get("lr", SGD_LEARNING_RATE) if setup.optimizer == "sgd" else SGD_LEARNING_RATE
    lines = [f"EPOCHS, LEARNING_RATE, BATCH_SIZE, SEED = {epochs}, {float(lr)!r}, {setup.batch_size}, {setup.seed}"
             "  # --train's defaults: the saved setup"]
    if setup.optimizer != "sgd":
        lines.insert(0, f"# The setup saved with the network trains with {setup.optimizer!r}; this script's "
                        "training loop is plain gradient descent.")
    return lines


def inputs_and_penalty(network: Network, setup) -> list[str]:
    """The lines naming the input features (h_0 = φ(x)) and the setup's regularisation."""
    if network.features is None:
        lines = ["FEATURES = None  # no input features: h_0 = x", "INPUT_WIDTH = SIZES[0]  # the raw inputs x"]
    else:
        lines = [f"FEATURES = {list(network.features)!r}  # h_0 = φ(x): one input unit per feature of x",
                 f"INPUT_WIDTH = {network.input_width}  # the raw inputs x_1 … x_n"]
    regularization = setup.penalty if setup is not None else None
    if regularization is None:
        lines.append("REGULARIZER, RATE = None, 0.0  # no penalty on the weights")
    else:
        lines.append(f"REGULARIZER, RATE = {regularization[0]!r}, {float(regularization[1])!r}"
                     "  # the saved setup's: the loss is L + λ Σ_k R(W_k), λ = RATE")
    return lines


def header(network: Network, registry: Registry, title: str, example, setup=None) -> str:
    sizes, L = network.sizes, network.depth
    loss = registry.loss(network.loss)
    activations = [registry.activation(name) for name in network.activations]
    features = [registry.feature(name) for name in network.features or ()]
    regularization = setup.penalty if setup is not None else None
    regularizer = registry.regularizer(regularization[0]) if regularization is not None else None
    shape = "-".join(map(str, sizes))
    lines = [
        "#!/usr/bin/env python3",
        f'"""{safe_title(title)}: a {shape} network exported from Backprop Studio, in plain NumPy.',
        "",
        "The forward pass, backpropagation and gradient-descent training of the notes",
        "(docs/math.md of Backprop Studio), written out for this network. Needs only NumPy.",
        "",
        "    python SCRIPT                                    # every quantity for the stored example",
        "    python SCRIPT --input X.. --target Y.. --json    # as `backprop-studio trace --json` prints it",
        "    python SCRIPT --train data.csv --epochs 20 --lr 0.1 --batch-size 10 --seed 0",
        "",
        "W[k] has shape n_k × n_{k-1} (row i holds the weights into unit i of layer k), b[k] has",
        "n_k entries. Samples are rows, so a_k = b_k + W_k h_{k-1} reads a[k] = h[k - 1] @ W[k].T + b[k].",
        '"""',
        "import argparse",
        "import json",
        "import sys",
        "",
        "import numpy as np",
        "",
        f"SIZES = {list(sizes)}  # n_0 (the input) … n_L (the output)",
        "L = len(SIZES) - 1  # layers with weights",
        f"ACTIVATIONS = {list(network.activations)!r}  # g of the hidden layers 1 … L-1",
        f"LOSS = {network.loss!r}",
        *inputs_and_penalty(network, setup),
        "",
        "# the parameters: W_k (n_k × n_{k-1}) and b_k (n_k)",
        "W, b = {}, {}",
    ]
    for k in range(1, L + 1):
        lines.append(f"W[{k}] = {array_source(network.W(k), '')}")
        lines.append(f"b[{k}] = {array_source(network.b(k), '')}")
    example_text = "None" if example is None else repr(tuple([float(v) for v in part] for part in example))
    lines += [
        "",
        f"EXAMPLE = {example_text}  # (input, target) used when none is given",
        *train_defaults(setup),
        "",
    ]
    blocks = []
    for act in {a.name: a for a in activations}.values():
        about = f"g(a) and g'(a) of the activation {act.name!r} (from the plugin {act.plugin!r})."
        blocks.append(function_block(f"{act.name}_functions", act.numpy_source, ("g", "g_prime"), about))
    about = f"ŷ = O(a_L), the loss and ∇a_L of {loss.name!r} (from the plugin {loss.plugin!r})."
    blocks.append(function_block(f"{loss.name}_functions", loss.numpy_source,
                                 ("output", "value", "gradient", "value_from_logits"), about))
    for feature in {f.name: f for f in features}.values():
        about = f"φ(x) of the input feature {feature.name!r} (from the plugin {feature.plugin!r}): one column of h_0."
        blocks.append(function_block(f"{feature.name}_feature", feature.numpy_source, ("phi",), about))
    if regularizer is not None:
        about = f"R(W) and ∂R/∂W of the regularizer {regularizer.name!r} (from the plugin {regularizer.plugin!r})."
        blocks.append(function_block(f"{regularizer.name}_regularizer", regularizer.numpy_source,
                                     ("penalty", "gradient"), about))
    wiring = ["g, g_prime = {}, {}  # the activation of each hidden layer k"]
    wiring += [f"g[{k}], g_prime[{k}] = {name}_functions()" for k, name in enumerate(network.activations, start=1)]
    wiring.append(f"output, value, gradient, value_from_logits = {loss.name}_functions()")
    if features:
        wiring.append(f"phi = [{', '.join(f'{f.name}_feature()' for f in features)}]  # φ_j of input unit j")
    else:
        wiring.append("phi = None  # h_0 = x")
    if regularizer is not None:
        wiring.append(f"penalty, penalty_gradient = {regularizer.name}_regularizer()  # R(W) and ∂R/∂W")
    else:
        wiring.append("penalty = penalty_gradient = None")
    return "\n".join(lines) + "\n\n" + "\n\n".join(blocks) + "\n\n" + "\n".join(wiring) + "\n"


def script_source(network: Network, registry: Registry, *, title: str = "net", extras: dict | None = None) -> str:
    """The text of the standalone script, checked to compute what the engine computes.

    Raises
    ------
    ExportError
        A plugin of the network gives no NumPy source, or its source computes other numbers
        (the message names the plugin and the function), or the network is too large.
    """
    count = sum(p.size for p in network.parameters())
    if count > MAX_SCRIPT_PARAMETERS:
        raise ExportError(f"the network has {count:,} parameters; a script is written for at most "
                          f"{MAX_SCRIPT_PARAMETERS:,}")
    setup = (extras or {}).get("setup")
    regularization = setup.penalty if setup is not None else None
    check_sources(network, registry, regularization[0] if regularization else None)
    example = example_arrays(extras or {})
    source = header(network, registry, title, example, setup) + ALGORITHM
    verify(source, network, registry, example, regularization)
    return source


def verify(source: str, network: Network, registry: Registry, example,
           regularization: tuple[str, float] | None = None) -> None:
    """Run the script's trace in-process against the engine's on the example and a random sample."""
    from core.engine.passes import run_trace
    from core.stepthrough.steps import all_steps, to_jsonable

    script = loaded_script(source)
    rng = np.random.default_rng(0)
    samples = [] if example is None else [(np.asarray(example[0], float), np.asarray(example[1], float))]
    y = np.zeros(network.sizes[-1])
    y[0] = 1.0
    samples.append((rng.normal(size=network.input_width), y))
    for x, y in samples:
        with np.errstate(all="ignore"):
            trace = run_trace(network, x, y, registry, regularization)
            ours = script["trace"](x[None, :], y[None, :])
        checks = [(step.phase, step.quantity, step.values) for step in all_steps(trace)]
        if regularization is not None:
            checks.append(("forward", "penalty", trace.penalty))
        for phase, quantity, values in checks:
            theirs = ours["forward" if phase == "forward" else "backward"].get(quantity)
            expected = np.asarray(to_jsonable(values), dtype=float)
            if theirs is None or np.shape(theirs) != expected.shape or not np.allclose(
                    theirs, expected, rtol=1e-9, atol=1e-12, equal_nan=True):
                raise ExportError(f"the script's {quantity} differs from Backprop Studio's; "
                                  "the network's plugins' numpy_source disagrees with their functions")


def write_script(network: Network, registry: Registry, path: str | Path, *, extras: dict | None = None,
                 title: str | None = None) -> Path:
    """Write the standalone script of ``network`` to ``path`` (made executable)."""
    from core.io.atomic import write_atomic

    path = Path(path)
    source = script_source(network, registry, title=title or path.stem, extras=extras)
    write_atomic(path, source, ExportError)
    path.chmod(path.stat().st_mode | 0o111)
    return path
