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
import { profileMarkdown } from "../src/bench/profile.ts";
import { type StepTiming, timeTrainer } from "../src/bench/train_bench.ts";
import { findTorchPython, timeTorch, type TorchTiming } from "../src/bench/torch_baseline.ts";
import { machineDescription } from "../src/report/machine.ts";
import { probeAdapter, selectBackend } from "../src/train/backend.ts";
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

const BACKENDS = ["wasm", "cpu", "webgpu"] as const;

function markdown(
  machine: string,
  rows: (StepTiming & { vsTorch?: number; lossRelDiff: number })[],
  torch: TorchTiming[],
  note: string,
): string {
  const lines = [
    `Machine: ${machine}. ${note}`,
    "",
    "| engine | trainer | ms / iteration | of which host | tokens / s | × PyTorch time | loss vs reference |",
    "|---|---|---|---|---|---|---|",
    ...rows.map((r) =>
      `| tfjs ${r.backend} | ${r.trainer} | ${r.msPerIteration.toFixed(1)} | ` +
      `${r.hostMsPerIteration.toFixed(1)} | ` +
      `${Math.round(r.tokensPerSecond)} | ${r.vsTorch?.toFixed(2) ?? "–"} | ` +
      `${r.lossRelDiff.toExponential(1)} |`
    ),
    ...torch.map((t) =>
      `| ${t.engine} | same math | ${t.msPerIteration.toFixed(1)} | – | ` +
      `${Math.round(t.tokensPerSecond)} | 1.00 | – |`
    ),
  ];
  const profiles = rows.flatMap((r) =>
    r.profile
      ? [profileMarkdown(`tfjs ${r.backend}, ${r.trainer}`, r.profile, r.msPerIteration)]
      : []
  );
  if (profiles.length > 0) {
    lines.push("", "## Where the step's time goes", "", profiles.join("\n\n"));
  }
  return lines.join("\n") + "\n";
}

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
  const backends = flags.backends?.split(",").map((b) => choiceFlag("backends", b, BACKENDS)) ??
    BACKENDS.filter((b) => b !== "webgpu" || (gpu && !gpu.software));
  const python = flags.torch === "none"
    ? undefined
    : flags.torch === "auto"
    ? await findTorchPython()
    : (await findTorchPython([flags.torch])) ??
      (() => {
        throw new UsageError(`--torch ${flags.torch}: that Python cannot import torch`);
      })();
  const torchDevice = flags["torch-device"] ?? (backends.includes("webgpu") ? "cuda" : "cpu");
  await Deno.mkdir(flags.out, { recursive: true });
  const data = await loadTrainingData({}, config.corpusChars);
  const log = (line: string) => console.error(line);

  const profile = flags.profile ?? false;
  const timings: StepTiming[] = [];
  for (const backend of backends) {
    const info = await selectBackend(backend);
    for (const trainer of trainers) {
      if (trainer === "fused" && info.name !== "webgpu") continue; // WGSL kernels: webgpu only
      log(
        `timing ${trainer} on ${info.name} (${info.adapter}): ${warmup} + ${iters} iterations` +
          `${profile ? " + 1 profiled" : ""}…`,
      );
      timings.push(await timeTrainer(trainer, config, data, iters, warmup, { profile }));
    }
  }
  const torch: TorchTiming[] = [];
  if (python) {
    log(`timing PyTorch (${python}, ${torchDevice})…`);
    const corpus = { indices: data.indices, vocabSize: data.vocab.idxToChar.length };
    torch.push(
      await timeTorch(python, config, corpus, { iters, warmup, device: torchDevice, root: "." }),
    );
  }
  const machine = machineDescription() +
    (backends.includes("webgpu") && gpu ? `, GPU ${gpu.description}` : "");
  const rows = timings.map((t) => {
    const reference = timings.find((r) => r.backend === t.backend && r.trainer === "reference");
    return {
      ...t,
      vsTorch: torch[0] ? t.msPerIteration / torch[0].msPerIteration : undefined,
      lossRelDiff: reference ? Math.abs(t.lossSum / reference.lossSum - 1) : 0,
    };
  });
  const note =
    `Chapter preset "${flags.preset}" (hidden ${config.hidden}, batch ${config.batchSize}, ` +
    `${config.numSteps} steps), ${warmup} warm-up + ${iters} timed iterations, one run. ` +
    `"Of which host" is the time inside the trainer's step() call (on webgpu: recording and ` +
    `submitting the GPU's work). "× PyTorch time" is ms/iteration divided by PyTorch's in the ` +
    `same run (lower is faster).`;
  const result = {
    machine,
    date: new Date().toISOString(),
    config,
    iters,
    warmup,
    rows,
    torch,
    note,
  };
  const kind = profile ? "profile" : "train";
  const slug = `${kind}-${result.date.slice(0, 10)}-${backends.join("-")}-${flags.preset}`;
  await writeFileAtomic(join(flags.out, `${slug}.json`), JSON.stringify(result, null, 2) + "\n");
  const md = markdown(machine, rows, torch, note);
  await writeFileAtomic(join(flags.out, `${slug}.md`), md);
  console.log(flags.json ? JSON.stringify(result, null, 2) : md);
  log(`wrote ${join(flags.out, slug)}.{json,md}`);
}

await runMain(main, USAGE);
