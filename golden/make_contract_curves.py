#!/usr/bin/env python3
"""Regenerates golden/contract_curves.json: the chapter's training run in float64, written in NumPy
independently of the TypeScript code, for the curves every backend and trainer must reproduce.

The contract (docs/reproducing.md) is the chapter's In [17] `train_and_predict_rnn`:
- the random sampler (In [6], make_goldens.py's copy of the chapter's code) shuffles its examples
  once per epoch with Python's generator seeded once per run, `random.seed(seed)` (the same numbers
  as `random.Random(seed)`); the consecutive sampler (In [8]) takes none;
- one `numpy.random.RandomState(seed)` draws W_xh, W_hh, W_hy with `normal(0, 0.01)`, each rounded
  to float32 (the only float32 step); the biases start at zero;
- H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h), Y_t = H_t W_hy + b_y; the loss is the softmax
  cross-entropy SUMMED over steps and sequences, back-propagated through the minibatch's steps;
- the gradients are clipped to a global L2 norm of theta, then SGD: p <- p - lr * g (no division
  by the batch size);
- the state starts at zero before every minibatch (random sampler), or once per epoch and is
  carried, detached, from minibatch to minibatch (consecutive sampler);
- perplexity = exp(summed loss of the epoch / number of predicted characters).
Everything after the draws is float64, so these curves are what the float32 engines approximate.

Which cases: for each preset and sampler, the first three seeds of SEEDS whose curve is
well-conditioned. Each float32 engine rounds differently, and training carries the differences
forward; how far they can carry a curve is measured here in float64 itself, by rerunning it with
every parameter perturbed by a float32 rounding's size before each step. A case where that moves
the curve by more than a tenth of the tolerance is listed as ill-conditioned instead: there no
engine can be held to the tolerance, however it sums.

It needs NumPy; the plain `python3` of a fresh machine has none, so run Debian's (after
`apt-get install python3-numpy`), from the repository root:

    /usr/bin/python3 golden/make_contract_curves.py [--data ../shared/data]
    /usr/bin/python3 golden/make_contract_curves.py --curve --iter random --seed 7 [--epochs 2]
                                                    [--preset chapter|small] [--data DIR]

The first writes the golden; the second prints one curve as JSON (e.g. --epochs 200 for the
chapter's whole run).
"""
import argparse
import json
import math
import random
import sys

import numpy as np

sys.dont_write_bytecode = True  # no golden/__pycache__ from the import below
from make_goldens import data_iter_consecutive, data_iter_random, read_corpus  # noqa: E402 (the chapter's In [1]-[8])

# The chapter's In [18]-[19] (src/train/config.ts's CHAPTER_PRESET), and the small preset the tests
# run in seconds (SMALL_PRESET). The TypeScript tests check that these equal the presets.
PRESETS = {
    "chapter": {"corpusChars": 20000, "hidden": 256, "batchSize": 32, "numSteps": 35},
    "small": {"corpusChars": 2000, "hidden": 32, "batchSize": 8, "numSteps": 10},
}
LR, THETA = 0.2, 5.0
EPOCHS = 2
# How close every engine must come (src/verify/contract.ts), relative, at epochs 1 and 2.
TOLERANCE = {"chapter": 1e-5, "small": 1e-6}
# The seeds tried, in order, for each preset and sampler; the first KEEP well-conditioned ones are
# the golden's cases. A case is well-conditioned when float32-sized noise moves its float64 curve
# by at most a tenth of the tolerance: no engine that rounds to float32 can be held closer to a
# curve than the curve itself is determined.
SEEDS = [0, 7, 11, 1, 2, 3, 4, 5, 6, 8, 9, 10]
KEEP = 3
NOISE_DRAWS = 5


def corpus_indices(data_dir, corpus_chars):
    """The 2017 corpus's first corpus_chars characters as indices, and the vocab's size."""
    _, idx_to_char, indices = read_corpus(data_dir, "2017", corpus_chars)
    return indices, len(idx_to_char)


def init_params(vocab, hidden, seed, dtype):
    """In [12] with the project's generator: float64 draws rounded to float32, zero biases."""
    state = np.random.RandomState(seed)
    draw = lambda rows, cols: state.normal(0, 0.01, (rows, cols)).astype(np.float32).astype(dtype)
    w_xh, w_hh, w_hy = draw(vocab, hidden), draw(hidden, hidden), draw(hidden, vocab)
    zeros = lambda n: np.zeros(n, dtype)
    return {"W_xh": w_xh, "W_hh": w_hh, "b_h": zeros(hidden), "W_hy": w_hy, "b_y": zeros(vocab)}


def loss_and_grads(p, h0, data, label):
    """The summed loss, its gradients by BPTT over the minibatch, and the last state."""
    x, y = np.array(data), np.array(label)  # batch x steps
    batch, steps = x.shape
    hs = [h0]
    for t in range(steps):  # one-hot X_t times W_xh is W_xh's rows
        hs.append(np.tanh(p["W_xh"][x[:, t]] + hs[-1] @ p["W_hh"] + p["b_h"]))
    h_all = np.concatenate(hs[1:])  # rows t * batch + b, as nd.concat(*outputs)
    logits = h_all @ p["W_hy"] + p["b_y"]
    targets = y.T.reshape(-1)  # label.T.reshape((-1,))
    rows = np.arange(len(targets))
    top = logits.max(axis=1, keepdims=True)
    log_sum_exp = top + np.log(np.exp(logits - top).sum(axis=1, keepdims=True))
    loss = float(np.sum(log_sum_exp[:, 0] - logits[rows, targets]))
    d_y = np.exp(logits - log_sum_exp)
    d_y[rows, targets] -= 1
    g = {"W_hy": h_all.T @ d_y, "b_y": d_y.sum(axis=0), "W_xh": np.zeros_like(p["W_xh"]),
         "W_hh": np.zeros_like(p["W_hh"]), "b_h": np.zeros_like(p["b_h"])}
    d_h = (d_y @ p["W_hy"].T).reshape(steps, batch, -1)
    d_next = np.zeros_like(h0)
    for t in reversed(range(steps)):
        d_z = (d_h[t] + d_next) * (1 - hs[t + 1] ** 2)
        g["W_hh"] += hs[t].T @ d_z
        g["b_h"] += d_z.sum(axis=0)
        np.add.at(g["W_xh"], x[:, t], d_z)
        d_next = d_z @ p["W_hh"].T
    return loss, g, hs[-1]


def train(corpus, vocab, preset, iter_kind, seed, epochs, dtype=np.float64, noise=None):
    """In [17] train_and_predict_rnn without the predictions: the perplexity of each epoch. With
    `noise` (a RandomState), every parameter is multiplied by 1 + 2^-24 N(0, 1) before each step:
    a perturbation the size of a float32 rounding."""
    cfg = PRESETS[preset]
    batch, steps, hidden = cfg["batchSize"], cfg["numSteps"], cfg["hidden"]
    p = init_params(vocab, hidden, seed, dtype)
    random.seed(seed)  # the chapter's sampler shuffles with the global generator, once per epoch
    curve = []
    for _ in range(epochs):
        batches = (data_iter_random(corpus, batch, steps) if iter_kind == "random"
                   else data_iter_consecutive(corpus, batch, steps))
        h = np.zeros((batch, hidden), dtype)
        total, count = 0.0, 0
        for data, label in batches:
            if iter_kind == "random":
                h = np.zeros((batch, hidden), dtype)
            if noise is not None:
                for k in p:
                    p[k] *= 1 + 2.0 ** -24 * noise.standard_normal(p[k].shape)
            loss, g, h = loss_and_grads(p, h, data, label)
            norm = np.sqrt(sum(np.sum(v ** 2) for v in g.values()))  # In [16]
            scale = THETA / norm if norm > THETA else dtype(1)
            for k in p:
                p[k] -= dtype(LR) * (g[k] * scale)
            total += loss
            count += batch * steps
        curve.append(math.exp(total / count))
    return curve


def sensitivity(corpus, vocab, preset, iter_kind, seed, curve):
    """The largest relative change of each epoch's perplexity over NOISE_DRAWS noisy runs."""
    worst = [0.0] * len(curve)
    for draw in range(NOISE_DRAWS):
        noisy = train(corpus, vocab, preset, iter_kind, seed, len(curve),
                      noise=np.random.RandomState(1000 + draw))
        worst = [max(w, abs(a - b) / b) for w, a, b in zip(worst, noisy, curve)]
    return worst


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--curve", action="store_true", help="print one curve instead of the golden")
    ap.add_argument("--preset", default="chapter", choices=PRESETS)
    ap.add_argument("--iter", default="random", choices=["random", "consecutive"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--dtype", default="float64", choices=["float64", "float32"],
                    help="float32: the same arithmetic in float32, to see what its rounding does")
    args = ap.parse_args()
    if args.curve:
        corpus, vocab = corpus_indices(args.data, PRESETS[args.preset]["corpusChars"])
        curve = train(corpus, vocab, args.preset, args.iter, args.seed, args.epochs,
                      np.dtype(args.dtype).type)
        print(json.dumps({"preset": args.preset, "iter": args.iter, "seed": args.seed,
                          "dtype": args.dtype, "perplexities": curve}))
        return
    cases, rejected = [], []
    for preset in PRESETS:
        corpus, vocab = corpus_indices(args.data, PRESETS[preset]["corpusChars"])
        for it in ["random", "consecutive"]:
            kept = 0
            for seed in SEEDS:
                curve = train(corpus, vocab, preset, it, seed, EPOCHS)
                noise = sensitivity(corpus, vocab, preset, it, seed, curve)
                case = {"name": f"{preset}-{it}-seed-{seed}", "preset": preset, "iter": it,
                        "seed": seed, "epochs": EPOCHS, "perplexities": curve,
                        "sensitivity": noise}
                ok = max(noise) <= TOLERANCE[preset] / 10
                (cases if ok else rejected).append(case)
                print(case["name"], curve, ["%.1e" % x for x in noise], "" if ok else "rejected")
                kept += ok
                if kept == KEEP:
                    break
    out = {
        "generator": "/usr/bin/python3 golden/make_contract_curves.py (NumPy %s, float64)"
                     % np.__version__,
        "dataset": "2017",
        "settings": {"presets": PRESETS, "lr": LR, "theta": THETA, "tolerance": TOLERANCE,
                     "sensitivity": "the largest relative change of each epoch under %d runs with "
                                    "every parameter multiplied by 1 + 2^-24 N(0, 1) before each "
                                    "step; a case is kept when it is at most a tenth of the "
                                    "tolerance" % NOISE_DRAWS},
        "cases": cases,
        "illConditioned": rejected,
    }
    with open("golden/contract_curves.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote golden/contract_curves.json")


if __name__ == "__main__":
    main()
