"""`backprop-studio train`: train a network on a dataset."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from core.cli.base import Command, CommandError, add_safe_mode, check_names, emit_json, load_host, non_negative
from core.io.network_file import load_network, save_network
from core.plugin_host.registry import RegistryError
from core.plugin_host.validation import PLUGIN_ERRORS
from core.training.data import Dataset, load_csv_dataset, make_dataset
from core.training.trainer import TrainConfig, Trainer, TrainingDiverged


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--dataset", required=True, help="a dataset plugin's name, or a .csv file")
    parser.add_argument("--target-column", help="the target column of a CSV dataset (name or number)")
    parser.add_argument("--samples", type=int, help="samples to generate (dataset plugins)")
    parser.add_argument("--optimizer", default="sgd")
    parser.add_argument("--lr", type=float, help="learning rate (default: the optimizer's)")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--seed", type=non_negative, default=0, help="seed of the data and of the batch order")
    parser.add_argument("--test-fraction", type=float, default=0.2)
    parser.add_argument("--float32", action="store_true", help="train in float32 (faster on wide nets)")
    parser.add_argument("-o", "--output", metavar="OUT", help="save the trained network")
    parser.add_argument("--json", action="store_true", help="print the history as JSON")
    add_safe_mode(parser)


def load_training_data(args: argparse.Namespace, host) -> Dataset:
    if args.dataset.lower().endswith(".csv") or Path(args.dataset).is_file():
        if args.target_column is None:
            raise CommandError("a CSV dataset needs --target-column NAME")
        column = args.target_column
        target = int(column) if column.lstrip("-").isdigit() else column
        return load_csv_dataset(args.dataset, target)
    kwargs = {} if args.samples is None else {"n_samples": args.samples}
    return make_dataset(host.registry, args.dataset, seed=args.seed, **kwargs)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    host = load_host(args)
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
    suspects = host.in_use(network.activations, network.loss, args.optimizer, data.name)
    bar = tqdm(total=args.epochs, unit="epoch", disable=args.json or not sys.stderr.isatty(), file=sys.stderr)
    try:
        trainer = Trainer(network, train, host.registry, config, test=test, report_every=None)  # per epoch
        for report in trainer.iter_steps():
            if hasattr(report, "train_loss"):
                bar.update(1)
                bar.set_postfix(loss=f"{report.train_loss:.4f}")
    except (TrainingDiverged, RegistryError):
        raise
    except PLUGIN_ERRORS as exc:  # a plugin raised, exited or returned nonsense: name it
        raise CommandError(f"training stopped: {host.explain_failure(exc, suspects)}") from None
    finally:
        bar.close()
    history = trainer.history
    last = history.epochs[-1] if history.epochs else trainer.evaluate()
    if args.output:
        save_network(network, args.output, **extras)
    if args.json:
        emit_json({
            "dataset": data.name, "optimizer": args.optimizer, "epochs": args.epochs,
            "history": [vars(e) for e in history.epochs],
            "final": vars(last), "steps": trainer.step_count,
        })
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


COMMAND = Command("train", "train a network on a dataset", configure, run)
