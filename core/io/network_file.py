"""The versioned JSON network file (docs/file-format.md). Never pickle."""
from __future__ import annotations

import json
import math
import os
import re
from typing import Any

import numpy as np

from core.engine.network import Network, NetworkError
from core.io.atomic import write_atomic
from core.io.reading import MAX_FILE_BYTES, UnreadableFile, read_capped
from core.io.setup_section import SetupFormatError, read_setup, write_setup
from core.training.setup import TrainingSetup

FORMAT_NAME = "backprop-studio-network"
FORMAT_VERSION = 2  # 2: the training setup ("setup"); version 1 files still open
MAX_INT_DIGITS = 18  # a longer whole number is read as a float (refused where a whole number is needed)


class FileFormatError(ValueError):
    """A network file that cannot be read: corrupt, truncated, foreign or inconsistent."""


def network_to_dict(network: Network, *, example: dict | None = None, metadata: dict | None = None,
                    setup: TrainingSetup | None = None) -> dict:
    data: dict[str, Any] = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "network": {
            "sizes": network.sizes,
            "activations": network.activations,
            "loss": network.loss,
            "seed": network.seed,
        },
        "parameters": {},
    }
    if network.features is not None:  # h_0 = φ(x): the features, and the width of x
        data["network"]["features"] = list(network.features)
        data["network"]["input_width"] = network.input_width
    for k in range(1, network.depth + 1):
        data["parameters"][f"W{k}"] = network.W(k).tolist()
        data["parameters"][f"b{k}"] = network.b(k).tolist()
    if example:
        data["example"] = example
    if metadata:
        data["metadata"] = metadata
    if setup is not None:
        data["setup"] = write_setup(setup)
    return data


def save_network(network: Network, path: str | os.PathLike, **extra: Any) -> None:
    """Write the network atomically: a temporary file in the same folder, then a rename."""
    write_atomic(path, dumps(network_to_dict(network, **extra)), FileFormatError)


# A list of numbers as json.dumps(indent=1) writes it: "[" then a newline. A string value
# never holds a raw newline, so brackets inside text (metadata) are left untouched.
_NUMBER_LIST = re.compile(r"\[\n\s*([-0-9.eE+,\s]*?)\s*\]")


def dumps(data: dict) -> str:
    """JSON with one line per vector (a matrix reads row by row)."""
    text = json.dumps(data, indent=1, allow_nan=False)
    return _NUMBER_LIST.sub(lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",")) + "]", text) + "\n"


def _require(mapping: dict, key: str, kind: type | tuple, where: str) -> Any:
    if key not in mapping:
        raise FileFormatError(f"{where} has no {key!r} entry")
    value = mapping[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise FileFormatError(f"{where}: {key!r} has the wrong type ({type(value).__name__})")
    return value


def _numbers_only(value: Any) -> bool:
    """Nested lists of JSON numbers (not strings, not true/false)."""
    if isinstance(value, list):
        return all(_numbers_only(v) for v in value)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _matrix(value: Any, shape: tuple[int, ...], name: str) -> np.ndarray:
    if not _numbers_only(value):
        raise FileFormatError(f"parameter {name} must hold numbers only (no text, no true/false)")
    try:
        array = np.array(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise FileFormatError(f"parameter {name} is not a numeric array") from None
    if array.shape != shape:
        raise FileFormatError(f"parameter {name} has shape {array.shape}, expected {shape}")
    if not np.all(np.isfinite(array)):
        raise FileFormatError(f"parameter {name} holds a NaN or infinite value")
    return array


def network_from_dict(data: Any) -> tuple[Network, dict]:
    """Build a Network from parsed JSON; returns (network, extras).

    ``extras`` holds what the file has of 'example' and 'metadata' (dicts) and 'setup'
    (a :class:`~core.training.setup.TrainingSetup`).
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise FileFormatError(f"not a Backprop Studio network file (no \"format\": \"{FORMAT_NAME}\")")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise FileFormatError("the file has no valid format version")
    if version > FORMAT_VERSION:
        raise FileFormatError(
            f"the file has format version {version}, newer than this program reads ({FORMAT_VERSION}); "
            "update Backprop Studio"
        )
    if version < 1:
        raise FileFormatError(f"unknown format version {version}")
    net = _require(data, "network", dict, "the file")
    sizes = _require(net, "sizes", list, "network")
    activations = _require(net, "activations", list, "network")
    loss = _require(net, "loss", str, "network")
    seed = net.get("seed", 0)
    features = net.get("features")
    input_width = net.get("input_width")
    if features is not None and not (isinstance(features, list) and all(isinstance(f, str) for f in features)):
        raise FileFormatError("network: 'features' must be a list of names")
    if input_width is not None and (not isinstance(input_width, int) or isinstance(input_width, bool)):
        raise FileFormatError("network: 'input_width' must be a whole number")
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in sizes):
        raise FileFormatError("network: 'sizes' must be a list of whole numbers")
    if not all(isinstance(g, str) for g in activations):
        raise FileFormatError("network: 'activations' must be a list of names")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise FileFormatError(f"network: 'seed' must be a whole number ≥ 0, not {seed!r}")
    try:
        network = Network(sizes, activations, loss, seed=seed, features=features, input_width=input_width)
    except (NetworkError, ValueError) as exc:
        raise FileFormatError(f"network: {exc}") from None
    params = _require(data, "parameters", dict, "the file")
    weights, biases = [], []
    for k in range(1, network.depth + 1):
        for name in (f"W{k}", f"b{k}"):
            if name not in params:
                raise FileFormatError(f"parameters: {name} is missing")
        weights.append(_matrix(params[f"W{k}"], (sizes[k], sizes[k - 1]), f"W{k}"))
        biases.append(_matrix(params[f"b{k}"], (sizes[k],), f"b{k}"))
    network.set_parameters(weights, biases)
    extras: dict[str, Any] = {key: data[key] for key in ("example", "metadata") if isinstance(data.get(key), dict)}
    if data.get("setup") is not None:
        try:
            extras["setup"] = read_setup(data["setup"])
        except SetupFormatError as exc:
            raise FileFormatError(str(exc)) from None
    return network, extras


def _parse_int(text: str) -> int | float:
    """JSON whole numbers: a long one becomes a float (never a slow, huge Python int)."""
    digits = len(text) - text.startswith("-")
    return int(text) if digits <= MAX_INT_DIGITS else float(text)


def parse_json(raw: bytes, path: str | os.PathLike) -> Any:
    """Parse a file's bytes (UTF-8, with or without a BOM) as JSON, every failure one message."""
    if not raw.strip():
        raise FileFormatError(f"{path}: the file is empty")
    try:
        text = raw.decode("utf-8-sig")  # a BOM some editors write is accepted
    except UnicodeDecodeError:
        raise FileFormatError(f"{path}: not a text file (not UTF-8); is it a network file?") from None
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        hint = " (the file looks truncated)" if exc.pos >= len(text.rstrip()) else ""
        raise FileFormatError(
            f"{path}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}{hint}"
        ) from None
    except RecursionError:
        raise FileFormatError(f"{path}: lists or objects nested too deeply to be a network file") from None
    except ValueError as exc:
        raise FileFormatError(f"{path}: {exc}") from None


def load_network(path: str | os.PathLike) -> tuple[Network, dict]:
    """Read a network file; every failure is a FileFormatError naming the problem."""
    try:
        raw = read_capped(path, MAX_FILE_BYTES, "network file")
    except UnreadableFile as exc:
        raise FileFormatError(str(exc)) from None
    return network_from_file_data(parse_json(raw, path), path)


def network_from_file_data(data: Any, path: str | os.PathLike) -> tuple[Network, dict]:
    """:func:`network_from_dict` for the parsed content of the file ``path`` (named in any error)."""
    try:
        return network_from_dict(data)
    except FileFormatError as exc:
        raise FileFormatError(f"{path}: {exc}") from None
    except RecursionError:
        raise FileFormatError(f"{path}: lists nested too deeply to be a network file") from None


def _reject_constant(name: str) -> float:
    raise ValueError(f"the file holds {name}, which is not a number a network can use")


def example_arrays(extras: dict) -> tuple[list[float], list[float]] | None:
    """The sample stored with a network (input and target), if any."""
    example = extras.get("example")
    if not example:
        return None
    x, y = example.get("input"), example.get("target")
    if not isinstance(x, list) or not isinstance(y, list):
        return None
    if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in x + y):
        return None
    return x, y
