"""The Qt-free commands of `backprop-studio`: new, trace, train and plugins.

desktop_app.cli adds the GUI and `screenshot` on top of these and is the console script.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

from core.engine.network import Network, NetworkError
from core.engine.passes import ShapeError, run_trace
from core.io.network_file import (
    FileFormatError,
    example_arrays,
    load_network,
    network_to_dict,
    save_network,
)
from core.plugin_host import host as plugin_manager
from core.plugin_host import install as plugin_install
from core.plugin_host import settings as plugin_settings
from core.plugin_host.registry import RegistryError
from core.stepthrough.steps import all_steps, to_jsonable
from core.training.data import Dataset, DatasetError, load_csv_dataset, make_dataset
from core.training.trainer import TrainConfig, Trainer, TrainingDiverged

PROG = "backprop-studio"
# The errors a user can cause; each becomes one line on stderr.
USER_ERRORS = (FileFormatError, NetworkError, RegistryError, ShapeError, DatasetError,
               TrainingDiverged, ValueError, OSError)


class CommandError(Exception):
    """A failure explained in one line."""


def non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--safe-mode", action="store_true",
                        help="load only the built-in plugins (also BACKPROP_STUDIO_SAFE_MODE=1)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Build neural networks and watch them learn.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    new = sub.add_parser("new", help="make a network file")
    new.add_argument("--sizes", type=int, nargs="+", required=True, metavar="N",
                     help="layer widths, input first, e.g. 3 3 3 2")
    new.add_argument("--activation", default="tanh", help="activation of every hidden layer")
    new.add_argument("--activations", nargs="+", metavar="NAME", help="one activation per hidden layer")
    new.add_argument("--loss", default="softmax_cross_entropy")
    new.add_argument("--seed", type=int, default=0, help="seed of the initial weights")
    new.add_argument("-o", "--output", required=True, metavar="FILE")
    add_common(new)

    trace = sub.add_parser("trace", help="one forward and backward pass with every number")
    trace.add_argument("file", metavar="FILE")
    trace.add_argument("--input", type=float, nargs="+", metavar="X", help="the input x (default: the file's example)")
    trace.add_argument("--target", type=float, nargs="+", metavar="Y", help="the target y, e.g. one-hot 1 0")
    trace.add_argument("--json", action="store_true", help="print one JSON object (docs/file-format.md)")
    trace.add_argument("--decimals", type=non_negative, default=4, help="rounding of the printed numbers")
    add_common(trace)

    train = sub.add_parser("train", help="train a network on a dataset")
    train.add_argument("file", metavar="FILE")
    train.add_argument("--dataset", required=True, help="a dataset plugin's name, or a .csv file")
    train.add_argument("--target-column", help="the target column of a CSV dataset (name or number)")
    train.add_argument("--samples", type=int, help="samples to generate (dataset plugins)")
    train.add_argument("--optimizer", default="sgd")
    train.add_argument("--lr", type=float, help="learning rate (default: the optimizer's)")
    train.add_argument("--epochs", type=int, default=20)
    train.add_argument("--batch-size", type=int, default=10)
    train.add_argument("--seed", type=int, default=0, help="seed of the data and of the batch order")
    train.add_argument("--test-fraction", type=float, default=0.2)
    train.add_argument("--float32", action="store_true", help="train in float32 (faster on wide nets)")
    train.add_argument("-o", "--output", metavar="OUT", help="save the trained network")
    train.add_argument("--json", action="store_true", help="print the history as JSON")
    add_common(train)

    plugins = sub.add_parser("plugins", help="list, install or uninstall plugins")
    plugins.add_argument("--json", action="store_true", help="print every plugin as JSON")
    add_common(plugins)
    actions = plugins.add_subparsers(dest="action", metavar="ACTION")
    install = actions.add_parser("install", help="pip install a package, wheel or folder; copy a .py file")
    install.add_argument("target", metavar="TARGET")
    uninstall = actions.add_parser("uninstall", help="remove a plugin file or pip uninstall a package")
    uninstall.add_argument("name", metavar="NAME")
    new_plugin = actions.add_parser("new", help="write a ready plugin project with one activation")
    new_plugin.add_argument("name", metavar="NAME", help="the activation's name, e.g. scaled_tanh")
    new_plugin.add_argument("-o", "--output", metavar="DIR", default=".",
                            help="where to create backprop-NAME/ (default: the current folder)")
    enable = actions.add_parser("enable", help="load a disabled plugin again (remembered)")
    enable.add_argument("name", metavar="NAME")
    disable = actions.add_parser("disable", help="skip a plugin when loading (remembered)")
    disable.add_argument("name", metavar="NAME")
    return parser


COMMANDS = ("new", "trace", "train", "plugins")


def main(argv: list[str] | None = None) -> int:
    """Run a Qt-free command; returns the exit status."""
    args = build_parser().parse_args(argv)
    if args.command is None:
        build_parser().print_help()
        return 0
    return run_guarded(lambda: dispatch(args))


def run_guarded(action) -> int:
    try:
        return action() or 0
    except BrokenPipeError:  # `backprop-studio trace … | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except CommandError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
    except USER_ERRORS as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except SystemExit as exc:  # arguments are parsed before this guard: only plugin code exits here
        print(f"{PROG}: error: a plugin tried to end the program (SystemExit: {exc.code}); "
              "run `backprop-studio plugins` to see which plugins are loaded, or use --safe-mode",
              file=sys.stderr)
    except Exception as exc:  # never a traceback for the user
        if os.environ.get("BACKPROP_STUDIO_DEBUG"):
            raise
        print(f"{PROG}: error: unexpected {type(exc).__name__}: {exc} "
              "(set BACKPROP_STUDIO_DEBUG=1 to see the traceback)", file=sys.stderr)
    return 1


def host_for(args) -> plugin_manager.PluginHost:
    host = plugin_manager.PluginHost(safe_mode=True if args.safe_mode else None).load()
    plugin_manager.set_host(host)
    return host


def dispatch(args) -> int:
    host = host_for(args)
    if args.command == "new":
        return cmd_new(args, host)
    if args.command == "trace":
        return cmd_trace(args, host)
    if args.command == "train":
        return cmd_train(args, host)
    return cmd_plugins(args, host)


def check_names(network: Network, host: plugin_manager.PluginHost) -> None:
    """Refuse a network whose activations or loss are unknown or flagged."""
    for name in network.activations:
        host.registry.activation(name)
    host.registry.loss(network.loss)


def cmd_new(args, host) -> int:
    activations = args.activations if args.activations else args.activation
    network = Network(args.sizes, activations, args.loss, seed=args.seed)
    check_names(network, host)
    save_network(network, args.output)
    print(f"wrote {args.output}: sizes {network.sizes}, activations {network.activations}, loss {network.loss}")
    return 0


def cmd_trace(args, host) -> int:
    network, extras = load_network(args.file)
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
        print(json.dumps(trace_to_json(trace, steps), allow_nan=False))
        return 0
    np.set_printoptions(precision=args.decimals, suppress=True, floatmode="fixed")
    print(f"network {network.sizes}  activations {network.activations}  loss {network.loss}")
    print(f"x = {np.asarray(x)}   y = {np.asarray(y)}")
    for step in steps:
        print(f"{step.phase:8s} {step.quantity:8s} {step.formula}")
        print("         " + str(np.round(step.values, args.decimals)).replace("\n", "\n         "))
    return 0


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


def load_training_data(args, host) -> Dataset:
    if args.dataset.lower().endswith(".csv") or Path(args.dataset).is_file():
        if args.target_column is None:
            raise CommandError("a CSV dataset needs --target-column NAME")
        column = args.target_column
        target = int(column) if column.lstrip("-").isdigit() else column
        return load_csv_dataset(args.dataset, target)
    kwargs = {} if args.samples is None else {"n_samples": args.samples}
    return make_dataset(host.registry, args.dataset, seed=args.seed, **kwargs)


def cmd_train(args, host) -> int:
    from tqdm import tqdm

    network, extras = load_network(args.file)
    check_names(network, host)
    if args.output:  # say so now, not after the whole run
        folder = Path(args.output).parent
        if not Path(args.output).name or not folder.is_dir() or not os.access(folder, os.W_OK):
            raise CommandError(f"{args.output}: cannot save there (the folder does not exist or is not writable)")
    data = load_training_data(args, host)
    train, test = data.split(args.test_fraction, args.seed)
    hyper = {} if args.lr is None else {"lr": args.lr}
    config = TrainConfig(optimizer=args.optimizer, hyperparameters=hyper, batch_size=args.batch_size,
                         epochs=args.epochs, seed=args.seed,
                         dtype="float32" if args.float32 else "float64")
    trainer = Trainer(network, train, host.registry, config, test=test)
    bar = tqdm(total=args.epochs, unit="epoch", disable=args.json or not sys.stderr.isatty(), file=sys.stderr)
    try:
        for report in trainer.iter_steps():
            if hasattr(report, "train_loss"):
                bar.update(1)
                bar.set_postfix(loss=f"{report.train_loss:.4f}")
    finally:
        bar.close()
    history = trainer.history
    last = history.epochs[-1] if history.epochs else trainer.evaluate()
    if args.output:
        save_network(network, args.output, **extras)
    if args.json:
        print(json.dumps({
            "dataset": data.name, "optimizer": args.optimizer, "epochs": args.epochs,
            "history": [vars(e) for e in history.epochs],
            "final": vars(last), "steps": trainer.step_count,
        }))
        return 0
    line = f"trained {args.epochs} epochs ({trainer.step_count} steps): loss {last.train_loss:.4f}"
    if last.train_accuracy is not None:
        line += f", accuracy {last.train_accuracy:.1%}"
    if last.test_loss is not None:
        line += f"; test loss {last.test_loss:.4f}"
        if last.test_accuracy is not None:
            line += f", test accuracy {last.test_accuracy:.1%}"
    print(line)
    if args.output:
        print(f"saved {args.output}")
    return 0


def cmd_plugins(args, host) -> int:
    if args.action == "install":
        return install_plugin(args.target)
    if args.action == "uninstall":
        return uninstall_plugin(args.name)
    if args.action == "new":
        return new_plugin_project(args.name, args.output)
    if args.action in ("enable", "disable"):
        return set_plugin_enabled(args.name, args.action == "enable", host)
    records = host.records
    if args.json:
        print(json.dumps([r.to_json() for r in records], indent=1))
        return 0
    rows = [("NAME", "VERSION", "SOURCE", "STATE", "CONTRIBUTES")]
    for r in records:
        gives = "; ".join(f"{kind}: {', '.join(names)}" for kind, names in r.contributes.items() if names)
        rows.append((r.name, r.version or "-", r.source, r.state, gives or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[4])
    for r in records:
        if r.error:
            print(f"\n{r.name} failed in {r.phase}: {r.error}")
        for warning in r.warnings:
            print(f"\n{r.name}: {warning}")
    if host.safe_mode:
        print("\n(safe mode: only built-in plugins were loaded)")
    return 0


def install_plugin(target: str) -> int:
    """A .py file is copied into the user plugin folder; anything else goes to pip."""
    plan = plugin_install.plan_install(target)
    if plan.kind == "copy":
        installed = plugin_install.copy_plugin_file(plan)
        print(f"copied {installed.name} to {installed.parent}")
        return 0
    return run_pip(plan.command)


def uninstall_plugin(name: str) -> int:
    plan = plugin_install.plan_uninstall(name)
    if plan.kind == "remove":
        print(f"removed {plugin_install.remove_plugin_file(plan)}")
        return 0
    return run_pip(plan.command)


def run_pip(command: list[str]) -> int:
    result = subprocess.run(command)
    if result.returncode != 0:
        arguments = command[command.index("pip") + 1:]
        raise CommandError(f"pip {' '.join(arguments)} failed (exit status {result.returncode})")
    return 0


def new_plugin_project(name: str, output: str) -> int:
    from core.plugin_host.scaffold import scaffold_plugin

    project = scaffold_plugin(name, output)
    print(f"wrote {project}: install it with `backprop-studio plugins install {project}` "
          f"(or pip install -e {project}), then run pytest in it")
    return 0


def set_plugin_enabled(name: str, enabled: bool, host: plugin_manager.PluginHost) -> int:
    """Remember the choice; a name no plugin has is refused unless it is being enabled."""
    known = {r.name for r in host.records}
    if not enabled and name not in known:
        raise CommandError(f"no plugin named {name!r} (plugins: {', '.join(sorted(known))})")
    if not enabled and name in plugin_manager.BUILTIN_MODULES:
        raise CommandError(f"{name} is built in and cannot be disabled (use --safe-mode for built-ins only)")
    plugin_settings.set_enabled(name, enabled)
    print(f"{name} {'enabled' if enabled else 'disabled'} (from the next time plugins are loaded)")
    return 0
