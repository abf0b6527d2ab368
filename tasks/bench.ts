/**
 * `deno task bench`: see `USAGE` below, which `--help` prints.
 *
 * @module
 */

import { BENCH_FLAGS, benchTask } from "../src/bench/cli.ts";
import { parseFlags } from "../src/cli/flags.ts";
import { runMain } from "../src/cli/main.ts";
import { PATHS_HELP } from "../src/cli/paths.ts";

/** The usage and description that `--help` prints. */
const USAGE = `deno task bench [--preset chapter|small] [--iters N] [--warmup N] [--repeat N]
                [--backends wasm,cpu,webgpu] [--trainers reference,batched,fused] [--threads 1,2]
                [--torch auto|none|PYTHON] [--torch-device cpu|cuda]
                [--torch-impls eager,nn-rnn,compile] [--results DIR] [--json]
                [--require-quiet] [--baseline FILE [--gate-margin PCT]] [--save-baseline]
deno task bench --end-to-end [--epochs N] [--repeat N] [--preset chapter|small] [--backends ...]
                [--trainers auto|reference|batched|fused,...] [--threads ...] [--torch ...]
                [--torch-device ...] [--torch-impls ...] [--results DIR] [--json]
                [--require-quiet] [--baseline FILE [--gate-margin PCT]] [--save-baseline]

Times the chapter's training step on each backend and trainer available, and the same math in
PyTorch on the same machine in the same run when a Python with torch exists (--torch auto: the
first of python3 and /usr/bin/python3 that imports torch; none: skip it): its eager loop, the
chapter's loop op by op; torch.nn.RNN (cuDNN on CUDA); and torch.compile where that exists (else a
row saying why).

By default: wasm and cpu, plus webgpu when the adapter is a hardware one; every trainer (the fused
one on webgpu only); on wasm, the large products on every core (--threads 1,2 times each count);
each engine's first step timed apart, then 1 warm-up and 5 timed iterations, the losses read back
once an epoch as in training; PyTorch on cuda when webgpu is timed, else on cpu. --repeat N runs
every engine N times, interleaved (A B A B ...): each time is the median of the rounds with a 95 %
bootstrap interval, and each ratio to PyTorch is taken round by round. The last round profiles
one more step per trainer (on webgpu, the GPU's time by timestamp queries). Results go to
--results DIR (default runs/bench/ in the project) as JSON and a Markdown table, named by date and
time, backends and preset (train-<date>-<time>-<backends>-<preset>), never over an earlier
result; --json prints the JSON instead of the table. Every result records the load it ran under
and a fingerprint of what ran (the machine, Deno, V8, tfjs, the commit, the WebGPU adapter,
PyTorch's version, threads and BLAS, the OPENBLAS_/OMP_ variables).

The machine: above 0.3 load per core at the start (the load average, or other processes' CPU),
the result is marked noisy; with --require-quiet the bench refuses to start instead (exit code 4).
--baseline FILE compares with an earlier result of the same benchmark and fingerprint: exit code 1
when an rnnlab time is slower than the baseline's interval and more than --gate-margin PCT
(default 10) above its median, 2 when the fingerprints (or the benchmark) differ, checked before
anything runs. --save-baseline also writes the result as this
machine's baseline in DIR, baseline-<kind>-<preset>-<machine>.json (refused when noisy: exit 4).

--end-to-end times the chapter's whole program instead, --epochs N of it (default 200) with the
perplexity and the predictions printed every 20 epochs: deno task train on each backend (by
default wasm, and webgpu on a hardware adapter) with the default trainer (--trainers auto), then
the same program in PyTorch with each implementation, each a process timed from start to end, in
one run; named e2e-<date>-<time>-<backends>-<preset>. The run folders go to a temporary folder.

${PATHS_HELP}`;

await runMain((args) => benchTask(parseFlags(args, BENCH_FLAGS)), USAGE);
