"""`backprop-studio train`: train a network with the setup saved in its file, or flags that override it."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from core.cli.base import Command, CommandError, add_safe_mode, check_names, emit_json, load_host, non_negative
from core.io.network_file import load_network, save_network
from core.plugin_host.registry import RegistryError
from core.plugin_host.validation import PLUGIN_ERRORS
from core.training.runner import SetupRun
from core.training.setup import DEFAULT_EPOCHS, StopWhen, TrainingSetup
from core.training.trainer import EpochReport, TrainingDiverged

DESCRIPTION = """Train FILE's network in place. Without flags, the setup saved in FILE (dataset,
optimizer, learning rate, batch size, stop conditions …) is used; each flag overrides one
part of it. -o saves the trained network with the setup used; --json prints the history
and that setup."""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--dataset", help="a dataset plugin's name, or a .csv file")
    parser.add_argument("--target-column", help="the target column of a CSV dataset (name or number)")
    parser.add_argument("--task", choices=("classification", "regression"),
                        help="how to read a CSV target (default: regression for numbers, unless a few whole numbers)")
    parser.add_argument("--samples", type=int, help="samples to generate (dataset plugins)")
    parser.add_argument("--noise", type=float, help="noise of a generated dataset")
    parser.add_argument("--optimizer")
    parser.add_argument("--lr", type=float, help="learning rate (default: the saved one, else the optimizer's)")
    parser.add_argument("--epochs", type=int, help=f"epochs to train (default: the saved limit, else {DEFAULT_EPOCHS})")
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--seed", type=non_negative, help="seed of the data, its split and the batch order")
    parser.add_argument("--test-fraction", type=float)
    parser.add_argument("--regularization", metavar="NAME",
                        help="a regularizer plugin (l1, l2) or 'none'; the loss gains λ Σ_k R(W_k)")
    parser.add_argument("--rate", type=float, metavar="λ", help="the regularisation rate λ ≥ 0")
    parser.add_argument("--float32", action="store_true", help="train in float32 (faster on wide nets)")
    parser.add_argument("-o", "--output", metavar="OUT", help="save the trained network with the setup used")
    parser.add_argument("--json", action="store_true", help="print the history and the setup as JSON")
    add_safe_mode(parser)


def setup_from(args: argparse.Namespace, saved: TrainingSetup | None, registry) -> TrainingSetup:
    """The saved setup with the flags given applied on top (a flag always wins)."""
    if saved is None and args.dataset is None:
        raise CommandError(f"{args.file} has no saved training setup: name a dataset with --dataset NAME")
    setup = saved or TrainingSetup()
    changes: dict = {}
    if args.dataset is not None:
        changes.update(dataset=args.dataset, samples=None, noise=None, target_column=None, task=None)
        if args.dataset.lower().endswith(".csv") or Path(args.dataset).is_file():
            changes["dataset"] = str(Path(args.dataset).resolve())  # a flag's path is from here
            if args.target_column is None:
                raise CommandError("a CSV dataset needs --target-column NAME")
    for flag, key in (("target_column", "target_column"), ("task", "task"), ("samples", "samples"),
                      ("noise", "noise"), ("batch_size", "batch_size"), ("seed", "seed"),
                      ("test_fraction", "test_fraction")):
        if getattr(args, flag) is not None:
            changes[key] = getattr(args, flag)
    if args.regularization is not None:
        changes["regularization"] = None if args.regularization.lower() == "none" else args.regularization
    if args.rate is not None:
        changes["rate"] = args.rate
    if args.epochs is not None:
        changes["stop"] = StopWhen(args.epochs, setup.stop.train_loss, setup.stop.test_accuracy)
    regularizer = changes.get("regularization", setup.regularization)
    if args.rate is not None and regularizer is None:  # a λ for no penalty: not silently dropped
        raise CommandError("--rate sets λ of a regularizer: add --regularization l1|l2 (or another regularizer)")
    if args.regularization is not None and regularizer is not None and not changes.get("rate", setup.rate):
        # λ = 0 would train without the penalty that was asked for
        raise CommandError(f"--regularization {regularizer} needs a rate λ > 0: add --rate λ, e.g. --rate 0.001")
    try:
        setup = setup.with_changes(**changes)
        if args.optimizer is not None and args.optimizer != setup.optimizer:
            old = registry.optimizers.get(setup.optimizer)
            setup = setup.with_optimizer(args.optimizer, dict(registry.optimizer(args.optimizer).defaults),
                                         None if old is None else old.defaults)
        if args.lr is not None:
            setup = setup.with_changes(hyperparameters={**setup.hyperparameters, "lr": args.lr})
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    return setup


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    host = load_host(args)
    network, extras = load_network(args.file)
    check_names(network, host)
    if args.output:  # say so now, not after the whole run
        folder = Path(args.output).parent
        if not Path(args.output).name or not folder.is_dir() or not os.access(folder, os.W_OK):
            raise CommandError(f"{args.output}: cannot save there (the folder does not exist or is not writable)")
    setup = setup_from(args, extras.get("setup"), host.registry)
    if setup.is_csv:  # a saved CSV path is relative to FILE's folder
        setup = setup.with_changes(dataset=str(setup.csv_path(Path(args.file).resolve().parent)))
    if setup.regularization is not None:
        host.registry.regularizer(setup.regularization)  # unknown or flagged: said before training
    suspects = host.in_use(network.activations, network.loss, setup.optimizer, setup.dataset,
                           features=network.features or (), regularizer=setup.regularization)
    bar = tqdm(total=setup.config().epochs, unit="epoch", disable=args.json or not sys.stderr.isatty(),
               file=sys.stderr)

    def progress(report: EpochReport) -> None:
        bar.update(1)
        bar.set_postfix(loss=f"{report.train_loss:.4f}")

    try:
        run_ = SetupRun(network, setup, host.registry, dtype="float32" if args.float32 else "float64")
        trainer = run_.trainer
        run_.run(progress)
    except (TrainingDiverged, RegistryError):
        raise
    except PLUGIN_ERRORS as exc:  # a plugin raised, exited or returned nonsense: name it
        raise CommandError(f"training stopped: {host.explain_failure(exc, suspects)}") from None
    finally:
        bar.close()
    data, reason = run_.data, run_.reason
    history = trainer.history
    last = history.epochs[-1] if history.epochs else trainer.evaluate()
    if args.output:
        save_network(network, args.output, **{**extras, "setup": saved_form(setup, args.output)})
    if args.json:
        emit_json({
            "dataset": data.name, "optimizer": setup.optimizer, "epochs": len(history.epochs),
            "history": [vars(e) for e in history.epochs],
            "final": vars(last), "steps": trainer.step_count, "stopped": reason,
            "setup": setup.to_dict(),
        })
        return 0
    line = f"trained {len(history.epochs)} epochs ({trainer.step_count} steps): loss {last.train_loss:.4f}"
    if last.train_accuracy is not None:
        line += f", accuracy {last.train_accuracy:.1%}"
    if last.test_loss is not None:
        line += f"; test loss {last.test_loss:.4f}"
        if last.test_accuracy is not None:
            line += f", test accuracy {last.test_accuracy:.1%}"
    print(line)
    if reason:
        print(f"stopped {reason}")
    if args.output:
        print(f"saved {args.output}")
    return 0


def saved_form(setup: TrainingSetup, output: str) -> TrainingSetup:
    """The setup as saved next to ``output``: a CSV path relative to its folder when it can be."""
    if not setup.is_csv or not Path(setup.dataset).is_absolute():
        return setup
    try:
        relative = os.path.relpath(setup.dataset, Path(output).resolve().parent)
    except ValueError:  # another drive (Windows)
        return setup
    return setup.with_changes(dataset=relative)


COMMAND = Command("train", "train a network (with the setup saved in its file, or flags)", configure, run,
                  DESCRIPTION)
