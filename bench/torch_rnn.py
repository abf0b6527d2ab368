#!/usr/bin/env python3
"""The chapter's RNN in PyTorch, with rnnlab's semantics and RNG contract, for `deno task bench`.

Same math as rnnlab's trainers: H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h), Y_t = H_t W_hy + b_y,
softmax cross-entropy SUMMED over batch and steps, gradients clipped to a global L2 norm of theta,
SGD without division by the batch size. Same random numbers: one random.Random(seed) shuffles the
random sampler's examples once per epoch, one numpy.random.RandomState(seed) draws W_xh, W_hh, W_hy
(float64, then float32), zero biases. So its perplexity curve is comparable with rnnlab's, and with
the float64 contract (golden/contract_curves.json).

Three implementations of that math (--impl):
  eager    the chapter's loop op by op: one-hot X_t times W_xh, a product per step;
  nn-rnn   torch.nn.RNN (cuDNN on CUDA, the CPU kernels on MKL or OpenBLAS): the one-hot product is
           an embedding of W_xh (its rows, the same numbers) fed to nn.RNN with an identity input
           weight and a zero second bias, both kept from training; W_hh, b_h, the output layer, the
           loss, the clip and SGD are the same;
  compile  the eager loop under torch.compile (PyTorch 2); where torch has none, it prints
           {"engine": ..., "unavailable": why} and exits 0.
TF32 is off on CUDA (cuDNN's default is on), so every product is a float32 one.

    python3 bench/torch_rnn.py --corpus-indices FILE.json [--impl eager|nn-rnn|compile]
        [--device cpu|cuda] [--iters N] [--warmup N] [--epochs N] [--iter random|consecutive]
        [--end-to-end] [--pred-period 20] [--pred-len 100] [--prefixes 分开,不分开,战争中部队]
        [--hidden 256] [--batch-size 32] [--num-steps 35] [--lr 0.2] [--theta 5] [--seed 0]

Prints one JSON object: ms per iteration over --iters steps after --warmup (when --iters > 0),
tokens/s, and with --epochs N the perplexity of each epoch from the seed. With --end-to-end, those
N epochs are the chapter's whole program (In [17]-[19]): it prints the chapter's lines to stderr
(the perplexity and a prediction per prefix every --pred-period epochs, predict_rnn one prefix and
one character at a time) and reports the loop's seconds and the predictions' share. The corpus
indices, the vocabulary size and (for predictions) the vocabulary come from rnnlab (a JSON file
{"indices": [...], "vocabSize": N, "idxToChar": [...]}), so both sides train on the same data.
"""
import argparse
import ctypes
import itertools
import json
import math
import os
import random
import re
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


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


def data_iter_consecutive(corpus_indices, batch_size, num_steps):
    batch_len = len(corpus_indices) // batch_size
    rows = [corpus_indices[i * batch_len: (i + 1) * batch_len] for i in range(batch_size)]
    for i in range((batch_len - 1) // num_steps):
        j = i * num_steps
        yield [r[j: j + num_steps] for r in rows], [r[j + 1: j + num_steps + 1] for r in rows]


def init_arrays(vocab, hidden, seed):
    state = np.random.RandomState(seed)
    draw = lambda rows, cols: torch.tensor(state.normal(0, 0.01, (rows, cols)).astype(np.float32))
    w_xh, w_hh, w_hy = draw(vocab, hidden), draw(hidden, hidden), draw(hidden, vocab)
    return [w_xh, w_hh, torch.zeros(hidden), w_hy, torch.zeros(vocab)]


class EagerRnn:
    """In [13] `rnn` op by op; `params` are the chapter's [W_xh, W_hh, b_h, W_hy, b_y]."""

    def __init__(self, arrays, device):
        self.params = [p.to(device).requires_grad_() for p in arrays]
        self.vocab = arrays[0].shape[0]

    def forward(self, x, h):
        """x: batch x steps indices; returns the logits (step-major rows) and the last state."""
        w_xh, w_hh, b_h, w_hy, b_y = self.params
        outputs = []
        for t in range(x.shape[1]):
            xt = F.one_hot(x[:, t], self.vocab).float()
            h = torch.tanh(xt @ w_xh + h @ w_hh + b_h)
            outputs.append(h @ w_hy + b_y)
        return torch.cat(outputs, 0), h


class NnRnn:
    """The same math through torch.nn.RNN: an embedding of W_xh, then nn.RNN, then W_hy, b_y."""

    def __init__(self, arrays, device):
        w_xh, w_hh, b_h, w_hy, b_y = arrays
        hidden = w_hh.shape[0]
        self.rnn = torch.nn.RNN(hidden, hidden, nonlinearity="tanh").to(device)
        with torch.no_grad():
            self.rnn.weight_ih_l0.copy_(torch.eye(hidden))  # the embedding is X_t W_xh already
            self.rnn.weight_hh_l0.copy_(w_hh.t())  # nn.RNN computes h W_hhᵀ
            self.rnn.bias_ih_l0.copy_(b_h)
            self.rnn.bias_hh_l0.zero_()  # one bias, as the chapter's
        self.rnn.weight_ih_l0.requires_grad_(False)
        self.rnn.bias_hh_l0.requires_grad_(False)
        self.w_xh = w_xh.to(device).requires_grad_()
        self.w_hy = w_hy.to(device).requires_grad_()
        self.b_y = b_y.to(device).requires_grad_()
        # The chapter's five parameters (W_hh as its transpose), in its order.
        self.params = [self.w_xh, self.rnn.weight_hh_l0, self.rnn.bias_ih_l0, self.w_hy, self.b_y]

    def forward(self, x, h):
        inputs = F.embedding(x.t(), self.w_xh)  # steps x batch x hidden: X_t W_xh for every t
        out, h_n = self.rnn(inputs, h.unsqueeze(0))
        return out.reshape(-1, out.shape[2]) @ self.w_hy + self.b_y, h_n[0]


def train_step(model, forward, data, label, h, args):
    """One minibatch: forward, summed loss, backward, clip to a global norm, SGD (In [17])."""
    y = torch.tensor(label, device=h.device)
    logits, h_last = forward(torch.tensor(data, device=h.device), h)
    loss = F.cross_entropy(logits, y.t().reshape(-1), reduction="sum")
    for p in model.params:
        p.grad = None
    loss.backward()
    with torch.no_grad():
        norm = torch.sqrt(sum((p.grad ** 2).sum() for p in model.params))
        scale = torch.clamp(args.theta / norm, max=1.0)
        for p in model.params:
            p -= args.lr * p.grad * scale
    return loss, h_last.detach()


def predict_rnn(prefix, num_chars, model, idx_to_char, char_to_idx, device):
    """In [15] `predict_rnn`: one prefix, one character at a time, the argmax read back each time."""
    prefix = prefix.lower()
    h = torch.zeros(1, model.params[1].shape[0], device=device)
    output = [char_to_idx[prefix[0]]]
    with torch.no_grad():
        for i in range(num_chars + len(prefix)):
            logits, h = model.forward(torch.tensor([[output[-1]]], device=device), h)
            output.append(char_to_idx[prefix[i + 1]] if i < len(prefix) - 1 else int(logits.argmax(1)))
    return "".join(idx_to_char[i] for i in output)


def make_model(args, vocab, device):
    arrays = init_arrays(vocab, args.hidden, args.seed)
    if args.impl == "nn-rnn":
        model = NnRnn(arrays, device)
        return model, model.forward
    model = EagerRnn(arrays, device)
    return model, (torch.compile(model.forward) if args.impl == "compile" else model.forward)


def train_epochs(args, corpus, device, sync):
    """--epochs N from the seed: the perplexity of each, and with --end-to-end the chapter's lines."""
    indices, vocab = corpus["indices"], corpus["vocabSize"]
    idx_to_char = corpus.get("idxToChar")
    char_to_idx = {c: i for i, c in enumerate(idx_to_char or [])}
    model, forward = make_model(args, vocab, device)
    rng = random.Random(args.seed)
    curve, predict_seconds = [], 0.0
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        total, count = 0.0, 0
        h = torch.zeros(args.batch_size, args.hidden, device=device)
        batches = (data_iter_random(indices, args.batch_size, args.num_steps, rng)
                   if args.iter == "random" else
                   data_iter_consecutive(indices, args.batch_size, args.num_steps))
        for data, label in batches:
            if args.iter == "random":
                h = torch.zeros(args.batch_size, args.hidden, device=device)
            loss, h = train_step(model, forward, data, label, h, args)
            total += loss.item()
            count += args.batch_size * args.num_steps
        curve.append(math.exp(total / count))
        if args.end_to_end and epoch % args.pred_period == 0:
            began = time.perf_counter()
            texts = [predict_rnn(p, args.pred_len, model, idx_to_char, char_to_idx, device)
                     for p in args.prefixes.split(",")]
            predict_seconds += time.perf_counter() - began
            print(f"Epoch {epoch}. Perplexity {curve[-1]:.6f}", file=sys.stderr)
            for text in texts:
                print(f" -  {text}", file=sys.stderr)
    sync()
    return {
        "perplexities": curve,
        "seconds": time.perf_counter() - start,
        "predictionSeconds": predict_seconds,
    }


def time_steps(args, corpus, device, sync):
    """The first step (with the device's work done) apart, then --warmup more, then --iters timed:
    ms per minibatch over them, and each timed step's ms as the host saw it."""
    indices, vocab = corpus["indices"], corpus["vocabSize"]
    model, forward = make_model(args, vocab, device)
    rng = random.Random(args.seed)
    # The random sampler epoch after epoch, each batch made as it is taken.
    batches = itertools.chain.from_iterable(
        data_iter_random(indices, args.batch_size, args.num_steps, rng) for _ in itertools.count())

    def run(steps):
        """The next `steps` minibatches, each from a zero state, then the device's work done;
        returns each step's ms on the host (on a GPU, until its work was queued)."""
        step_ms = []
        for data, label in itertools.islice(batches, steps):
            began = time.perf_counter()
            h = torch.zeros(args.batch_size, args.hidden, device=device)
            train_step(model, forward, data, label, h, args)
            step_ms.append((time.perf_counter() - began) * 1000)
        sync()
        return step_ms

    start = time.perf_counter()
    run(1)
    first_ms = (time.perf_counter() - start) * 1000
    run(args.warmup)
    start = time.perf_counter()
    step_ms = run(args.iters)
    ms = (time.perf_counter() - start) * 1000 / args.iters
    return {"msPerIteration": ms, "stepMs": step_ms, "firstStepMs": first_ms}


def loaded_libraries():
    """The shared libraries this process has mapped (Linux), by path."""
    try:
        with open("/proc/self/maps") as maps:
            return sorted({line.split()[-1] for line in maps if len(line.split()) >= 6})
    except OSError:
        return []


def openblas_report(libraries):
    """OpenBLAS's own account of itself (its build, the kernel it chose, its threads), when loaded."""
    for path in libraries:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_config.restype = ctypes.c_char_p
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return {"config": lib.openblas_get_config().decode().strip(),
                    "core": lib.openblas_get_corename().decode(),
                    "threads": lib.openblas_get_num_threads()}
        except (OSError, AttributeError):
            continue
    return None


def fingerprint(device):
    """What ran: torch's version, device and threads, and the BLAS it really loaded."""
    config = torch.__config__.show()
    found = lambda pattern, text: (re.search(pattern, text) or [None, None])[1]
    blas = [p for p in loaded_libraries() if re.search(r"blas|mkl", os.path.basename(p))]
    cuda = device.type == "cuda"
    return {
        "version": torch.__version__,
        "device": str(device),
        "threads": torch.get_num_threads(),
        "interopThreads": torch.get_num_interop_threads(),
        "parallelBackend": found(r"ATen parallel backend: (.+)", torch.__config__.parallel_info()),
        "cpuCapability": found(r"CPU capability usage: (\w+)", config),
        "blasInfo": found(r"BLAS_INFO=([^,]+)", config),
        "blasLibraries": blas,
        "openblas": openblas_report(blas),
        "cuda": torch.version.cuda if cuda else None,
        "cudnn": torch.backends.cudnn.version() if cuda else None,
        "gpu": torch.cuda.get_device_name(device) if cuda else None,
    }


def engine_name(args, device):
    lib = {"eager": "eager", "nn-rnn": "nn.RNN", "compile": "torch.compile"}[args.impl]
    if device.type == "cuda":
        backend = f"cuDNN {torch.backends.cudnn.version()}" if args.impl == "nn-rnn" else "CUDA"
        where = f"{backend}, {torch.cuda.get_device_name(device)}, TF32 off"
    else:
        where = f"cpu, {torch.get_num_threads()} threads"
    return f"PyTorch {torch.__version__} {lib} ({where})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus-indices")
    ap.add_argument("--impl", choices=["eager", "nn-rnn", "compile"], default="eager")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--iters", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=0)
    ap.add_argument("--iter", choices=["random", "consecutive"], default="random")
    ap.add_argument("--end-to-end", action="store_true")
    ap.add_argument("--pred-period", type=int, default=20)
    ap.add_argument("--pred-len", type=int, default=100)
    ap.add_argument("--prefixes", default="分开,不分开,战争中部队")
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--num-steps", type=int, default=35)
    ap.add_argument("--lr", type=float, default=0.2)
    ap.add_argument("--theta", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--fingerprint", action="store_true", help="print only what would run")
    args = ap.parse_args()
    device = torch.device(args.device)
    torch.set_num_threads(len(os.sched_getaffinity(0)))  # every core this process may use
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    if args.fingerprint:
        print(json.dumps(fingerprint(device)))
        return
    corpus = json.load(open(args.corpus_indices))
    result = {"engine": engine_name(args, device), "fingerprint": fingerprint(device)}
    if args.impl == "compile" and not hasattr(torch, "compile"):
        result["unavailable"] = f"PyTorch {torch.__version__} has no torch.compile (it came in 2.0)"
        print(json.dumps(result))
        return
    if args.iters > 0:
        timing = time_steps(args, corpus, device, sync)
        ms = timing["msPerIteration"]
        result.update(timing, tokensPerSecond=args.batch_size * args.num_steps / (ms / 1000))
    if args.epochs:
        result.update(train_epochs(args, corpus, device, sync))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
