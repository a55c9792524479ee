"""`backprop-studio trace`: one forward and backward pass with every number.

One sample (``--input 2 5 3 --target 1 0``), a batch (``--input``/``--target`` once per
sample, or ``--batch-csv FILE``), or the file's example. Prints the steps in Unicode math,
with ``--explain`` each step's line with the numbers and its meaning, or with ``--json``
the object of docs/file-format.md.
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path
from typing import Any

import numpy as np

from core.cli.base import (
    Command,
    CommandError,
    add_safe_mode,
    check_names,
    decimals,
    emit_json,
    load_host,
)
from core.engine.passes import ShapeError, run_trace
from core.io.network_file import example_arrays, load_network, network_to_dict
from core.io.resources import example_path
from core.plugin_host.registry import RegistryError
from core.plugin_host.validation import PLUGIN_ERRORS
from core.stepthrough.explain import explain
from core.stepthrough.latex_text import to_unicode
from core.stepthrough.numbers import array_text
from core.stepthrough.steps import Step, all_steps, to_jsonable

MAX_CSV_BYTES = 50_000_000
MAX_SAMPLES = 100_000


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", nargs="?", help="a network file (or use --example)")
    parser.add_argument("--example", metavar="NAME",
                        help="a network shipped with the program instead of FILE, e.g. textbook (the worked example)")
    parser.add_argument("--input", type=float, nargs="+", action="append", metavar="X",
                        help="the input x (default: the file's example); repeat for a batch")
    parser.add_argument("--target", type=float, nargs="+", action="append", metavar="Y",
                        help="the target y, e.g. one-hot 1 0; once per --input")
    parser.add_argument("--batch-csv", metavar="CSV",
                        help="a batch: one sample per row, the n_0 input values then the n_L target values "
                             "(a header row is skipped)")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print one JSON object (docs/file-format.md)")
    output.add_argument("--explain", action="store_true",
                        help="print each step's equation with the numbers and what it means")
    parser.add_argument("--decimals", type=decimals, default=4, help="rounding of the printed numbers (0 … 17)")
    add_safe_mode(parser)


def read_batch_csv(path: str, n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and targets from a CSV of n_in + n_out numbers per row (a header row is skipped)."""
    try:
        import os

        if os.path.getsize(path) > MAX_CSV_BYTES:
            raise CommandError(f"{path}: larger than {MAX_CSV_BYTES // 1_000_000} MB; trace a smaller batch")
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows: list[list[float]] = []
            for line, row in enumerate(csv.reader(handle), start=1):
                if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
                    continue
                try:
                    numbers = [float(v) for v in row]
                except ValueError:
                    if not rows and line == 1:
                        continue  # the header
                    raise CommandError(f"{path}, line {line}: not a number in {row!r}") from None
                if len(numbers) != n_in + n_out:
                    raise CommandError(f"{path}, line {line}: {len(numbers)} values, expected "
                                       f"{n_in} input(s) and {n_out} target value(s) = {n_in + n_out}")
                rows.append(numbers)
                if len(rows) > MAX_SAMPLES:
                    raise CommandError(f"{path}: more than {MAX_SAMPLES} samples")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read {path}: {exc}") from None
    if not rows:
        raise CommandError(f"{path}: no samples")
    data = np.array(rows, dtype=float)
    return data[:, :n_in], data[:, n_in:]


def _sample_args(args, network, extras):
    """X and Y (samples as rows) from the flags, the CSV or the file's example."""
    n_in, n_out = network.input_width, network.sizes[-1]  # the raw inputs x (h_0 = φ(x) with features)
    if args.batch_csv is not None:
        if args.input or args.target:
            raise CommandError("give either --batch-csv or --input/--target, not both")
        return read_batch_csv(args.batch_csv, n_in, n_out)
    example = example_arrays(extras)
    inputs = args.input if args.input is not None else ([example[0]] if example else None)
    targets = args.target if args.target is not None else ([example[1]] if example else None)
    if inputs is None or targets is None:
        raise CommandError("give --input and --target (the file has no example sample)")
    if len(inputs) != len(targets):
        raise CommandError(f"{len(inputs)} --input but {len(targets)} --target: give one target per input")
    for what, rows, width in (("input", inputs, n_in), ("target", targets, n_out)):
        for n, row in enumerate(rows, start=1):
            if len(row) != width:
                which = f" (sample {n})" if len(rows) > 1 else ""
                raise CommandError(f"the {what} must have {width} value(s) per sample, got {len(row)}{which}")
    return inputs if len(inputs) > 1 else inputs[0], targets if len(targets) > 1 else targets[0]


def run(args: argparse.Namespace) -> int:
    host = load_host(args)
    network, extras = load_network(network_argument(args))
    check_names(network, host)
    x, y = _sample_args(args, network, extras)
    setup = extras.get("setup")  # its regularisation is part of the loss and of every ∇W_k
    penalty = setup.penalty if setup is not None else None
    suspects = host.in_use(network.activations, network.loss, features=network.features or (),
                           regularizer=penalty[0] if penalty else None)
    try:
        with np.errstate(all="ignore"):  # overflow is reported below, naming where it happens
            trace = run_trace(network, x, y, host.registry, penalty)
    except (RegistryError, ShapeError):
        raise
    except PLUGIN_ERRORS as exc:  # a plugin raised, exited or returned nonsense: name it
        raise CommandError(host.explain_failure(exc, suspects)) from None
    steps = all_steps(trace)
    broken = next((s for s in steps if not np.all(np.isfinite(s.values))), None)
    if broken is not None:
        raise CommandError(
            f"{broken.quantity} (layer {broken.layer}, {broken.phase} pass) is NaN or infinite: "
            "a parameter or input is too large, or an activation or loss plugin returned NaN/inf")
    if args.json:
        emit_json(trace_to_json(trace, steps), allow_nan=False)
        return 0
    d = args.decimals
    print(f"network {'-'.join(map(str, network.sizes))}   activations {', '.join(network.activations) or '—'}"
          f"   loss {network.loss}")
    for s in range(trace.batch_size):
        label = f"sample {s + 1}: " if trace.batch_size > 1 else ""
        print(f"{label}x = {array_text(trace.X[s], d)}   y = {array_text(trace.Y[s], d)}")
    for step in steps:
        print(f"{step.phase:8s} {step.quantity:8s} {to_unicode(step.formula)}")
        if args.explain:
            for line in explanation_lines(step, trace):
                print("         " + line)
            print("         " + explain(step, trace).meaning)
        else:
            print("         " + _values_text(step.values, d).replace("\n", "\n         "))
    return 0


def network_argument(args: argparse.Namespace) -> Path:
    """FILE, or the shipped example named by --example (exactly one of them)."""
    if (args.file is None) == (args.example is None):
        raise CommandError("give a network FILE or --example NAME (e.g. --example textbook)")
    return Path(args.file) if args.example is None else example_path(args.example)


def _values_text(value, decimals: int) -> str:
    value = np.asarray(value)
    if value.ndim == 2:
        return "\n".join(array_text(row, decimals) for row in value)
    return array_text(value, decimals)


def per_sample(step: Step, trace) -> bool:
    """Does the step's explanation follow one sample (a, h, ŷ, ∇a, ∇h, the loss)?"""
    return step.kind not in ("grad_W", "grad_b", "update")


def explanation_lines(step: Step, trace) -> list[str]:
    """The explanation with the numbers: one line, or one per sample for per-sample steps."""
    if trace.batch_size == 1 or not per_sample(step, trace):
        return [explain(step, trace).substituted]
    return [f"sample {s + 1}: {explain(step, trace, index=s).substituted}" for s in range(trace.batch_size)]


def trace_to_json(trace, steps) -> dict:
    """The documented `trace --json` object."""
    network = trace.network
    description = network_to_dict(network)
    forward = {"h0": to_jsonable(trace.h[0])}
    if network.features is not None:  # h_0 = φ(x): the raw inputs too
        forward = {"x": to_jsonable(trace.X), **forward}
    backward: dict[str, Any] = {}
    for step in steps:
        (forward if step.phase == "forward" else backward)[step.quantity] = to_jsonable(step.values)
    records = []
    for step in steps:
        record = step.to_json()
        record["explanation"] = "\n".join(explanation_lines(step, trace))
        record["meaning"] = explain(step, trace).meaning
        records.append(record)
    if trace.regularizer is not None:  # the loss includes λ Σ_k R(W_k), and every ∇W_k its gradient
        forward["penalty"] = trace.penalty
    keys = ("sizes", "activations", "loss", "features", "input_width")
    return {
        "network": {k: description["network"][k] for k in keys if k in description["network"]},
        "parameters": description["parameters"],
        "forward": forward,
        "backward": backward,
        "steps": records,
    }


COMMAND = Command("trace", "one forward and backward pass with every number", configure, run)
