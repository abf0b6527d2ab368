/**
 * `deno task bench` apart from its flags: time each trainer on each backend, then PyTorch (its
 * eager loop, `torch.nn.RNN` and `torch.compile`) on the same machine in the same run, and set the
 * results side by side as JSON and a Markdown table (`result.ts`).
 *
 * @module
 */

import { join } from "node:path";
import { exists } from "../io/fs.ts";
import type { TrainingData } from "../data/read_corpus.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import type { Environment } from "../run/machine.ts";
import { selectBackend } from "../train/backend.ts";
import type { TrainConfig } from "../train/config.ts";
import { type TrainerName, trainerRunsOn } from "../train/trainers.ts";
import { type BenchResult, benchResult } from "./result.ts";
import { timeTorch, type TorchImpl, type TorchTiming } from "./torch_baseline.ts";
import { type StepTiming, timeTrainer } from "./train_bench.ts";

/** The backends `deno task bench` can time. */
export const BENCH_BACKENDS = ["wasm", "cpu", "webgpu"] as const;

/** A `--backends` value. */
export type BenchBackend = typeof BENCH_BACKENDS[number];

/** What both kinds of benchmark take: steps timed (`runBench`) and whole runs (`runEndToEnd`). */
export interface BenchCommon {
  /** The preset's name, as the note and the file names give it (and `deno task train --preset`). */
  preset: string;
  /** Its config (with the epochs to run, for whole runs). */
  config: TrainConfig;
  /** The corpus (PyTorch gets its indices, and its vocabulary for predictions). */
  data: TrainingData;
  /** rnnlab's backends, in order. */
  backends: readonly BenchBackend[];
  /** The Python that imports torch, or `undefined` to skip PyTorch. */
  python?: string;
  /** PyTorch's implementations, in order (PyTorch eager's row is the ratios' yardstick). */
  torchImpls: readonly TorchImpl[];
  /** PyTorch's device (`cpu`, `cuda`). */
  torchDevice: string;
  /** The machine and the software. */
  environment: Environment;
  /** The GPU, in words, when webgpu runs. */
  gpu?: string;
  /** Where progress lines go. */
  log: (line: string) => void;
}

/** What to time. */
export interface BenchOptions extends BenchCommon {
  /** The trainers, in order (the fused one runs on webgpu only). */
  trainers: readonly TrainerName[];
  /** Timed iterations. */
  iters: number;
  /** Warm-up iterations before them. */
  warmup: number;
  /** One more step profiled per backend and trainer. */
  profile: boolean;
}

/** Times every backend and trainer asked for, then PyTorch, and sets the rows side by side. */
export async function runBench(opts: BenchOptions): Promise<BenchResult> {
  const { config, data, iters, warmup, profile, log } = opts;
  const timings: StepTiming[] = [];
  for (const backend of opts.backends) {
    const info = await selectBackend(backend);
    for (const trainer of opts.trainers) {
      if (!trainerRunsOn(trainer, info.name)) continue;
      log(
        `timing ${trainer} on ${info.name} (${info.adapter}): ${warmup} + ${iters} iterations` +
          `${profile ? " + 1 profiled" : ""}…`,
      );
      timings.push(await timeTrainer(trainer, config, data, iters, warmup, { profile }));
    }
  }
  const torch: TorchTiming[] = [];
  const corpus = { indices: data.indices, vocabSize: data.vocab.idxToChar.length };
  for (const impl of opts.python ? opts.torchImpls : []) {
    log(`timing PyTorch ${impl} (${opts.python}, ${opts.torchDevice})…`);
    torch.push(
      await timeTorch(opts.python!, config, corpus, {
        impl,
        iters,
        warmup,
        device: opts.torchDevice,
        root: ".",
      }),
    );
  }
  return benchResult(opts, timings, torch);
}

/**
 * Writes `result` into `dir` as `<kind>-<date>-<time>-<backends>-<preset>.json` and its Markdown
 * as `.md`, with a suffix when those exist: a result is never overwritten. Returns the path
 * without the extension.
 */
export async function writeBenchResult(
  dir: string,
  result: { date: string },
  markdown: string,
  name: { kind: string; backends: readonly string[]; preset: string },
): Promise<string> {
  const stamp = result.date.slice(0, 19).replace("T", "-").replaceAll(":", "");
  const base = join(dir, `${name.kind}-${stamp}-${name.backends.join("-")}-${name.preset}`);
  let path = base;
  for (let n = 2; await exists(`${path}.json`) || await exists(`${path}.md`); n++) {
    path = `${base}-${n}`;
  }
  await writeFileAtomic(`${path}.json`, JSON.stringify(result, null, 2) + "\n");
  await writeFileAtomic(`${path}.md`, markdown);
  return path;
}
