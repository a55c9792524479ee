"""Files from anyone (issue 9, item 2): sizes are checked before anything is allocated,
special files are refused, odd JSON gets one clear message."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from core.engine.network import MAX_LAYERS, MAX_PARAMETERS, Network, NetworkError, size_problem
from core.io.csv_dataset import CSVDatasetError, load_csv
from core.io.network_file import FileFormatError, load_network, network_to_dict

ROOT = Path(__file__).resolve().parents[2]
EXE = Path(sys.executable).parent / "backprop-studio"


def network_file(sizes: list[int], tmp_path: Path, name: str = "big.json") -> Path:
    """A small file that declares ``sizes`` (its parameters are one number each: invalid)."""
    data = {"format": "backprop-studio-network", "version": 1,
            "network": {"sizes": sizes, "activations": ["tanh"] * (len(sizes) - 2),
                        "loss": "softmax_cross_entropy", "seed": 0},
            "parameters": {f"{p}{k}": [0] for k in range(1, len(sizes)) for p in "Wb"}}
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def test_a_small_file_declaring_27_gb_of_weights_is_refused_before_allocating(tmp_path):
    path = network_file([4096] * 202, tmp_path)
    assert path.stat().st_size < 10_000
    with pytest.raises(FileFormatError, match=f"at most {MAX_LAYERS} layers"):
        load_network(path)
    wide = network_file([4096] * 3, tmp_path, "wide.json")  # 33.6M parameters in 3 layers
    with pytest.raises(FileFormatError, match="parameters"):
        load_network(wide)


def test_size_limits_hold_for_new_networks_and_edits():
    assert size_problem([4096, 4096, 2]) is None  # 16.8M parameters: allowed
    with pytest.raises(NetworkError, match="at most 20,000,000 parameters"):
        Network([4096, 4096, 4096], "tanh")
    with pytest.raises(NetworkError, match="layers"):
        Network([2] * 5000, "tanh")
    network = Network([4096, 4096, 2], "tanh")
    with pytest.raises(NetworkError, match="parameters"):
        network.insert_layer(1, 4096)
    with pytest.raises(NetworkError, match="parameters"):
        network.set_width(2, 2048)
    assert network.sizes == [4096, 4096, 2]  # a refused edit changes nothing
    deep = Network([2] * MAX_LAYERS, "tanh")
    with pytest.raises(NetworkError, match="layers"):
        deep.insert_layer(1, 2)
    assert MAX_PARAMETERS >= 10_000_000  # "a few tens of millions" (docs/file-format.md)


def test_new_refuses_a_huge_network_with_one_line(tmp_path):
    result = subprocess.run([str(EXE), "new", "--sizes", *["4096"] * 300, "-o", str(tmp_path / "n.json")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "at most 64 layers" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "n.json").exists()


def test_trace_refuses_a_huge_network_file(tmp_path):
    path = network_file([4096] * 202, tmp_path)
    result = subprocess.run([str(EXE), "trace", str(path), "--input", "1", "--target", "1"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "at most 64 layers" in result.stderr and "Traceback" not in result.stderr


def test_special_files_are_refused_without_reading_them(tmp_path):
    with pytest.raises(FileFormatError, match="not a regular file"):
        load_network("/dev/zero")
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    outcome: list = []
    reader = threading.Thread(target=lambda: outcome.append(_error_of(load_network, fifo)), daemon=True)
    reader.start()
    reader.join(10)
    assert outcome and "not a regular file" in outcome[0]  # neither blocked on open nor read
    with pytest.raises(CSVDatasetError, match="not a regular file"):
        load_csv("/dev/zero", "label")


def _error_of(function, *args) -> str:
    try:
        function(*args)
    except ValueError as exc:
        return str(exc)
    return "no error"


def test_a_file_larger_than_the_cap_is_refused_before_reading(tmp_path, monkeypatch):
    from core.io import network_file

    path = tmp_path / "large.json"
    path.write_text(json.dumps(network_to_dict(Network([2, 3, 2]))))
    monkeypatch.setattr(network_file, "MAX_FILE_BYTES", 100)
    with pytest.raises(FileFormatError, match="larger than"):
        load_network(path)


def test_a_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(network_to_dict(Network([2, 3, 2]))).encode())
    assert load_network(path)[0].sizes == [2, 3, 2]


@pytest.mark.parametrize("where, value", [
    ("weight", "1" + "0" * 400),      # a whole number too large for a float
    ("weight", "9" * 5000),           # more digits than Python converts to int
    ("seed", "1" + "0" * 300),
    ("size", "1" + "0" * 300),
])
def test_whole_numbers_with_hundreds_of_digits_get_one_message(tmp_path, where, value):
    text = json.dumps(network_to_dict(Network([2, 3, 2])))
    marker = {"weight": '"b1": [0.0', "seed": '"seed": 0', "size": '"sizes": [2'}[where]
    replacement = {"weight": f'"b1": [{value}', "seed": f'"seed": {value}', "size": f'"sizes": [{value}'}[where]
    path = tmp_path / "n.json"
    path.write_text(text.replace(marker, replacement, 1))
    with pytest.raises(FileFormatError) as info:
        load_network(path)
    message = str(info.value)
    assert str(path) in message and "4300" not in message and "int" not in message  # not Python's limit
    assert {"weight": "b1", "seed": "seed", "size": "sizes"}[where] in message


def test_deeply_nested_json_gets_one_message(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"format": "backprop-studio-network", "version": 1, "network": ' + "[" * 100_000
                    + "]" * 100_000 + "}")
    with pytest.raises(FileFormatError, match="nested too deeply"):
        load_network(path)
    almost = tmp_path / "almost.json"  # deep enough for the checks after parsing, not the parser
    data = network_to_dict(Network([2, 3, 2]))
    almost.write_text(json.dumps(data).replace('"W1": [', '"W1": ' + "[" * 900 + "[", 1)
                      .replace("]], \"b1\"", "]]" + "]" * 900 + ', "b1"', 1))
    with pytest.raises(FileFormatError, match="nested too deeply|W1"):
        load_network(almost)
