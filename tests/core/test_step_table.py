"""The step table is the one source: a third-party loss's own formulas and gradient reach
every explanation, every number in an explanation is the trace's, and no built-in plugin
name steers core/ or desktop_app/."""
from __future__ import annotations

import ast
import re
import types
from pathlib import Path

import numpy as np
import pluggy
import pytest

from core.engine.network import Network
from core.engine.passes import run_trace
from core.stepthrough.elements import NotAnElement, element_view
from core.stepthrough.explain import explain
from core.stepthrough.highlight import highlight
from core.stepthrough.latex_text import to_unicode
from core.stepthrough.notation import Element
from core.stepthrough.numbers import number
from core.stepthrough.shown import neuron_quantities
from core.stepthrough.steps import build

ROOT = Path(__file__).resolve().parents[2]
hookimpl = pluggy.HookimplMarker("backprop_studio")


def halved_output_loss() -> types.ModuleType:
    """A plugin written here, not in plugins/: ŷ = a_L / 2 and L = 1.5 Σ (y - ŷ)², so
    ∇a_L L = ∂L/∂ŷ · ∂ŷ/∂a_L = -3(y - ŷ) · ½ = -1.5(y - ŷ) (neither -(y - ŷ) nor -2(y - ŷ))."""
    module = types.ModuleType("halved_loss_plugin")

    @hookimpl
    def register_losses(register):
        register(name="halved_squared_error",
                 output=lambda a: a / 2,
                 value=lambda y, yhat: 1.5 * ((y - yhat) ** 2).sum(axis=1),
                 gradient=lambda y, yhat, a: -1.5 * (y - yhat),
                 formula=r"L = 1.5 \sum_i (y_i - \hat{y}_i)^2",
                 output_formula=r"\hat{y} = \frac{a_L}{2}",
                 gradient_formula=r"\nabla_{a_L} L = -1.5(y - \hat{y})",
                 description="a test loss")

    module.register_losses = register_losses
    return module


@pytest.fixture
def third_party(plugin_host):
    record = plugin_host.add_plugin(halved_output_loss(), "halved_loss_plugin")
    assert record.state == "loaded", record.error
    return plugin_host


def arrays_in(text: str) -> list[np.ndarray]:
    """Every [list] printed in an explanation, parsed back, in order."""
    found, depth, start = [], 0, 0
    for at, ch in enumerate(text):
        if ch == "[":
            start = at if depth == 0 else start
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                found.append(np.array(ast.literal_eval(text[start:at + 1]), dtype=float))
    return found


def check_line(text: str, expected: list, step) -> None:
    """The vectors and matrices printed in ``text`` are, in order, the trace's ``expected``
    (4 decimals); scalars in ``expected`` are skipped."""
    wanted = [np.asarray(v, dtype=float) for v in expected if np.ndim(v) > 0]
    printed = arrays_in(text)
    assert len(printed) == len(wanted), (step.quantity, text)
    for got, want in zip(printed, wanted):
        np.testing.assert_allclose(got, want, atol=5.1e-5, err_msg=f"{step.quantity}: {text}")


def test_a_third_party_loss_explains_itself_with_the_trace_numbers(third_party):
    network = Network([3, 4, 2], ["tanh"], "halved_squared_error", seed=3)
    x, y = [0.5, -1.0, 2.0], [0.25, -0.75]
    trace = run_trace(network, x, y, third_party.registry)
    steps = {s.quantity: s for s in build(trace)}
    yhat, a2 = trace.yhat[0], trace.a[2][0]
    np.testing.assert_allclose(yhat, a2 / 2)
    np.testing.assert_allclose(trace.grad_a[2][0], -1.5 * (np.array(y) - yhat))

    # the formulas are the plugin's own, with a_L written a_2
    assert steps["yhat"].formula == r"\hat{y} = \frac{a_2}{2}"
    assert steps["loss"].formula == r"L = 1.5 \sum_i (y_i - \hat{y}_i)^2"
    assert steps["grad_a2"].formula == r"\nabla_{a_2} L = -1.5(y - \hat{y})"
    assert set(steps["yhat"].reads) == {"a2"} and set(steps["grad_a2"].reads) == {"y", "yhat"}

    grad = explain(steps["grad_a2"], trace)
    assert grad.substituted.startswith("∇a₂ L = −1.5(y − ŷ) = −1.5([0.25, -0.75] − [")
    check_line(grad.substituted, [y, yhat, trace.grad_a[2][0]], steps["grad_a2"])
    out = explain(steps["yhat"], trace)
    assert "output function" in out.meaning and "halved" not in out.meaning  # no loss called O
    assert out.substituted.startswith("ŷ = a₂/2 = ")  # nested in a fraction: the values are listed
    check_line(out.substituted, [yhat, a2], steps["yhat"])
    loss = explain(steps["loss"], trace)
    assert loss.result == number(1.5 * ((np.array(y) - yhat) ** 2).sum())

    # every explanation line: its numbers are the values the step reads and writes
    reads_in_order = {
        "a1": [trace.network.b(1), trace.network.W(1), x, trace.a[1][0]],
        "h1": [trace.a[1][0], trace.h[1][0]],
        "a2": [trace.network.b(2), trace.network.W(2), trace.h[1][0], a2],
        "loss": [y, yhat],
        "grad_W2": [trace.grad_a[2][0], trace.h[1][0], trace.grad_W[2]],
        "grad_b2": [trace.grad_a[2][0], trace.grad_b[2]],
        "grad_h1": [trace.network.W(2), trace.grad_a[2][0], trace.grad_h[1][0]],
        "grad_a1": [trace.grad_h[1][0], trace.g_prime[1][0], trace.grad_a[1][0]],
        "grad_W1": [trace.grad_a[1][0], x, trace.grad_W[1]],
        "grad_b1": [trace.grad_a[1][0], trace.grad_b[1]],
        "grad_h0": [trace.network.W(1), trace.grad_a[1][0], trace.grad_h[0][0]],
    }
    for name, expected in reads_in_order.items():
        check_line(explain(steps[name], trace).substituted, expected, steps[name])
    for step in build(trace, include_update=True):
        e = explain(step, trace)
        assert e.meaning and e.result in e.substituted
        assert e.substituted.startswith(to_unicode(step.formula).split(",")[0])


def test_batch_explanations_use_every_sample(registry):
    network = Network([2, 3, 2], ["tanh"], "softmax_cross_entropy", seed=1)
    X, Y = [[1.0, 2.0], [-1.0, 0.5], [0.0, 1.0]], [[1, 0], [0, 1], [1, 0]]
    trace = run_trace(network, X, Y, registry)
    steps = {s.quantity: s for s in build(trace)}
    gW = explain(steps["grad_W2"], trace)  # ∇W_2 = ∇A_2ᵀ H_1, summed over the three samples
    assert gW.substituted.startswith("∇W₂ L = ∇a₂ L h₁ᵀ = (∇A₂ L)ᵀ H₁ = ")
    check_line(gW.substituted, [trace.grad_a[2], trace.h[1], trace.grad_W[2]], steps["grad_W2"])
    np.testing.assert_allclose(trace.grad_a[2].T @ trace.h[1], trace.grad_W[2])
    second = explain(steps["grad_a2"], trace, index=1)  # per sample, with the 1/B of the mean
    assert "1/3" in second.substituted
    check_line(second.substituted, [Y[1], trace.yhat[1], trace.grad_a[2][1]], steps["grad_a2"])


def test_highlights_and_labels_follow_reads_and_writes(registry):
    network = Network([2, 5, 4, 3], ["relu", "sigmoid"], "softmax_cross_entropy", seed=7)
    trace = run_trace(network, [0.5, -1.5], [0, 0, 1], registry)
    steps = build(trace, include_update=True)
    sizes = network.sizes
    for step in steps:
        hl = highlight(step, sizes)
        neuron_layers = {k for k, _ in hl.write_neurons}
        assert neuron_layers <= {step.layer}
        assert (hl.write_edge_layers == {step.k}) == any(w.startswith(("W", "grad_W")) for w in step.writes)
        assert hl.direction == ("backward" if step.phase == "backward" else "forward")
    names = [s.quantity for s in steps]
    at = names.index("grad_a2") + 1
    assert neuron_quantities(steps, at, 3)[2] == "grad_a2"  # after ∇h_2, in the true order
    assert neuron_quantities(steps, at - 1, 3)[2] == "grad_h2"
    assert neuron_quantities(steps, 0, 3) == {0: "h0"}  # nothing computed: only the input


def test_element_names_are_stable_text():
    element = Element.parse("W1[3,1]")
    assert element == Element("W1", (3, 1)) and str(element) == "W1[3,1]"
    assert element.latex() == "W_{1,3,1}" and element.text() == "W₁,₃,₁"
    assert Element.parse("grad_h2[1]").text() == "∂L/∂h₂,₁"
    assert Element.parse(" loss ") == Element("loss")
    for bad in ("W1[0,1]", "W1[", "1W"):
        with pytest.raises(ValueError):
            Element.parse(bad)


def test_element_view_of_each_kind(textbook, registry):
    network, _ = textbook
    trace = run_trace(network, [2, 5, 3], [1, 0], registry)
    steps = {s.quantity: s for s in build(trace, include_update=True)}
    cases = {("a2", ("neuron", 2, 0)): trace.a[2][0, 0], ("h1", ("neuron", 1, 2)): trace.h[1][0, 2],
             ("yhat", ("neuron", 3, 1)): trace.yhat[0, 1], ("grad_a3", ("neuron", 3, 1)): trace.grad_a[3][0, 1],
             ("grad_W1", ("weight", 1, 2, 0)): trace.grad_W[1][2, 0], ("grad_b2", ("bias", 2, 1)): trace.grad_b[2][1],
             ("grad_h1", ("neuron", 1, 2)): trace.grad_h[1][0, 2], ("grad_a1", ("neuron", 1, 2)): trace.grad_a[1][0, 2],
             ("W2", ("weight", 2, 0, 2)): network.W(2)[0, 2] - 0.1 * trace.grad_W[2][0, 2],
             ("W2", ("bias", 2, 1)): network.b(2)[1] - 0.1 * trace.grad_b[2][1]}
    for (name, selection), value in cases.items():
        view = element_view(steps[name], trace, selection)
        assert view.result == pytest.approx(value, abs=1e-15), name
        assert view.numbers.endswith(number(value)), (name, view.numbers)
    with pytest.raises(NotAnElement, match="layer 2"):
        element_view(steps["grad_h2"], trace, ("neuron", 1, 0))
    with pytest.raises(NotAnElement):
        element_view(steps["loss"], trace, ("neuron", 3, 0))


BUILT_IN_NAMES = {"softmax_cross_entropy", "squared_error", "binary_cross_entropy", "softmax", "identity"}


def test_no_built_in_loss_name_steers_core_or_the_app():
    """Only the plugins know their names: no string constant in core/ or desktop_app/ names a
    built-in loss or output function (defaults for a new network live in the model and files)."""
    allowed = {ROOT / "core/engine/network.py", ROOT / "core/cli/new.py", ROOT / "desktop_app/files.py"}
    offenders = []
    for folder in ("core", "desktop_app"):
        for path in (ROOT / folder).rglob("*.py"):
            if path in allowed:
                continue
            tree = ast.parse(path.read_text())
            docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                          if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                          and node.body and isinstance(node.body[0], ast.Expr)
                          and isinstance(node.body[0].value, ast.Constant)}
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                    if set(re.findall(r"[a-z_]+", node.value)) & BUILT_IN_NAMES:
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert not offenders, offenders


def test_a_plugin_whose_words_are_not_text_falls_back(plugin_host):
    module = types.ModuleType("odd_words_plugin")

    @hookimpl
    def register_losses(register):
        register(name="odd_words", output=lambda a: a, value=lambda y, yhat: ((y - yhat) ** 2).sum(axis=1),
                 gradient=lambda y, yhat, a: -2 * (y - yhat), gradient_formula=r"\nabla_{a_L} L = -2(y - \hat{y})",
                 explanation=42, gradient_element_formula=None)

    module.register_losses = register_losses
    record = plugin_host.add_plugin(module, "odd_words_plugin")
    assert record.state == "loaded", record.error
    trace = run_trace(Network([2, 2], [], "odd_words"), [1, 2], [0, 1], plugin_host.registry)
    steps = {s.quantity: s for s in build(trace)}
    assert explain(steps["loss"], trace).meaning.startswith("The loss measures")
    view = element_view(steps["grad_a1"], trace, ("neuron", 1, 0))
    assert view.result == pytest.approx(trace.grad_a[1][0, 0])
    with pytest.raises(NotAnElement):
        element_view(steps["grad_a1"], trace, ("neuron", 1, 5))


def test_an_activation_plugins_formulas_are_in_its_steps_words(plugin_host):
    module = types.ModuleType("softsign_words_plugin")

    @hookimpl
    def register_activations(register):
        register(name="softsign", fn=lambda a: a / (1 + np.abs(a)), derivative=lambda a: 1 / (1 + np.abs(a)) ** 2,
                 formula=r"g(a) = \frac{a}{1 + |a|}", derivative_formula=r"g'(a) = \frac{1}{(1 + |a|)^2}")

    module.register_activations = register_activations
    assert plugin_host.add_plugin(module, "softsign_words_plugin").state == "loaded"
    trace = run_trace(Network([2, 3, 2], ["softsign"]), [1, -2], [1, 0], plugin_host.registry)
    steps = {s.quantity: s for s in build(trace)}
    assert "softsign, g(a) = a/(1 + |a|)," in explain(steps["h1"], trace).meaning
    assert "g′(a) = 1/((1 + |a|)²)" in explain(steps["grad_a1"], trace).meaning
    assert explain(steps["h1"], trace).substituted.startswith("h₁ = g(a₁) = softsign([")
