"""The versioned JSON network file: exact round trips, atomic saves, clear errors, no pickle."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from core.engine.network import Network
from core.io import network_file as fileformat
from core.io.network_file import (
    FORMAT_NAME,
    FORMAT_VERSION,
    FileFormatError,
    example_arrays,
    load_network,
    network_to_dict,
    save_network,
)

CORE = Path(fileformat.__file__).resolve().parents[1]


def awkward_network() -> Network:
    """Weights whose decimal representations need all 17 digits, and odd values."""
    network = Network([3, 5, 4, 2], ["tanh", "gelu"], "squared_error", seed=12345)
    rng = np.random.default_rng(99)
    W = [rng.normal(size=W.shape) * 10.0 ** rng.integers(-300, 300, size=W.shape) for W in network.weights]
    W[0][0, 0] = 0.1 + 0.2  # 0.30000000000000004
    W[0][0, 1] = -0.0
    W[0][0, 2] = 5e-324  # smallest subnormal
    W[0][1, 0] = np.finfo(float).max
    b = [rng.normal(size=b.shape) / 3 for b in network.biases]
    network.set_parameters(W, b)
    return network


def test_round_trip_is_exact(tmp_path):
    network = awkward_network()
    path = tmp_path / "net.json"
    save_network(network, path, example={"input": [1, 2, 3], "target": [0.5, -1]},
                 metadata={"name": "awkward"})
    loaded, extras = load_network(path)
    assert loaded.sizes == network.sizes
    assert loaded.activations == network.activations
    assert loaded.loss == network.loss
    assert loaded.seed == network.seed
    for p, q in zip(network.parameters(), loaded.parameters()):
        assert p.dtype == q.dtype == np.float64
        assert p.tobytes() == q.tobytes()  # bitwise, including -0.0 and subnormals
        assert [repr(v) for v in p.ravel()] == [repr(v) for v in q.ravel()]
    assert extras == {"example": {"input": [1, 2, 3], "target": [0.5, -1]}, "metadata": {"name": "awkward"}}
    assert example_arrays(extras) == ([1, 2, 3], [0.5, -1])
    # save(load(save(x))) gives the same bytes
    again = tmp_path / "again.json"
    save_network(loaded, again, **extras)
    assert again.read_bytes() == path.read_bytes()


def test_saved_file_is_plain_versioned_json(tmp_path):
    network = Network([2, 3, 1], ["relu"], "squared_error", seed=3)
    path = tmp_path / "net.json"
    save_network(network, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT_NAME and data["version"] == FORMAT_VERSION
    assert data["network"] == {"sizes": [2, 3, 1], "activations": ["relu"], "loss": "squared_error", "seed": 3}
    assert np.array(data["parameters"]["W1"]).shape == (3, 2)  # n_k × n_{k-1}
    assert np.array(data["parameters"]["W2"]).shape == (1, 3)
    assert data == network_to_dict(network)


# -- atomic save -------------------------------------------------------------------
def test_failed_save_leaves_the_old_file_intact_and_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "net.json"
    old = Network([2, 2], [], seed=1)
    save_network(old, path)
    before = path.read_bytes()

    def broken_replace(src, dst):
        assert Path(src).parent == Path(dst).parent  # the temp file is beside the target
        assert Path(src).read_text(encoding="utf-8").endswith("\n")  # fully written before the rename
        raise OSError("disk on fire")

    monkeypatch.setattr(fileformat.os, "replace", broken_replace)
    with pytest.raises(FileFormatError, match=r"net.json: cannot be written \(disk on fire\)"):
        save_network(Network([2, 4, 2], ["tanh"], seed=2), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.json"]


def test_failure_while_writing_leaves_no_partial_target(tmp_path, monkeypatch):
    path = tmp_path / "new.json"

    def broken_fsync(fd):
        raise OSError("device gone")

    monkeypatch.setattr(fileformat.os, "fsync", broken_fsync)
    with pytest.raises(FileFormatError, match="device gone"):
        save_network(Network([2, 2], []), path)
    assert list(tmp_path.iterdir()) == []


def test_save_replaces_an_existing_file(tmp_path):
    path = tmp_path / "net.json"
    save_network(Network([2, 2], [], seed=1), path)
    save_network(Network([2, 3, 2], ["tanh"], seed=1), path)
    assert load_network(path)[0].sizes == [2, 3, 2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.json"]


# -- errors ---------------------------------------------------------------------
def valid_dict() -> dict:
    return network_to_dict(Network([2, 3, 2], ["tanh"], seed=0))


def write(tmp_path: Path, content, name: str = "bad.json") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(json.dumps(content), encoding="utf-8")
    return path


def mutate(change) -> dict:
    data = valid_dict()
    change(data)
    return data


def _truncated() -> str:
    text = fileformat.dumps(valid_dict())
    return text[: len(text) // 2]


CASES = {
    "empty": ("", ["empty"]),
    "whitespace": ("  \n\t\n", ["empty"]),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", ["not a text file"]),
    "corrupt": ('{"format": "backprop-studio-network", version: 1}', ["not valid JSON", "line 1"]),
    "truncated": (_truncated(), ["not valid JSON", "truncated"]),
    "foreign json": ({"name": "some other app", "layers": [1, 2]}, ["not a Backprop Studio network file"]),
    "json list": ([1, 2, 3], ["not a Backprop Studio network file"]),
    "newer version": (mutate(lambda d: d.update(version=FORMAT_VERSION + 1)),
                      [f"version {FORMAT_VERSION + 1}", "newer", "update"]),
    "no version": (mutate(lambda d: d.pop("version")), ["version"]),
    "version zero": (mutate(lambda d: d.update(version=0)), ["unknown format version 0"]),
    "missing network": (mutate(lambda d: d.pop("network")), ["no 'network' entry"]),
    "missing sizes": (mutate(lambda d: d["network"].pop("sizes")), ["no 'sizes' entry"]),
    "missing loss": (mutate(lambda d: d["network"].pop("loss")), ["no 'loss' entry"]),
    "missing parameters": (mutate(lambda d: d.pop("parameters")), ["no 'parameters' entry"]),
    "missing W2": (mutate(lambda d: d["parameters"].pop("W2")), ["W2 is missing"]),
    "missing b1": (mutate(lambda d: d["parameters"].pop("b1")), ["b1 is missing"]),
    "sizes wrong type": (mutate(lambda d: d["network"].update(sizes="2 3 2")), ["'sizes'", "wrong type"]),
    "sizes not whole": (mutate(lambda d: d["network"].update(sizes=[2, 3.5, 2])), ["whole numbers"]),
    "bad width": (mutate(lambda d: d["network"].update(sizes=[2, 0, 2])), ["between 1"]),
    "activation count": (mutate(lambda d: d["network"].update(activations=[])), ["hidden activation"]),
    "seed": (mutate(lambda d: d["network"].update(seed="x")), ["seed"]),
    "wrong shape": (mutate(lambda d: d["parameters"].update(W1=[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])),
                    ["W1", "shape (2, 3)", "expected (3, 2)"]),
    "wrong bias shape": (mutate(lambda d: d["parameters"].update(b2=[0.0])), ["b2", "shape (1,)", "expected (2,)"]),
    "ragged": (mutate(lambda d: d["parameters"].update(W1=[[0.1, 0.2], [0.3], [0.4, 0.5]])), ["W1"]),
    "strings": (mutate(lambda d: d["parameters"].update(b1=["a", "b", "c"])), ["b1", "numbers only"]),
    "NaN": (fileformat.dumps(valid_dict()).replace('"b1": [0.0', '"b1": [NaN', 1), ["NaN"]),
    "Infinity": (fileformat.dumps(valid_dict()).replace('"b1": [0.0', '"b1": [-Infinity', 1), ["Infinity"]),
    "huge": (fileformat.dumps(valid_dict()).replace('"b1": [0.0', '"b1": [1e999', 1), ["b1", "NaN or infinite"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_files_raise_file_format_error_naming_the_problem(tmp_path, case):
    content, words = CASES[case]
    path = write(tmp_path, content)
    with pytest.raises(FileFormatError) as info:
        load_network(path)
    message = str(info.value)
    assert str(path) in message  # the message names the file ...
    for word in words:  # ... and the problem
        assert word.lower() in message.lower(), (case, message)
    assert "\n" not in message


def test_sanity_the_valid_dict_loads(tmp_path):
    """The mutated cases above start from a file that does load."""
    network, extras = load_network(write(tmp_path, valid_dict()))
    assert network.sizes == [2, 3, 2] and extras == {}


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(FileFormatError, match="no such file"):
        load_network(tmp_path / "nope.json")
    with pytest.raises(FileFormatError, match="is a folder"):
        load_network(tmp_path)


def test_file_format_error_is_a_value_error():
    assert issubclass(FileFormatError, ValueError)


@pytest.mark.parametrize("example", [None, {}, {"input": "x", "target": [1]},
                                     {"input": [1, float("nan")], "target": [1]}, {"input": [1]}])
def test_example_arrays_ignores_unusable_examples(example):
    extras = {} if example is None else {"example": example}
    assert example_arrays(extras) is None


# -- never pickle -------------------------------------------------------------
PICKLE_PATTERNS = [
    re.compile(r"^\s*(import|from)\s+(c?pickle|_pickle|dill|cloudpickle|shelve|joblib)\b", re.M),
    re.compile(r"\bnp\.load\([^)]*allow_pickle\s*=\s*True"),
    re.compile(r"__import__\(\s*['\"](c?pickle|shelve)['\"]"),
    re.compile(r"importlib\.import_module\(\s*['\"](c?pickle|shelve)['\"]"),
]


def test_no_pickle_anywhere_in_core():
    sources = sorted(CORE.rglob("*.py"))
    assert len(sources) >= 10  # really looking at core/
    offenders = [f"{path.relative_to(CORE.parent)}: {m.group(0).strip()}"
                 for path in sources for pattern in PICKLE_PATTERNS
                 for m in pattern.finditer(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_pickle_grep_would_catch_an_import():
    text = "import numpy\nimport pickle\nfrom shelve import open\n"
    assert len(PICKLE_PATTERNS[0].findall(text)) == 2


def test_save_and_load_never_call_pickle(tmp_path, monkeypatch):
    """numpy itself imports pickle, so block its functions instead of the import."""
    import pickle

    def refuse(*args, **kwargs):
        raise AssertionError("pickle was used")

    for name in ("dump", "dumps", "load", "loads", "Pickler", "Unpickler"):
        monkeypatch.setattr(pickle, name, refuse)
    monkeypatch.setattr(np, "load", refuse)
    monkeypatch.setattr(np, "save", refuse)
    network = awkward_network()
    save_network(network, tmp_path / "n.json")
    loaded, _ = load_network(tmp_path / "n.json")
    assert loaded.W(2).tobytes() == network.W(2).tobytes()


def test_metadata_text_with_brackets_round_trips(tmp_path):
    """The compact number-list layout must not rewrite brackets inside text."""
    metadata = {"name": "see [1,2] and [ 3 ]", "note": "[-1,\t2e5]", "tags": [1, 2, 3], "empty": []}
    path = tmp_path / "m.json"
    save_network(Network([2, 2], []), path, metadata=metadata)
    assert load_network(path)[1]["metadata"] == metadata
    assert '"tags": [1, 2, 3]' in path.read_text(encoding="utf-8")  # numbers still one line per vector


def test_the_textbook_file_is_written_as_saved(tmp_path, textbook):
    network, extras = textbook
    save_network(network, tmp_path / "t.json", **extras)
    root = Path(fileformat.__file__).resolve().parents[2]
    assert (tmp_path / "t.json").read_bytes() == (root / "resources/examples/textbook.json").read_bytes()
