#!/usr/bin/env python3
"""The chapter's RNN in PyTorch, with rnnlab's semantics and RNG contract, for `deno task bench`.

Same math as rnnlab's reference trainer: one-hot inputs, H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h),
Y_t = H_t W_hy + b_y, softmax cross-entropy SUMMED over batch and steps, gradients clipped to a
global L2 norm of theta, SGD without division by the batch size. Same random numbers: one
random.Random(seed) shuffles the random sampler's examples once per epoch, one
numpy.random.RandomState(seed) draws W_xh, W_hh, W_hy (float64, then float32), zero biases. So
its perplexity curve is comparable with rnnlab's.

    python3 bench/torch_rnn.py --corpus-indices FILE.json [--device cpu|cuda] [--iters N]
                               [--warmup N] [--epochs N] [--hidden 256] [--batch-size 32]
                               [--num-steps 35] [--lr 0.2] [--theta 5] [--seed 0]

Prints one JSON object: ms per iteration (after warm-up), tokens/s, and the perplexity of each
full epoch when --epochs is given. The corpus indices and vocabulary size come from rnnlab (a JSON
file {"indices": [...], "vocabSize": N}), so both sides train on the same data.
"""
import argparse
import json
import math
import os
import random
import time

import numpy as np
import torch


def data_iter_random(corpus_indices, batch_size, num_steps, rng):
    num_examples = (len(corpus_indices) - 1) // num_steps
    epoch_size = num_examples // batch_size
    example_indices = list(range(num_examples))
    rng.shuffle(example_indices)
    for i in range(epoch_size):
        batch_indices = example_indices[i * batch_size: (i + 1) * batch_size]
        data = [corpus_indices[j * num_steps: j * num_steps + num_steps] for j in batch_indices]
        label = [corpus_indices[j * num_steps + 1: j * num_steps + 1 + num_steps] for j in batch_indices]
        yield data, label


def init_params(vocab, hidden, seed, device):
    state = np.random.RandomState(seed)
    draw = lambda rows, cols: torch.tensor(state.normal(0, 0.01, (rows, cols)).astype(np.float32))
    w_xh, w_hh, w_hy = draw(vocab, hidden), draw(hidden, hidden), draw(hidden, vocab)
    params = [w_xh, w_hh, torch.zeros(hidden), w_hy, torch.zeros(vocab)]
    return [p.to(device).requires_grad_() for p in params]


def train_step(params, data, label, args, vocab, device):
    w_xh, w_hh, b_h, w_hy, b_y = params
    x = torch.tensor(data, device=device)
    y = torch.tensor(label, device=device)
    h = torch.zeros(x.shape[0], args.hidden, device=device)
    outputs = []
    for t in range(x.shape[1]):
        xt = torch.nn.functional.one_hot(x[:, t], vocab).float()
        h = torch.tanh(xt @ w_xh + h @ w_hh + b_h)
        outputs.append(h @ w_hy + b_y)
    logits = torch.cat(outputs, 0)
    loss = torch.nn.functional.cross_entropy(logits, y.t().reshape(-1), reduction="sum")
    for p in params:
        p.grad = None
    loss.backward()
    with torch.no_grad():
        norm = torch.sqrt(sum((p.grad ** 2).sum() for p in params))
        scale = torch.clamp(args.theta / norm, max=1.0)
        for p in params:
            p -= args.lr * p.grad * scale
    return loss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus-indices", required=True)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--iters", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=0)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--num-steps", type=int, default=35)
    ap.add_argument("--lr", type=float, default=0.2)
    ap.add_argument("--theta", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    corpus = json.load(open(args.corpus_indices))
    indices, vocab = corpus["indices"], corpus["vocabSize"]
    device = torch.device(args.device)
    torch.set_num_threads(len(os.sched_getaffinity(0)))  # every core this process may use
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)

    params = init_params(vocab, args.hidden, args.seed, device)
    rng = random.Random(args.seed)
    batches = []
    while len(batches) < args.warmup + args.iters:
        batches += list(data_iter_random(indices, args.batch_size, args.num_steps, rng))
    for data, label in batches[:args.warmup]:
        train_step(params, data, label, args, vocab, device)
    sync()
    start = time.perf_counter()
    for data, label in batches[args.warmup:args.warmup + args.iters]:
        train_step(params, data, label, args, vocab, device)
    sync()
    ms = (time.perf_counter() - start) * 1000 / args.iters

    curve = []
    if args.epochs:
        params = init_params(vocab, args.hidden, args.seed, device)
        rng = random.Random(args.seed)
        for _ in range(args.epochs):
            total, count = 0.0, 0
            for data, label in data_iter_random(indices, args.batch_size, args.num_steps, rng):
                total += train_step(params, data, label, args, vocab, device).item()
                count += args.batch_size * args.num_steps
            curve.append(math.exp(total / count))
    print(json.dumps({
        "engine": f"PyTorch {torch.__version__} ({device.type}, {torch.get_num_threads()} threads)",
        "msPerIteration": ms,
        "tokensPerSecond": args.batch_size * args.num_steps / (ms / 1000),
        "perplexities": curve,
    }))


if __name__ == "__main__":
    main()
