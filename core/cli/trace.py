"""`backprop-studio trace`: one forward and backward pass with every number."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from core.cli.base import Command, CommandError, add_safe_mode, check_names, emit_json, load_host, non_negative
from core.engine.passes import run_trace
from core.io.network_file import example_arrays, load_network, network_to_dict
from core.io.resources import example_path
from core.stepthrough.steps import all_steps, to_jsonable


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", nargs="?", help="a network file (or use --example)")
    parser.add_argument("--example", metavar="NAME",
                        help="a network shipped with the program instead of FILE, e.g. textbook (the worked example)")
    parser.add_argument("--input", type=float, nargs="+", metavar="X",
                        help="the input x (default: the file's example)")
    parser.add_argument("--target", type=float, nargs="+", metavar="Y", help="the target y, e.g. one-hot 1 0")
    parser.add_argument("--json", action="store_true", help="print one JSON object (docs/file-format.md)")
    parser.add_argument("--decimals", type=non_negative, default=4, help="rounding of the printed numbers")
    add_safe_mode(parser)


def run(args: argparse.Namespace) -> int:
    host = load_host(args)
    network, extras = load_network(network_argument(args))
    check_names(network, host)
    example = example_arrays(extras)
    x = args.input if args.input is not None else (example[0] if example else None)
    y = args.target if args.target is not None else (example[1] if example else None)
    if x is None or y is None:
        raise CommandError("give --input and --target (the file has no example sample)")
    with np.errstate(all="ignore"):  # overflow is reported below, naming where it happens
        trace = run_trace(network, x, y, host.registry)
    steps = all_steps(trace)
    broken = next((s for s in steps if not np.all(np.isfinite(s.values))), None)
    if broken is not None:
        raise CommandError(
            f"{broken.quantity} (layer {broken.layer}, {broken.phase} pass) is NaN or infinite: "
            "a parameter or input is too large, or an activation or loss plugin returned NaN/inf")
    if args.json:
        emit_json(trace_to_json(trace, steps), allow_nan=False)
        return 0
    np.set_printoptions(precision=args.decimals, suppress=True, floatmode="fixed")
    print(f"network {network.sizes}  activations {network.activations}  loss {network.loss}")
    print(f"x = {np.asarray(x)}   y = {np.asarray(y)}")
    for step in steps:
        print(f"{step.phase:8s} {step.quantity:8s} {step.formula}")
        print("         " + str(np.round(step.values, args.decimals)).replace("\n", "\n         "))
    return 0


def network_argument(args: argparse.Namespace) -> Path:
    """FILE, or the shipped example named by --example (exactly one of them)."""
    if (args.file is None) == (args.example is None):
        raise CommandError("give a network FILE or --example NAME (e.g. --example textbook)")
    return Path(args.file) if args.example is None else example_path(args.example)


def trace_to_json(trace, steps) -> dict:
    """The documented `trace --json` object."""
    network = trace.network
    description = network_to_dict(network)
    forward = {"h0": to_jsonable(trace.h[0])}
    backward: dict[str, Any] = {}
    for step in steps:
        (forward if step.phase == "forward" else backward)[step.quantity] = to_jsonable(step.values)
    return {
        "network": {k: description["network"][k] for k in ("sizes", "activations", "loss")},
        "parameters": description["parameters"],
        "forward": forward,
        "backward": backward,
        "steps": [step.to_json() for step in steps],
    }


COMMAND = Command("trace", "one forward and backward pass with every number", configure, run)
