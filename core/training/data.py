"""Datasets as the trainer sees them: inputs X, labels or targets, and a train/test split."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from core.plugin_host.registry import Registry
from core.plugin_host.validation import PLUGIN_ERRORS

if TYPE_CHECKING:
    from core.training.setup import TrainingSetup


class DatasetError(ValueError):
    """A dataset that does not fit the network or cannot be made."""


@dataclass
class Dataset:
    name: str
    X: np.ndarray  # (N, n_inputs)
    y: np.ndarray  # class labels (N,) for classification, targets (N, m) for regression
    task: str = "classification"
    n_classes: int | None = None
    feature_names: list[str] = field(default_factory=list)
    class_names: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.X)

    @property
    def n_inputs(self) -> int:
        return self.X.shape[1]

    def targets(self, n_outputs: int) -> np.ndarray:
        """Targets Y shaped for a network with ``n_outputs`` output units.

        Classification: one-hot rows y = e(ℓ) when n_outputs = n_classes, or the label itself
        as one column when a single output unit separates two classes.
        """
        if self.task == "regression":
            Y = self.y.reshape(len(self.y), -1).astype(float)
            if Y.shape[1] != n_outputs:
                raise DatasetError(
                    f"dataset {self.name!r} has {Y.shape[1]} target column(s) but the network has "
                    f"{n_outputs} output(s)")
            return Y
        if (self.n_classes or 0) < 2:
            raise DatasetError(f"dataset {self.name!r} has a single class: there is nothing to classify")
        if n_outputs == self.n_classes:
            return np.eye(n_outputs)[self.y]
        if n_outputs == 1 and self.n_classes == 2:
            return self.y.astype(float)[:, None]
        raise DatasetError(
            f"dataset {self.name!r} has {self.n_classes} classes but the network has {n_outputs} "
            f"output unit(s); make the output layer {self.n_classes} wide")

    def check_inputs(self, n_inputs: int, features: list[str] | None = None) -> None:
        """Refuse data whose samples do not have the ``n_inputs`` raw inputs the network reads
        (through its input ``features`` h_0 = φ(x), when it has some)."""
        if self.n_inputs == n_inputs:
            return
        if features is None:
            raise DatasetError(
                f"dataset {self.name!r} has {self.n_inputs} input feature(s) but the network's input "
                f"layer is {n_inputs} wide; make the input layer {self.n_inputs} wide")
        raise DatasetError(
            f"dataset {self.name!r} has {self.n_inputs} input(s) per sample but the network's input features "
            f"({', '.join(features)}) read {n_inputs}; choose features that read {self.n_inputs} input(s) "
            f"with the φ button of the input layer, or the raw inputs")

    def split(self, test_fraction: float, seed: int) -> tuple[Dataset, Dataset]:
        """A shuffled (train, test) split; test_fraction of 0 gives an empty test set.

        Classification splits are stratified: each class gives the test set its share
        (rounded), so a rare class is not left out of either set by chance.
        """
        if not 0 <= test_fraction < 1:
            raise DatasetError("the test fraction must be at least 0 and less than 1")
        rng = np.random.default_rng(seed)
        n_test = int(round(test_fraction * len(self)))
        if test_fraction > 0 and n_test == 0:
            raise DatasetError(
                f"a test split of {test_fraction:.0%} of {len(self)} samples rounds to no test sample; "
                "use a larger test split or more samples, or a test split of 0")
        if self.task == "classification":
            labels, counts = np.unique(self.y, return_counts=True)
            shares = test_fraction * counts
            taken = np.floor(shares).astype(int)  # then the largest remainders, up to n_test in all
            taken[np.argsort(taken - shares, kind="stable")[:n_test - taken.sum()]] += 1
            test_parts, train_parts = [], []
            for label, share in zip(labels, taken):
                members = rng.permutation(np.flatnonzero(self.y == label))
                test_parts.append(members[:share])
                train_parts.append(members[share:])
            test = rng.permutation(np.concatenate(test_parts))
            train = rng.permutation(np.concatenate(train_parts))
        else:
            order = rng.permutation(len(self))
            test, train = order[:n_test], order[n_test:]
        if len(train) == 0:
            raise DatasetError(f"a test fraction of {test_fraction:g} leaves no sample of the {len(self)} "
                               "to train on; lower the test fraction or use more samples")
        return (replace(self, X=self.X[train], y=self.y[train]),
                replace(self, X=self.X[test], y=self.y[test]))


def make_dataset(registry: Registry, name: str, *, n_samples: int | None = None, seed: int = 0,
                 **params) -> Dataset:
    """Generate a dataset from a dataset plugin."""
    spec = registry.dataset(name)
    settings = {k: v for k, v in spec.defaults.items() if k not in ("n_samples", "seed")}
    unknown = set(params) - set(settings)
    if unknown:
        raise DatasetError(f"dataset {name!r} has no setting {', '.join(sorted(unknown))}")
    settings.update(params)
    n = int(n_samples if n_samples is not None else spec.defaults.get("n_samples", 200))
    if n < 2:
        raise DatasetError("a dataset needs at least 2 samples")
    try:
        X, y = spec.generate(n, seed, **settings)
    except PLUGIN_ERRORS as exc:
        raise DatasetError(f"dataset plugin {spec.plugin!r} failed to make {name!r}: {exc}") from exc
    origin = f"dataset {name!r} (plugin {spec.plugin!r})"
    try:
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
    except (TypeError, ValueError):
        raise DatasetError(f"{origin} made inputs or targets that are not numbers") from None
    if X.ndim != 2 or len(X) != len(y) or not np.all(np.isfinite(X)):
        raise DatasetError(f"{origin} made inputs of shape {X.shape} (or NaN/inf) for {len(y)} targets")
    if not np.all(np.isfinite(y)):
        raise DatasetError(f"{origin} made a NaN or infinite target")
    if spec.task == "classification":
        y = y.reshape(-1)
        n_classes = spec.n_classes or int(y.max()) + 1
        if len(y) != len(X) or np.any(y != np.round(y)) or y.min() < 0 or y.max() >= n_classes:
            raise DatasetError(f"{origin} made class labels outside 0 … {n_classes - 1} (or not whole numbers)")
        y = y.astype(np.int64)
    else:
        y = y.reshape(len(X), -1)
        n_classes = None
    return Dataset(name, X, y, spec.task, n_classes,
                   class_names=[str(c) for c in range(n_classes)] if n_classes else [])


def load_csv_dataset(path: str | Path, target: str | int, *, task: str = "auto") -> Dataset:
    """A dataset from a CSV file (numeric columns; the target column named).

    ``task="auto"`` reads a numeric target as regression unless it holds a few whole
    numbers (class labels); see :func:`core.io.csv_dataset.guess_task`.
    """
    from core.io.csv_dataset import load_csv

    X, y, features, classes = load_csv(path, target, task=task)
    task = "classification" if classes else "regression"
    n_classes = len(classes) if task == "classification" else None
    return Dataset(str(path), np.asarray(X, dtype=float), np.asarray(y), task, n_classes,
                   feature_names=list(features), class_names=[str(c) for c in classes])


def make_data(setup: TrainingSetup, registry: Registry,
              folder: str | Path | None = None) -> tuple[Dataset, Dataset, Dataset]:
    """(all, train, test) for ``setup``: its dataset plugin or CSV file (relative to ``folder``)."""
    if setup.is_csv:
        if setup.target_column is None:
            raise DatasetError(f"the CSV dataset {setup.dataset} needs a target column")
        column = setup.target_column
        key: str | int = int(column) if column.lstrip("-").isdigit() else column
        try:
            full = load_csv_dataset(setup.csv_path(folder), key, task=setup.task or "auto")
        except (OSError, ValueError) as exc:
            raise DatasetError(str(exc)) from None
    else:
        spec = registry.dataset(setup.dataset)
        params = {"noise": setup.noise} if setup.noise is not None and "noise" in spec.defaults else {}
        full = make_dataset(registry, setup.dataset, n_samples=setup.samples, seed=setup.seed, **params)
    train, test = full.split(setup.test_fraction, setup.seed)
    return full, train, test
