"""Tests of the built-in optimizer plugin (plugins/optimizers.py).

Each optimizer is compared over three steps with an independent element-by-element
re-implementation of the published (PyTorch ``torch.optim``) update rules.
"""

import math

import numpy as np
import pytest

from plugins import optimizers

EXPECTED_DEFAULTS = {
    "sgd": {"lr": 0.1},
    "momentum": {"lr": 0.1, "momentum": 0.9},
    "nesterov": {"lr": 0.1, "momentum": 0.9},
    "adagrad": {"lr": 0.1, "eps": 1e-8},
    "rmsprop": {"lr": 0.01, "alpha": 0.99, "eps": 1e-8},
    "adam": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
}


def _collect():
    specs = {}

    def register(name, factory, defaults, **kw):
        specs[name] = dict(factory=factory, defaults=defaults, **kw)

    optimizers.register_optimizers(register=register)
    return specs


SPECS = _collect()


# --- reference implementations: one scalar parameter, state in a dict ----------

def ref_sgd(theta, g, s, lr):
    return theta - lr * g


def ref_momentum(theta, g, s, lr, momentum):
    s["v"] = momentum * s.get("v", 0.0) - lr * g
    return theta + s["v"]


def ref_nesterov(theta, g, s, lr, momentum):
    # torch.optim.SGD(nesterov=True): buf = g on the first step, then mu*buf + g
    s["buf"] = g if "buf" not in s else momentum * s["buf"] + g
    return theta - lr * (g + momentum * s["buf"])


def ref_adagrad(theta, g, s, lr, eps):
    s["sum"] = s.get("sum", 0.0) + g * g
    return theta - lr * g / (math.sqrt(s["sum"]) + eps)


def ref_rmsprop(theta, g, s, lr, alpha, eps):
    s["sq"] = alpha * s.get("sq", 0.0) + (1 - alpha) * g * g
    return theta - lr * g / (math.sqrt(s["sq"]) + eps)


def ref_adam(theta, g, s, lr, beta1, beta2, eps):
    s["t"] = t = s.get("t", 0) + 1
    s["m"] = beta1 * s.get("m", 0.0) + (1 - beta1) * g
    s["v"] = beta2 * s.get("v", 0.0) + (1 - beta2) * g * g
    m_hat = s["m"] / (1 - beta1**t)
    v_hat = s["v"] / (1 - beta2**t)
    return theta - lr * m_hat / (math.sqrt(v_hat) + eps)


REFERENCES = {"sgd": ref_sgd, "momentum": ref_momentum, "nesterov": ref_nesterov,
              "adagrad": ref_adagrad, "rmsprop": ref_rmsprop, "adam": ref_adam}


def _reference_run(name, params, grad_steps, hyper):
    """Apply the reference rule element by element; return the parameter lists after each step."""
    flat = [np.ravel(p).tolist() for p in params]
    states = [[{} for _ in f] for f in flat]
    history = []
    for grads in grad_steps:
        for k, g in enumerate(grads):
            gk = np.ravel(g).tolist()
            for i in range(len(flat[k])):
                flat[k][i] = REFERENCES[name](flat[k][i], gk[i], states[k][i], **hyper)
        history.append([np.reshape(f, p.shape) for f, p in zip(flat, params)])
    return history


def _problem(seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    params = [rng.normal(0, 1, (3, 2)).astype(dtype), rng.normal(0, 1, (3,)).astype(dtype)]
    grad_steps = [[rng.normal(0, 1, p.shape).astype(dtype) for p in params] for _ in range(3)]
    return params, grad_steps


def test_registers_every_builtin_with_the_documented_defaults():
    assert set(EXPECTED_DEFAULTS) <= set(SPECS)
    for name, expected in EXPECTED_DEFAULTS.items():
        spec = SPECS[name]
        assert spec["defaults"] == expected
        assert set(spec) == {"factory", "defaults", "description"}
        assert spec["description"]


@pytest.mark.parametrize("name", sorted(EXPECTED_DEFAULTS))
@pytest.mark.parametrize("hyper_kind", ["defaults", "custom"])
def test_first_three_steps_match_reference(name, hyper_kind):
    hyper = dict(EXPECTED_DEFAULTS[name])
    if hyper_kind == "custom":  # larger steps make differences visible
        hyper = {k: (0.3 if k == "lr" else 0.5 if k != "eps" else 1e-3) for k in hyper}
    params, grad_steps = _problem()
    expected = _reference_run(name, params, grad_steps, hyper)
    opt = SPECS[name]["factory"](**hyper)
    arrays = [p.copy() for p in params]
    ids = [id(a) for a in arrays]
    for step, grads in enumerate(grad_steps):
        opt.step(arrays, grads)
        assert [id(a) for a in arrays] == ids
        for got, want in zip(arrays, expected[step]):
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-12,
                                       err_msg=f"{name}, step {step + 1}")


@pytest.mark.parametrize("name", sorted(EXPECTED_DEFAULTS))
def test_updates_in_place_and_keeps_float32(name):
    params, grad_steps = _problem(1, np.float32)
    opt = SPECS[name]["factory"]()
    views = [p[...] for p in params]  # views see in-place changes only
    before = [p.copy() for p in params]
    for grads in grad_steps:
        opt.step(params, grads)
    for p, v, b in zip(params, views, before):
        assert p.dtype == np.float32
        assert np.shares_memory(p, v)
        assert not np.array_equal(p, b)
    # state, where there is any, has the parameter's shape and dtype
    for slot in getattr(opt, "_state", []):
        for buf in slot[:-1]:
            assert buf.dtype == np.float32


@pytest.mark.parametrize("name", sorted(EXPECTED_DEFAULTS))
def test_reset_forgets_state(name):
    params, grad_steps = _problem(2)
    opt = SPECS[name]["factory"]()
    fresh = SPECS[name]["factory"]()
    a = [p.copy() for p in params]
    opt.step(a, grad_steps[0])
    opt.reset()
    b, c = [p.copy() for p in params], [p.copy() for p in params]
    opt.step(b, grad_steps[1])
    fresh.step(c, grad_steps[1])
    for x, y in zip(b, c):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("name", sorted(EXPECTED_DEFAULTS))
def test_factory_accepts_exactly_the_default_keywords(name):
    factory, defaults = SPECS[name]["factory"], SPECS[name]["defaults"]
    opt = factory(**defaults)
    for key, value in defaults.items():
        assert getattr(opt, key) == value
    assert callable(opt.step) and callable(opt.reset)
    with pytest.raises(TypeError, match="bogus"):
        factory(bogus=1.0)
    with pytest.raises(TypeError, match="other.*wrong|wrong.*other"):
        factory(lr=0.1, wrong=1.0, other=2.0)


@pytest.mark.parametrize("name,bad", [("sgd", {"lr": -1.0}), ("momentum", {"momentum": 1.5}),
                                      ("adam", {"eps": 0.0}), ("rmsprop", {"lr": float("nan")})])
def test_factory_rejects_invalid_values(name, bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        SPECS[name]["factory"](**bad)


@pytest.mark.parametrize("name", sorted(EXPECTED_DEFAULTS))
@pytest.mark.parametrize("first_shapes", [[(2, 2), (2,)], [(2, 2), (2,), (1, 2), (2,)]])
def test_state_follows_a_changed_network(name, first_shapes):
    opt = SPECS[name]["factory"]()
    opt.step([np.zeros(s) for s in first_shapes], [np.ones(s) for s in first_shapes])
    params = [np.zeros((3, 2)), np.zeros(3), np.zeros((1, 3)), np.zeros(1)]
    opt.step(params, [np.ones_like(p) for p in params])
    fresh_params = [np.zeros_like(p) for p in params]
    SPECS[name]["factory"]().step(fresh_params, [np.ones_like(p) for p in params])
    for p, q in zip(params, fresh_params):
        np.testing.assert_array_equal(p, q)


@pytest.mark.parametrize("name", sorted(EXPECTED_DEFAULTS))
def test_mismatched_lists_are_an_error(name):
    with pytest.raises(ValueError):
        SPECS[name]["factory"]().step([np.zeros(2), np.zeros(2)], [np.zeros(2)])
