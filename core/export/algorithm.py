"""The part of the standalone script that is the same for every network: the algorithm.

It is the forward pass, backpropagation and gradient-descent training of docs/math.md (with
the input features h_0 = φ(x) and the penalty λ Σ_k R(W_k) of the network's training setup),
written in the engine's convention (samples are rows, so a_k = b_k + W_k h_{k-1} reads
``h[k - 1] @ W[k].T + b[k]``), and the command line of the script. :mod:`core.export.script`
puts the network's own numbers and its plugins' NumPy source in front of it.
"""

ALGORITHM = '''

def inputs(x):
    """h_0 = φ(x): one column per input feature of the raw inputs x (without features, h_0 = x)."""
    if phi is None:
        return x
    return np.stack([feature(x) for feature in phi], axis=1)  # h_0,j = φ_j(x)


def weight_penalty():
    """λ Σ_k R(W_k): what regularisation adds to the loss (0 without a regularizer)."""
    if penalty is None or not RATE:
        return 0.0
    return RATE * sum(float(penalty(W[k])) for k in range(1, L + 1))  # λ Σ_k R(W_k)


def forward(x):
    """The forward pass: h_0 = φ(x), a_k and h_k for k = 1 … L-1, then a_L and ŷ = O(a_L)."""
    h = {0: inputs(x)}  # h_0 = φ(x), or x itself
    a = {}
    for k in range(1, L):
        a[k] = h[k - 1] @ W[k].T + b[k]  # a_k = b_k + W_k h_{k-1}
        h[k] = g[k](a[k])  # h_k = g(a_k)
    a[L] = h[L - 1] @ W[L].T + b[L]  # a_L = b_L + W_L h_{L-1}
    yhat = output(a[L])  # ŷ = O(a_L)
    return a, h, yhat


def mean_loss(y, yhat, a_L):
    """L: the loss of each sample (row), averaged over the samples, plus the weights' penalty."""
    per_sample = value_from_logits(y, a_L) if value_from_logits is not None else value(y, yhat)
    return float(np.mean(per_sample)) + weight_penalty()  # mean loss + λ Σ_k R(W_k)


def backward(y, a, h, yhat):
    """Backpropagation: ∇a_L, then for k = L … 1: ∇W_k, ∇b_k, ∇h_{k-1} and ∇a_{k-1}."""
    B = len(y)  # the loss is the mean over B samples: every gradient carries 1/B
    grad_a = {L: gradient(y, yhat, a[L]) / B}  # ∇a_L (the loss's gradient, e.g. -(y - ŷ))
    grad_W, grad_b, grad_h = {}, {}, {}
    for k in range(L, 0, -1):
        grad_W[k] = grad_a[k].T @ h[k - 1]  # ∇W_k = ∇a_k h_{k-1}ᵀ (summed over the samples)
        if penalty is not None and RATE:
            grad_W[k] += RATE * penalty_gradient(W[k])  # ∇W_k += λ ∂R/∂W_k
        grad_b[k] = grad_a[k].sum(axis=0)  # ∇b_k = ∇a_k (summed over the samples)
        grad_h[k - 1] = grad_a[k] @ W[k]  # ∇h_{k-1} = W_kᵀ ∇a_k
        if k > 1:
            grad_a[k - 1] = grad_h[k - 1] * g_prime[k - 1](a[k - 1])  # ∇a_{k-1} = ∇h_{k-1} ⊙ g'(a_{k-1})
    return grad_a, grad_W, grad_b, grad_h


def train(X, Y, epochs, lr, batch_size, seed):
    """Gradient descent on mini-batches: W_k ← W_k - η ∇W_k and b_k ← b_k - η ∇b_k.

    The samples are shuffled once per epoch with NumPy's generator seeded with ``seed`` and cut
    into batches in that order, as Backprop Studio does: with its optimizer ``sgd`` and the same
    learning rate, batch size and seed, `backprop-studio train` computes the same numbers.
    """
    rng = np.random.default_rng(seed)
    history = []
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(X))
        X_shuffled, Y_shuffled = X[order], Y[order]
        for start in range(0, len(X), batch_size):
            x, y = X_shuffled[start:start + batch_size], Y_shuffled[start:start + batch_size]
            a, h, yhat = forward(x)
            _, grad_W, grad_b, _ = backward(y, a, h, yhat)
            for k in range(1, L + 1):
                W[k] -= lr * grad_W[k]  # W_k ← W_k - η ∇W_k
                b[k] -= lr * grad_b[k]  # b_k ← b_k - η ∇b_k
        a, h, yhat = forward(X)
        history.append({"epoch": epoch, "train_loss": mean_loss(Y, yhat, a[L])})
    return history


def as_json(value):
    """One sample's vector as a flat list, a batch as its rows, as `backprop-studio trace --json` writes them."""
    value = np.asarray(value)
    if value.ndim == 2 and value.shape[0] == 1:
        value = value[0]
    return value.tolist()


def parameters_json():
    return {name: array.tolist() for k in range(1, L + 1) for name, array in ((f"W{k}", W[k]), (f"b{k}", b[k]))}


def trace(x, y):
    """Every quantity of one forward and backward pass, keyed as in `backprop-studio trace --json`."""
    a, h, yhat = forward(x)
    grad_a, grad_W, grad_b, grad_h = backward(y, a, h, yhat)
    forward_values = {"x": as_json(x)} if phi is not None else {}  # the raw inputs, when h_0 = φ(x)
    forward_values["h0"] = as_json(h[0])
    for k in range(1, L + 1):
        forward_values[f"a{k}"] = as_json(a[k])
        if k < L:
            forward_values[f"h{k}"] = as_json(h[k])
    forward_values["yhat"] = as_json(yhat)
    forward_values["loss"] = mean_loss(y, yhat, a[L])
    if penalty is not None:
        forward_values["penalty"] = weight_penalty()  # λ Σ_k R(W_k), included in the loss
    backward_values = {f"grad_a{L}": as_json(grad_a[L])}
    for k in range(L, 0, -1):
        backward_values[f"grad_W{k}"] = as_json(grad_W[k])
        backward_values[f"grad_b{k}"] = as_json(grad_b[k])
        backward_values[f"grad_h{k - 1}"] = as_json(grad_h[k - 1])
        if k > 1:
            backward_values[f"grad_a{k - 1}"] = as_json(grad_a[k - 1])
    network = {"sizes": SIZES, "activations": ACTIVATIONS, "loss": LOSS}
    if FEATURES is not None:
        network.update(features=FEATURES, input_width=INPUT_WIDTH)
    return {"network": network,
            "parameters": parameters_json(), "forward": forward_values, "backward": backward_values}


def rows(values, width, what):
    """The samples given on the command line as an array of rows (each --input once per sample)."""
    array = np.array(values, dtype=float)
    if array.ndim != 2 or array.shape[1] != width:
        sys.exit(f"error: each {what} needs {width} numbers")
    return array


def read_csv(path):
    """A CSV of numbers, one sample per row: the raw inputs x, then the n_L targets (a header row is skipped)."""
    with open(path, encoding="utf-8") as handle:
        lines = [line.strip() for line in handle if line.strip()]
    try:
        float(lines[0].split(",")[0])
    except (ValueError, IndexError):
        lines = lines[1:]
    data = np.array([[float(v) for v in line.split(",")] for line in lines], dtype=float)
    if data.ndim != 2 or data.shape[1] != INPUT_WIDTH + SIZES[-1]:
        sys.exit(f"error: {path}: each row needs {INPUT_WIDTH} inputs and {SIZES[-1]} targets")
    return data[:, :INPUT_WIDTH], data[:, INPUT_WIDTH:]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\\n\\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", type=float, nargs="+", action="append", metavar="X",
                        help="the input x (once per sample; default: the stored example)")
    parser.add_argument("--target", type=float, nargs="+", action="append", metavar="Y", help="the target y")
    parser.add_argument("--train", metavar="CSV", help="train on a CSV of samples (inputs, then targets)")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--lr", type=float, default=LEARNING_RATE, help="the learning rate η")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the batch order")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    if args.train:
        X, Y = read_csv(args.train)
        history = train(X, Y, args.epochs, args.lr, args.batch_size, args.seed)
        if args.json:
            print(json.dumps({"history": history, "parameters": parameters_json()}))
        else:
            for record in history:
                print(f"epoch {record['epoch']:4d}  train loss {record['train_loss']:.6f}")
        return
    if args.input is None and EXAMPLE is None:
        sys.exit("error: give --input and --target")
    x = rows(args.input, INPUT_WIDTH, "--input") if args.input else np.array([EXAMPLE[0]], dtype=float)
    y = rows(args.target, SIZES[-1], "--target") if args.target else np.array([EXAMPLE[1]], dtype=float)
    if len(x) != len(y):
        sys.exit(f"error: {len(x)} input(s) but {len(y)} target(s)")
    result = trace(x, y)
    if args.json:
        print(json.dumps(result))
        return
    np.set_printoptions(precision=4, suppress=True)
    for phase in ("forward", "backward"):
        for name, values in result[phase].items():
            print(f"{phase:8s} {name:8s} {np.round(np.asarray(values), 4)}")


if __name__ == "__main__":
    main()
'''
