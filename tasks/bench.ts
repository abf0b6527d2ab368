/**
 * `deno task bench`: see `USAGE` below, which `--help` prints.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { UsageError } from "../src/errors.ts";
import { choiceFlag, numberFlag } from "../src/cli/flag_values.ts";
import { parseFlags } from "../src/cli/flags.ts";
import { runMain } from "../src/cli/main.ts";
import { loadTrainingData } from "../src/data/corpus.ts";
import {
  BENCH_BACKENDS,
  type BenchBackend,
  runBench,
  writeBenchResult,
} from "../src/bench/bench.ts";
import { benchMarkdown } from "../src/bench/result.ts";
import { endToEndMarkdown, runEndToEnd } from "../src/bench/end_to_end.ts";
import { findTorchPython, TORCH_IMPLS } from "../src/bench/torch_baseline.ts";
import { PATHS_HELP, userPath } from "../src/cli/paths.ts";
import { writableDir } from "../src/io/fs.ts";
import { environment } from "../src/run/environment.ts";
import { probeAdapter } from "../src/train/backend.ts";
import { PRESETS } from "../src/train/config.ts";
import { TRAINER_CHOICES, TRAINER_NAMES } from "../src/train/trainers.ts";

/** The usage and description that `--help` prints. */
const USAGE = `deno task bench [--preset chapter|small] [--iters N] [--warmup N]
                [--backends wasm,cpu,webgpu] [--trainers reference,batched,fused]
                [--torch auto|none|PYTHON] [--torch-device cpu|cuda]
                [--torch-impls eager,nn-rnn,compile] [--profile] [--results DIR] [--json]
deno task bench --end-to-end [--epochs N] [--preset chapter|small] [--backends ...]
                [--trainers auto|reference|batched|fused,...] [--torch ...] [--torch-device ...]
                [--torch-impls ...] [--results DIR] [--json]

Times the chapter's training step on each backend and trainer available, and the same math in
PyTorch on the same machine in the same run when a Python with torch exists (--torch auto: the
first of python3 and /usr/bin/python3 that imports torch; none: skip it): its eager loop, the
chapter's loop op by op; torch.nn.RNN (cuDNN on CUDA); and torch.compile where that exists (else a
row saying why).

By default: wasm and cpu, plus webgpu when the adapter is a hardware one; every trainer (the fused
one on webgpu only); 1 warm-up and 5 timed iterations, the losses read back once an epoch as in
training; PyTorch on cuda when webgpu is timed, else on cpu. Results go to --results DIR (default
runs/bench/ in the project) as JSON and a Markdown table, named by date and time, backends and
preset (train-<date>-<time>-<backends>-<preset>), never over an earlier result; --json prints the
JSON instead of the table. With --profile, each backend and trainer timed runs one more step under
tf.profile() (the fused trainer: with each WebGPU program timed on the GPU by timestamp queries),
and its time by kernel joins the results, then named profile-<date>-<time>-<backends>-<preset>.

--end-to-end times the chapter's whole program instead, --epochs N of it (default 200) with the
perplexity and the predictions printed every 20 epochs: deno task train on each backend (by
default wasm, and webgpu on a hardware adapter) with the default trainer (--trainers auto), then
the same program in PyTorch with each implementation, each a process timed from start to end, in
one run; named e2e-<date>-<time>-<backends>-<preset>. The run folders go to a temporary folder.

${PATHS_HELP}`;

async function main(args: string[]) {
  const flags = parseFlags(args, {
    preset: { type: "string", default: "chapter" },
    iters: { type: "string", default: "5" },
    warmup: { type: "string", default: "1" },
    backends: { type: "string" },
    trainers: { type: "string" },
    torch: { type: "string", default: "auto" },
    "torch-device": { type: "string" },
    "torch-impls": { type: "string", default: TORCH_IMPLS.join(",") },
    results: { type: "string" },
    profile: { type: "boolean" },
    "end-to-end": { type: "boolean" },
    epochs: { type: "string" },
    json: { type: "boolean" },
  });
  const endToEnd = flags["end-to-end"] ?? false;
  if (endToEnd && flags.profile) throw new UsageError("--profile times steps, not --end-to-end");
  if (!endToEnd && flags.epochs !== undefined) {
    throw new UsageError("--epochs goes with --end-to-end (steps are timed by --iters)");
  }
  const preset = choiceFlag("preset", flags.preset, Object.keys(PRESETS));
  const config = { ...PRESETS[preset] };
  const iters = numberFlag("iters", flags.iters, { integer: true, min: 1 });
  const warmup = numberFlag("warmup", flags.warmup, { integer: true, min: 0 });
  const trainerList = flags.trainers?.split(",");
  // What each mode alone takes, checked before any work. Whole runs: trainers as train's
  // --trainer (auto), and --epochs; steps: each trainer by name (all by default).
  const mode = endToEnd
    ? {
      endToEnd,
      trainers: (trainerList ?? ["auto"]).map((t) => choiceFlag("trainers", t, TRAINER_CHOICES)),
      epochs: flags.epochs === undefined
        ? config.epochs
        : numberFlag("epochs", flags.epochs, { integer: true, min: 1 }),
    }
    : {
      endToEnd,
      trainers: (trainerList ?? TRAINER_NAMES).map((t) => choiceFlag("trainers", t, TRAINER_NAMES)),
    };
  const torchImpls = flags["torch-impls"].split(",")
    .map((i) => choiceFlag("torch-impls", i, TORCH_IMPLS));
  const gpu = await probeAdapter();
  const hardwareGpu = gpu !== undefined && !gpu.software;
  const defaults: readonly BenchBackend[] = endToEnd ? ["wasm", "webgpu"] : BENCH_BACKENDS;
  const backends =
    flags.backends?.split(",").map((b) => choiceFlag("backends", b, BENCH_BACKENDS)) ??
      defaults.filter((b) => b !== "webgpu" || hardwareGpu);
  const python = flags.torch === "none"
    ? undefined
    : flags.torch === "auto"
    ? await findTorchPython()
    : (await findTorchPython([flags.torch])) ??
      (() => {
        throw new UsageError(`--torch ${flags.torch}: that Python cannot import torch`);
      })();
  const dir = await writableDir(
    "--results",
    flags.results === undefined ? join("runs", "bench") : userPath(flags.results),
  );
  const common = {
    preset,
    data: await loadTrainingData({}, config.corpusChars),
    backends,
    python,
    torchImpls,
    torchDevice: flags["torch-device"] ?? (backends.includes("webgpu") ? "cuda" : "cpu"),
    environment: environment(),
    gpu: backends.includes("webgpu") ? gpu?.description : undefined,
    log: (line: string) => console.error(line),
  };
  const name = { backends, preset };
  let written: { json: unknown; markdown: string; path: string };
  if (mode.endToEnd) {
    const workDir = await Deno.makeTempDir({ prefix: "rnnlab-e2e-" });
    try {
      const result = await runEndToEnd({
        ...common,
        config: { ...config, epochs: mode.epochs },
        trainers: mode.trainers,
        workDir,
        root: resolve("."),
      });
      const markdown = endToEndMarkdown(result);
      const path = await writeBenchResult(dir, result, markdown, { ...name, kind: "e2e" });
      written = { json: result, markdown, path };
    } finally {
      await Deno.remove(workDir, { recursive: true });
    }
  } else {
    const result = await runBench({
      ...common,
      config,
      trainers: mode.trainers,
      iters,
      warmup,
      profile: flags.profile ?? false,
    });
    const markdown = benchMarkdown(result);
    const kind = flags.profile ? "profile" : "train";
    written = {
      json: result,
      markdown,
      path: await writeBenchResult(dir, result, markdown, { ...name, kind }),
    };
  }
  console.log(flags.json ? JSON.stringify(written.json, null, 2) : written.markdown);
  console.error(`wrote ${written.path}.{json,md}`);
}

await runMain(main, USAGE);
