#!/usr/bin/env python3
"""Regenerates golden/model.json: the chapter's forward pass, loss, gradients, clipping and greedy
prediction on small fixed parameters, computed independently in NumPy (float64).

The math is the chapter's (In [13] rnn, In [15] predict_rnn, In [16] grad_clipping, In [17] loss):
    H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h),  Y_t = H_t W_hy + b_y,
    loss = sum over steps and batch of softmax cross-entropy(Y_t, label_t),
with the gradients by back-propagation through time. Run from the repository root:

    python3 golden/make_model_golden.py
"""
import json
import numpy as np

VOCAB = list("abcdefg")
V, H, B, T = len(VOCAB), 5, 3, 4
SEED, SCALE = 3, 0.5


def params():
    rng = np.random.RandomState(SEED)
    draw = lambda *shape: rng.normal(0, SCALE, shape).astype(np.float32).astype(np.float64)
    return {"W_xh": draw(V, H), "W_hh": draw(H, H), "b_h": draw(H), "W_hy": draw(H, V), "b_y": draw(V)}


def one_hot(idx):
    return np.eye(V)[idx]


def rnn(inputs, state, p):
    h, hs, outputs = state, [], []
    for x in inputs:
        h = np.tanh(x @ p["W_xh"] + h @ p["W_hh"] + p["b_h"])
        hs.append(h)
        outputs.append(h @ p["W_hy"] + p["b_y"])
    return outputs, h, hs


def loss_and_grads(data, label, state, p):
    data, label = np.array(data), np.array(label)
    inputs = [one_hot(data[:, t]) for t in range(T)]
    outputs, h_last, hs = rnn(inputs, state, p)
    g = {k: np.zeros_like(v) for k, v in p.items()}
    loss, dh_next = 0.0, np.zeros((B, H))
    for t in reversed(range(T)):
        y = outputs[t]
        prob = np.exp(y - y.max(axis=1, keepdims=True))
        prob /= prob.sum(axis=1, keepdims=True)
        target = one_hot(label[:, t])
        loss += -np.sum(target * np.log(prob))
        dy = prob - target
        g["W_hy"] += hs[t].T @ dy
        g["b_y"] += dy.sum(axis=0)
        dh = dy @ p["W_hy"].T + dh_next
        dz = dh * (1 - hs[t] ** 2)
        h_prev = hs[t - 1] if t > 0 else state
        g["W_xh"] += inputs[t].T @ dz
        g["W_hh"] += h_prev.T @ dz
        g["b_h"] += dz.sum(axis=0)
        dh_next = dz @ p["W_hh"].T
    return outputs, h_last, loss, g


def grad_clipping(grads, theta):
    norm = np.sqrt(sum(np.sum(v ** 2) for v in grads.values()))
    scale = theta / norm if norm > theta else 1.0
    return {k: v * scale for k, v in grads.items()}, norm


def predict_rnn(prefix, num_chars, p):
    char_to_idx = {c: i for i, c in enumerate(VOCAB)}
    state = np.zeros((1, H))
    output = [char_to_idx[prefix[0]]]
    for i in range(num_chars + len(prefix)):
        outputs, state, _ = rnn([one_hot([output[-1]])], state, p)
        if i < len(prefix) - 1:
            output.append(char_to_idx[prefix[i + 1]])
        else:
            output.append(int(outputs[0][0].argmax()))
    return "".join(VOCAB[i] for i in output)


def flat(a):
    return [float(x) for x in np.asarray(a).ravel()]


def main():
    p = params()
    data = [[0, 3, 5, 1], [6, 6, 2, 0], [4, 1, 1, 3]]
    label = [[3, 5, 1, 2], [6, 2, 0, 4], [1, 1, 3, 6]]
    state = np.tanh(np.arange(B * H).reshape(B, H) / 7.0 - 1.0)  # a non-zero carried state
    outputs, h_last, loss, grads = loss_and_grads(data, label, state, p)
    clipped, norm = grad_clipping(grads, 1.0)
    out = {
        "generator": "python3 golden/make_model_golden.py (NumPy %s, float64)" % np.__version__,
        "vocab": VOCAB,
        "hidden": H,
        "params": {k: {"shape": list(v.shape), "data": flat(v)} for k, v in p.items()},
        "data": data,
        "label": label,
        "state": {"shape": [B, H], "data": flat(state)},
        "outputs": {"shape": [T, B, V], "data": flat(outputs)},
        "finalState": {"shape": [B, H], "data": flat(h_last)},
        "lossSum": float(loss),
        "grads": {k: flat(v) for k, v in grads.items()},
        "gradNorm": float(norm),
        "clipTheta": 1.0,
        "clipped": {k: flat(v) for k, v in clipped.items()},
        "predictions": [{"prefix": pr, "numChars": n, "text": predict_rnn(pr, n, p)}
                        for pr, n in [("a", 0), ("ab", 6), ("gfe", 10)]],
    }
    with open("golden/model.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote golden/model.json")


if __name__ == "__main__":
    main()
