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
import { writeFileAtomic } from "../src/io/atomic_write.ts";
import { BENCH_BACKENDS, benchMarkdown, runBench } from "../src/bench/bench.ts";
import { findTorchPython } from "../src/bench/torch_baseline.ts";
import { machineDescription } from "../src/report/machine.ts";
import { probeAdapter } from "../src/train/backend.ts";
import { PRESETS } from "../src/train/config.ts";
import { TRAINER_NAMES } from "../src/train/trainers.ts";

/** The usage and description that `--help` prints. */
const USAGE = `deno task bench [--preset chapter|small] [--iters N] [--warmup N]
                [--backends wasm,cpu,webgpu] [--trainers reference,batched,fused]
                [--torch auto|none|PYTHON] [--torch-device cpu|cuda] [--profile]
                [--out DIR] [--json]

Times the chapter's training step on each backend and trainer available, and the same math in
PyTorch on the same machine in the same run when a Python with torch exists (--torch auto: the
first of python3 and /usr/bin/python3 that imports torch; none: skip it).

By default: wasm and cpu, plus webgpu when the adapter is a hardware one; every trainer (the fused
one on webgpu only); 1 warm-up and 5 timed iterations; PyTorch on cuda when webgpu is timed, else
on cpu. Results go to --out (default bench/results/) as JSON and a Markdown table, named by date,
backends and preset (train-<date>-<backends>-<preset>); --json prints the JSON instead of the
table. With --profile, each backend and trainer timed runs one more step under tf.profile() (the
fused trainer: with each WebGPU program timed on the GPU by timestamp queries), and its time by
kernel joins the results, then named profile-<date>-<backends>-<preset>.`;

async function main(args: string[]) {
  const flags = parseFlags(args, {
    preset: { type: "string", default: "chapter" },
    iters: { type: "string", default: "5" },
    warmup: { type: "string", default: "1" },
    backends: { type: "string" },
    trainers: { type: "string", default: TRAINER_NAMES.join(",") },
    torch: { type: "string", default: "auto" },
    "torch-device": { type: "string" },
    out: { type: "string", default: join("bench", "results") },
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
  await Deno.mkdir(flags.out, { recursive: true });
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
    machine: machineDescription() +
      (backends.includes("webgpu") && gpu ? `, GPU ${gpu.description}` : ""),
    log: (line) => console.error(line),
  });
  const kind = flags.profile ? "profile" : "train";
  const slug = `${kind}-${result.date.slice(0, 10)}-${backends.join("-")}-${flags.preset}`;
  await writeFileAtomic(join(flags.out, `${slug}.json`), JSON.stringify(result, null, 2) + "\n");
  const md = benchMarkdown(result);
  await writeFileAtomic(join(flags.out, `${slug}.md`), md);
  console.log(flags.json ? JSON.stringify(result, null, 2) : md);
  console.error(`wrote ${join(flags.out, slug)}.{json,md}`);
}

await runMain(main, USAGE);
