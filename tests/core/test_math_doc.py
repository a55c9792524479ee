"""docs/math.md: every number of the worked example it prints is the engine's, to 4 decimals."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from core.engine.passes import run_trace

DOC = Path(__file__).resolve().parents[2] / "docs" / "math.md"
NAMES = {"ŷ": "yhat", "L": "loss"}  # the doc's symbol -> the trace's name; ∇v -> grad_v


def documented_values() -> dict[str, object]:
    text = DOC.read_text(encoding="utf-8")
    block = text[text.index("Every value, rounded to 4 decimals:"):]
    values = {}
    for symbol, value in re.findall(r"^    (\S+)\s+= (.+)$", block, flags=re.M):
        name = NAMES.get(symbol, symbol.replace("∇", "grad_").replace("_", ""))
        name = name.replace("grad", "grad_") if name.startswith("grad") else name
        values[name] = json.loads(value)
    return values


def test_every_number_of_the_worked_example_is_the_engines(textbook, registry):
    network, _ = textbook
    trace = run_trace(network, [2, 5, 3], [1, 0], registry)
    documented = documented_values()
    assert len(documented) == 19  # a_1 … L and ∇a_3 … ∇h_0: every quantity of the pass
    for name, value in documented.items():
        computed = np.asarray(trace.quantity(name), dtype=float)
        if computed.ndim == 2 and computed.shape[0] == 1 and name[-2] not in "Wb":
            computed = computed[0]
        assert np.array_equal(np.round(computed, 4) + 0.0, np.asarray(value) + 0.0), name


def test_the_weights_it_prints_are_the_example_files(textbook):
    network, _ = textbook
    text = DOC.read_text(encoding="utf-8")
    for k in (1, 2, 3):
        printed = json.loads(re.search(rf"^    W_{k} = (.+)$", text, flags=re.M).group(1))
        assert np.array_equal(network.W(k), printed)
