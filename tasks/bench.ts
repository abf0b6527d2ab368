/**
 * `deno task bench`: see `USAGE` below, which `--help` prints.
 *
 * @module
 */

import { join } from "node:path";
import { UsageError } from "../src/cli/errors.ts";
import { choiceFlag, numberFlag, parseFlags } from "../src/cli/flags.ts";
import { runMain } from "../src/cli/main.ts";
import { loadTrainingData } from "../src/data/corpus.ts";
import { BENCH_BACKENDS, benchMarkdown, runBench, writeBenchResult } from "../src/bench/bench.ts";
import { findTorchPython } from "../src/bench/torch_baseline.ts";
import { PATHS_HELP, userPath, writableDir } from "../src/cli/paths.ts";
import { environment } from "../src/report/machine.ts";
import { probeAdapter } from "../src/train/backend.ts";
import { PRESETS } from "../src/train/config.ts";
import { TRAINER_NAMES } from "../src/train/trainers.ts";

/** The usage and description that `--help` prints. */
const USAGE = `deno task bench [--preset chapter|small] [--iters N] [--warmup N]
                [--backends wasm,cpu,webgpu] [--trainers reference,batched,fused]
                [--torch auto|none|PYTHON] [--torch-device cpu|cuda] [--profile]
                [--results DIR] [--json]

Times the chapter's training step on each backend and trainer available, and the same math in
PyTorch on the same machine in the same run when a Python with torch exists (--torch auto: the
first of python3 and /usr/bin/python3 that imports torch; none: skip it).

By default: wasm and cpu, plus webgpu when the adapter is a hardware one; every trainer (the fused
one on webgpu only); 1 warm-up and 5 timed iterations, the losses read back once an epoch as in
training; PyTorch on cuda when webgpu is timed, else on cpu. Results go to --results DIR (default
runs/bench/ in the project) as JSON and a Markdown table, named by date and time, backends and
preset (train-<date>-<time>-<backends>-<preset>), never over an earlier result; --json prints the
JSON instead of the table. With --profile, each backend and trainer timed runs one more step under
tf.profile() (the fused trainer: with each WebGPU program timed on the GPU by timestamp queries),
and its time by kernel joins the results, then named profile-<date>-<time>-<backends>-<preset>.

${PATHS_HELP}`;

async function main(args: string[]) {
  const flags = parseFlags(args, {
    preset: { type: "string", default: "chapter" },
    iters: { type: "string", default: "5" },
    warmup: { type: "string", default: "1" },
    backends: { type: "string" },
    trainers: { type: "string", default: TRAINER_NAMES.join(",") },
    torch: { type: "string", default: "auto" },
    "torch-device": { type: "string" },
    results: { type: "string" },
    profile: { type: "boolean" },
    json: { type: "boolean" },
  });
  const config = { ...PRESETS[choiceFlag("preset", flags.preset, Object.keys(PRESETS))] };
  const iters = numberFlag("iters", flags.iters, { integer: true, min: 1 });
  const warmup = numberFlag("warmup", flags.warmup, { integer: true, min: 0 });
  const trainers = flags.trainers.split(",").map((t) => choiceFlag("trainers", t, TRAINER_NAMES));
  const gpu = await probeAdapter();
  const backends =
    flags.backends?.split(",").map((b) => choiceFlag("backends", b, BENCH_BACKENDS)) ??
      BENCH_BACKENDS.filter((b) => b !== "webgpu" || (gpu && !gpu.software));
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
  const result = await runBench({
    preset: flags.preset,
    config,
    data: await loadTrainingData({}, config.corpusChars),
    backends,
    trainers,
    iters,
    warmup,
    profile: flags.profile ?? false,
    python,
    torchDevice: flags["torch-device"] ?? (backends.includes("webgpu") ? "cuda" : "cpu"),
    environment: environment(),
    gpu: backends.includes("webgpu") ? gpu?.description : undefined,
    log: (line) => console.error(line),
  });
  const kind = flags.profile ? "profile" : "train";
  const path = await writeBenchResult(dir, result, { kind, backends, preset: flags.preset });
  console.log(flags.json ? JSON.stringify(result, null, 2) : benchMarkdown(result));
  console.error(`wrote ${path}.{json,md}`);
}

await runMain(main, USAGE);
