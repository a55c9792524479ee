"""A training setup: everything besides the network that a run needs, saved with the network.

A teacher prepares a network with its dataset, optimizer, learning rate, pace and stop
conditions, saves the file and hands it out; the app, ``backprop-studio train FILE`` and
the Python API all start from the same :class:`TrainingSetup`. ``to_dict``/``from_dict``
are its form in the network file's ``"setup"`` object (docs/file-format.md); every value
read from a file is checked here and a bad one is named.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from core.training.trainer import EpochReport, TrainConfig

#: the paces offered, in optimizer steps per second (None: as fast as possible)
PACES: tuple[float | None, ...] = (1, 3, 10, 60, 300, 2000, None)
REAL_TIME = 60.0  # steps per second: about one step per frame, as TensorFlow Playground
DEFAULT_PACE: float | None = REAL_TIME
DEFAULT_EPOCHS = 20  # `train` without --epochs and without a saved stop condition
MAX_SAMPLES = 1_000_000  # a dataset plugin's sample count from a file or a flag: checked before allocating


class SetupError(ValueError):
    """A setup value that cannot be used; the message names the key."""


@dataclass(frozen=True)
class StopWhen:
    """When training stops by itself: after ``epochs``, at a train loss, at a test accuracy.

    Each condition is checked after every epoch; None switches it off.
    """

    epochs: int | None = None
    train_loss: float | None = None
    test_accuracy: float | None = None  # a fraction, 0 … 1

    def reason(self, report: EpochReport, epochs_done: int) -> str | None:
        """Why training stops after ``report`` ("after 7 epochs", "at the …"; ``epochs_done`` counted
        over the whole run), or None."""
        if self.epochs is not None and epochs_done >= self.epochs:
            return f"after {self.epochs} epochs"
        if self.train_loss is not None and report.train_loss <= self.train_loss:
            return f"at the train-loss target {self.train_loss:g} (train loss {report.train_loss:.4g})"
        accuracy = report.test_accuracy
        if self.test_accuracy is not None and accuracy is not None and accuracy >= self.test_accuracy:
            return f"at the test-accuracy target {self.test_accuracy:.0%} (test accuracy {accuracy:.1%})"
        return None

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.epochs, self.train_loss, self.test_accuracy))


@dataclass(frozen=True)
class TrainingSetup:
    """Dataset, optimizer, regularisation, pace and stop conditions of a training run.

    ``dataset`` is a dataset plugin's name or the path of a CSV file (relative paths are
    relative to the network file's folder); ``samples`` and ``noise`` of None mean the
    dataset plugin's defaults. ``seed`` draws the data, splits it and orders the batches.
    ``regularization`` names a regularizer plugin (None: none) applied with ``rate`` λ.
    ``pace`` is in optimizer steps per second (None: as fast as possible).
    """

    dataset: str = "xor"
    samples: int | None = None
    noise: float | None = None
    seed: int = 0
    test_fraction: float = 0.2
    target_column: str | None = None  # CSV: the target column's name (or 0-based number as text)
    task: str | None = None  # CSV: "classification" or "regression" (None: from the target column)
    optimizer: str = "sgd"
    hyperparameters: dict[str, float] = field(default_factory=dict)
    batch_size: int = 10
    regularization: str | None = None
    rate: float = 0.0
    pace: float | None = DEFAULT_PACE
    stop: StopWhen = field(default_factory=StopWhen)

    def __post_init__(self) -> None:
        check(self)

    @property
    def is_csv(self) -> bool:
        return self.dataset.lower().endswith(".csv")

    def with_changes(self, **changes: Any) -> TrainingSetup:
        """A copy with ``changes`` applied (checked)."""
        return replace(self, **changes)

    def with_optimizer(self, name: str, defaults: dict[str, float],
                       old_defaults: dict[str, float] | None = None) -> TrainingSetup:
        """Another optimizer, with its ``defaults``; a learning rate chosen for the old one is kept.

        The learning rate counts as chosen when it differs from ``old_defaults`` (the old
        optimizer's defaults; None: always kept). Other hyperparameters start afresh.
        """
        hyper = dict(defaults)
        lr = self.hyperparameters.get("lr")
        if "lr" in defaults and lr is not None and (old_defaults is None or lr != old_defaults.get("lr")):
            hyper["lr"] = lr
        return replace(self, optimizer=name, hyperparameters=hyper)

    def config(self, epochs: int | None = None) -> TrainConfig:
        """The Trainer's settings for ``epochs`` epochs (default: the stop condition's, else 20)."""
        if epochs is None:
            epochs = self.stop.epochs if self.stop.epochs is not None else DEFAULT_EPOCHS
        return TrainConfig(optimizer=self.optimizer, hyperparameters=dict(self.hyperparameters),
                           batch_size=self.batch_size, epochs=epochs, seed=self.seed,
                           regularization=self.regularization, rate=self.rate)

    @property
    def penalty(self) -> tuple[str, float] | None:
        """(regularizer, λ) for the engine (``run_trace``, ``Kernel``), or None without one."""
        return (self.regularization, self.rate) if self.regularization else None

    def csv_path(self, folder: str | Path | None) -> Path:
        """The CSV file, a relative path taken from ``folder`` (the network file's)."""
        path = Path(self.dataset).expanduser()
        return path if path.is_absolute() or folder is None else Path(folder) / path

    # -- the file's "setup" object -------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"dataset": {"name": self.dataset, "seed": self.seed,
                                            "test_fraction": self.test_fraction}}
        for key in ("samples", "noise", "target_column", "task"):
            if getattr(self, key) is not None:
                data["dataset"][key] = getattr(self, key)
        data["optimizer"] = {"name": self.optimizer, "hyperparameters": dict(self.hyperparameters)}
        data["batch_size"] = self.batch_size
        data["regularization"] = (None if self.regularization is None
                                  else {"name": self.regularization, "rate": self.rate})
        data["pace"] = {"steps_per_second": self.pace}
        data["stop"] = {"epochs": self.stop.epochs, "train_loss": self.stop.train_loss,
                        "test_accuracy": self.stop.test_accuracy}
        return data

    @classmethod
    def from_dict(cls, data: Any) -> TrainingSetup:
        """The setup of a file's ``"setup"`` object; raises SetupError naming a bad entry."""
        data = _mapping(data, "setup")
        dataset = _mapping(data.get("dataset", {}), "setup.dataset")
        optimizer = _mapping(data.get("optimizer", {}), "setup.optimizer")
        hyper = _mapping(optimizer.get("hyperparameters", {}), "setup.optimizer.hyperparameters")
        regularization = data.get("regularization")
        pace = _mapping(data.get("pace", {}), "setup.pace")
        stop = _mapping(data.get("stop", {}), "setup.stop")
        defaults = cls()
        values: dict[str, Any] = {
            "dataset": _text(dataset.get("name", defaults.dataset), "setup.dataset.name"),
            "samples": _optional(dataset.get("samples"), _whole, "setup.dataset.samples"),
            "noise": _optional(dataset.get("noise"), _number, "setup.dataset.noise"),
            "seed": _whole(dataset.get("seed", 0), "setup.dataset.seed"),
            "test_fraction": _number(dataset.get("test_fraction", defaults.test_fraction),
                                     "setup.dataset.test_fraction"),
            "target_column": _optional(dataset.get("target_column"), _column, "setup.dataset.target_column"),
            "task": _optional(dataset.get("task"), _text, "setup.dataset.task"),
            "optimizer": _text(optimizer.get("name", defaults.optimizer), "setup.optimizer.name"),
            "hyperparameters": {_text(k, "setup.optimizer.hyperparameters"):
                                _number(v, f"setup.optimizer.hyperparameters.{k}") for k, v in hyper.items()},
            "batch_size": _whole(data.get("batch_size", defaults.batch_size), "setup.batch_size"),
            "pace": _optional(pace.get("steps_per_second", defaults.pace), _number, "setup.pace.steps_per_second"),
            "stop": StopWhen(
                epochs=_optional(stop.get("epochs"), _whole, "setup.stop.epochs"),
                train_loss=_optional(stop.get("train_loss"), _number, "setup.stop.train_loss"),
                test_accuracy=_optional(stop.get("test_accuracy"), _number, "setup.stop.test_accuracy")),
        }
        if regularization is not None:
            regularization = _mapping(regularization, "setup.regularization")
            values["regularization"] = _text(regularization.get("name"), "setup.regularization.name")
            values["rate"] = _number(regularization.get("rate", 0.0), "setup.regularization.rate")
        try:
            return cls(**values)
        except SetupError as exc:
            raise SetupError(f"setup: {exc}") from None


def check(setup: TrainingSetup) -> None:
    """Raise SetupError naming the first value of ``setup`` that cannot be used."""
    if not setup.dataset.strip():
        raise SetupError("the dataset has no name")
    if setup.samples is not None and setup.samples < 2:
        raise SetupError(f"a dataset needs at least 2 samples, not {setup.samples}")
    if setup.samples is not None and setup.samples > MAX_SAMPLES:
        raise SetupError(f"a generated dataset has at most {MAX_SAMPLES:,} samples, not {setup.samples}")
    if setup.noise is not None and not (math.isfinite(setup.noise) and setup.noise >= 0):
        raise SetupError(f"the noise must be a number ≥ 0, not {setup.noise}")
    if setup.seed < 0:
        raise SetupError(f"the seed must be ≥ 0, not {setup.seed}")
    if not (math.isfinite(setup.test_fraction) and 0 <= setup.test_fraction < 1):
        raise SetupError(f"the test fraction must be at least 0 and less than 1, not {setup.test_fraction}")
    if setup.task not in (None, "classification", "regression"):
        raise SetupError(f"the task must be classification or regression, not {setup.task!r}")
    if setup.batch_size < 1:
        raise SetupError(f"the batch size must be at least 1, not {setup.batch_size}")
    for key, value in setup.hyperparameters.items():
        if not math.isfinite(value):
            raise SetupError(f"hyperparameter {key!r} is not a finite number")
    if not (math.isfinite(setup.rate) and setup.rate >= 0):
        raise SetupError(f"the regularisation rate must be a number ≥ 0, not {setup.rate}")
    if setup.pace is not None and not (math.isfinite(setup.pace) and setup.pace > 0):
        raise SetupError(f"the pace must be a positive number of steps per second, not {setup.pace}")
    stop = setup.stop
    if stop.epochs is not None and stop.epochs < 1:
        raise SetupError(f"the epoch limit must be at least 1, not {stop.epochs}")
    if stop.train_loss is not None and not (math.isfinite(stop.train_loss) and stop.train_loss >= 0):
        raise SetupError(f"the train-loss target must be a number ≥ 0, not {stop.train_loss}")
    if stop.test_accuracy is not None and not 0 < stop.test_accuracy <= 1:
        raise SetupError(f"the test-accuracy target must be a fraction in (0, 1], not {stop.test_accuracy}")


# -- checked reading of JSON values ------------------------------------------------------
def _mapping(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise SetupError(f"{where} must be an object, not {type(value).__name__}")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise SetupError(f"{where} must be text, not {type(value).__name__}")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise SetupError(f"{where} must be a finite number, not {value!r}")
    return float(value)


def _whole(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SetupError(f"{where} must be a whole number, not {value!r}")
    return value


def _column(value: Any, where: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _text(value, where)


def _optional(value: Any, read, where: str) -> Any:
    return None if value is None else read(value, where)
