"""Load a data set from a CSV file (a plain function, not a pluggy hook).

The file needs a header row naming the columns. One column is the target; every
other column is a numeric feature. Classification targets may be any text (class
names) or numbers; they are mapped to 0..C-1 in sorted order (numerically if every
label is a number, and then "1" and "1.0" are one class; else alphabetically). With
``task="auto"`` a numeric target column is read as regression unless it holds at most
``MAX_AUTO_CLASSES`` distinct whole numbers (labels). Blank lines are skipped. Any problem raises
:class:`CSVDatasetError` with a message naming the file, and for a bad row its line
number and column.

This module needs only NumPy and the standard library.
"""

from __future__ import annotations

import csv
import io
import os

import numpy as np

from core.io.reading import UnreadableFile, read_capped

TASKS = ("classification", "regression")
MAX_AUTO_CLASSES = 10  # task="auto": a numeric target with more distinct values (or fractions) is regression
MAX_CSV_BYTES = 256 * 2**20


class CSVDatasetError(ValueError):
    """A CSV file that cannot be used as a data set; the message says where and why."""


def load_csv(path, target, *, task="classification", delimiter=","):
    """Load features and targets from a CSV file with a header row.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file (UTF-8, an Excel byte-order mark is accepted).
    target : str or int
        The target column: its name in the header, or its 0-based index
        (negative indices count from the end).
    task : {"classification", "regression", "auto"}
        How to read the target column ("auto": see :func:`guess_task`).
    delimiter : str
        The field separator.

    Returns
    -------
    X : numpy.ndarray
        float64, shape (n_rows, n_features): every column except the target.
    y : numpy.ndarray
        Classification: int64 class indices, shape (n_rows,).
        Regression: float64, shape (n_rows, 1).
    feature_names : list of str
        Header names of the columns of X.
    class_names : list of str
        Classification: the original labels, ``class_names[k]`` for index k.
        Regression: an empty list.

    Raises
    ------
    CSVDatasetError
        If the file cannot be read or is not a valid data set.
    """
    source = os.fspath(path)
    try:
        raw = read_capped(source, MAX_CSV_BYTES, "CSV file")
    except UnreadableFile as e:
        raise CSVDatasetError(str(e)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise CSVDatasetError(
            f"{source}: not UTF-8 text ({e.reason} at byte {e.start})") from e
    return _parse(io.StringIO(text, newline=""), target, task, delimiter, str(source))


def load_csv_text(text, target, *, task="classification", delimiter=",",
                  source="<text>"):
    """Load features and targets from CSV text; see :func:`load_csv`.

    Parameters
    ----------
    text : str
        The whole CSV content, header row first.
    target, task, delimiter
        As for :func:`load_csv`.
    source : str
        The name used for the text in error messages.

    Returns
    -------
    tuple
        ``(X, y, feature_names, class_names)`` as for :func:`load_csv`.
    """
    return _parse(io.StringIO(text.removeprefix("\ufeff"), newline=""),
                  target, task, delimiter, source)


def _parse(lines, target, task, delimiter, source):
    """Parse CSV lines into (X, y, feature_names, class_names)."""
    if task not in TASKS + ("auto",):
        raise CSVDatasetError(f"task must be one of {TASKS + ('auto',)}, got {task!r}")
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    rows = (row for row in reader if any(field.strip() for field in row))
    try:
        header = next(rows, None)
        if header is None:
            raise CSVDatasetError(
                f"{source}: the file is empty; a header row naming the columns is required")
        names, t = _read_header(header, target, source, reader.line_num)
        features = [j for j in range(len(names)) if j != t]
        X_rows, targets, line_numbers = [], [], []
        for row in rows:
            line = reader.line_num
            if len(row) != len(names):
                raise CSVDatasetError(
                    f"{source}, line {line}: expected {len(names)} fields as in the "
                    f"header, found {len(row)}")
            try:
                X_rows.append([float(row[j]) for j in features])
            except ValueError:
                _raise_bad_number(row, features, names, source, line)
            targets.append(row[t].strip())
            line_numbers.append(line)
    except csv.Error as e:
        raise CSVDatasetError(f"{source}, line {reader.line_num}: malformed CSV: {e}") from e

    if len(X_rows) < 2:
        raise CSVDatasetError(
            f"{source}: a data set needs at least 2 data rows, found {len(X_rows)}")
    X = np.array(X_rows, dtype=np.float64)
    bad = ~np.isfinite(X)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise CSVDatasetError(
            f"{source}, line {line_numbers[i]}, column {names[features[j]]!r}: "
            f"{float(X[i, j])} is not a finite number (NaN and infinity are not allowed)")
    feature_names = [names[j] for j in features]
    if task == "auto":
        task = guess_task(targets)
    if task == "regression":
        y = _regression_targets(targets, line_numbers, names[t], source)
        return X, y, feature_names, []
    y, class_names = _class_targets(targets, line_numbers, names[t], source)
    return X, y, feature_names, class_names


def guess_task(targets) -> str:
    """"regression" for a numeric target column, unless its values are at most
    MAX_AUTO_CLASSES distinct whole numbers (class labels); text labels are "classification"."""
    try:
        values = {float(text) for text in targets}
    except ValueError:
        return "classification"
    if any(not np.isfinite(v) for v in values):
        return "classification"  # refused with a message naming the row by _class_targets
    if len(values) <= MAX_AUTO_CLASSES and all(v == round(v) for v in values):
        return "classification"
    return "regression"


def _read_header(header, target, source, line):
    """Return (column names, index of the target column) from the header row."""
    names = [name.strip() for name in header]
    if all(_is_number(name) for name in names if name):
        raise CSVDatasetError(
            f"{source}, line {line}: the first row {header!r} looks like data; a header "
            "row naming the columns is required")
    seen = set()
    for j, name in enumerate(names):
        if not name:
            raise CSVDatasetError(
                f"{source}, line {line}: column {j + 1} of the header has no name")
        if name in seen:
            raise CSVDatasetError(
                f"{source}, line {line}: the column name {name!r} appears more than once")
        seen.add(name)
    if len(names) < 2:
        raise CSVDatasetError(
            f"{source}, line {line}: need a target column and at least one feature "
            f"column, found only {names!r}")
    if isinstance(target, str):
        if target.strip() not in seen:
            raise CSVDatasetError(
                f"{source}: no target column named {target!r} "
                f"(columns: {', '.join(names)})")
        return names, names.index(target.strip())
    if isinstance(target, (int, np.integer)) and not isinstance(target, bool):
        if not -len(names) <= target < len(names):
            raise CSVDatasetError(
                f"{source}: target column index {target} is out of range for "
                f"{len(names)} columns ({', '.join(names)})")
        return names, int(target) % len(names)
    raise CSVDatasetError(f"target must be a column name or index, got {target!r}")


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _raise_bad_number(row, features, names, source, line):
    """Raise the error for the first feature field of `row` that is not a number."""
    for j in features:
        if not _is_number(row[j]):
            what = "is empty (missing value)" if not row[j].strip() else "is not a number"
            raise CSVDatasetError(
                f"{source}, line {line}, column {names[j]!r}: {row[j]!r} {what}")
    raise AssertionError("unreachable: every field is a number")  # pragma: no cover


def _regression_targets(targets, line_numbers, name, source):
    """Numeric targets as float64 of shape (n, 1)."""
    values = []
    for text, line in zip(targets, line_numbers):
        try:
            value = float(text)
        except ValueError:
            what = "is empty (missing value)" if not text else "is not a number"
            raise CSVDatasetError(
                f"{source}, line {line}, column {name!r}: {text!r} {what} "
                "(regression needs numeric targets)") from None
        if not np.isfinite(value):
            raise CSVDatasetError(
                f"{source}, line {line}, column {name!r}: {text!r} is not a finite "
                "number (NaN and infinity are not allowed)")
        values.append(value)
    return np.array(values, dtype=np.float64).reshape(-1, 1)


def _class_targets(targets, line_numbers, name, source):
    """Class indices (int64, shape (n,)) and the sorted original labels."""
    for text, line in zip(targets, line_numbers):
        if not text:
            raise CSVDatasetError(
                f"{source}, line {line}, column {name!r}: the class label is empty")
    labels = set(targets)
    if all(_is_number(label) for label in labels):
        for text, line in zip(targets, line_numbers):
            if not np.isfinite(float(text)):
                raise CSVDatasetError(
                    f"{source}, line {line}, column {name!r}: {text!r} is not a valid "
                    "numeric class label (NaN and infinity are not allowed)")
        # labels compare as numbers: "1", "1.0" and "01" are one class, named by its first spelling
        first: dict[float, str] = {}
        for text in targets:
            first.setdefault(float(text), text)
        position = {value: k for k, value in enumerate(sorted(first))}
        index = {label: position[float(label)] for label in labels}
        class_names = [first[value] for value in sorted(first)]
    else:
        class_names = sorted(labels)
        index = {label: k for k, label in enumerate(class_names)}
    if len(class_names) < 2:
        raise CSVDatasetError(
            f"{source}, column {name!r}: every row has the class {class_names[0]!r}; "
            "classification needs at least 2 classes")
    y = np.fromiter((index[label] for label in targets), dtype=np.int64,
                    count=len(targets))
    return y, class_names
