/**
 * `deno task bench` apart from its flags: time each trainer on each backend, then PyTorch (its
 * eager loop, `torch.nn.RNN` and `torch.compile`) on the same machine in the same run, and set the
 * results side by side as JSON and a Markdown table.
 *
 * @module
 */

import { join } from "node:path";
import { exists } from "../io/fs.ts";
import type { TrainingData } from "../data/corpus.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { type Environment, machineDescription } from "../run/machine.ts";
import { markdownTable } from "../report/markdown.ts";
import { selectBackend } from "../train/backend.ts";
import type { TrainConfig } from "../train/config.ts";
import { FASTEST_TRAINER, type TrainerName, trainerRunsOn } from "../train/trainers.ts";
import { profileMarkdown } from "./profile.ts";
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

/** The machine a benchmark ran on, in words: the CPU and the rest, and the GPU when it was used. */
export function benchMachine(opts: BenchCommon): string {
  return machineDescription(opts.environment) + (opts.gpu ? `, GPU ${opts.gpu}` : "");
}

/** A timing's ratios to PyTorch's rows in the same run. */
export interface VsTorch {
  /** ms/iteration over PyTorch eager's in the same run, when both ran. */
  vsTorch?: number;
  /** ms/iteration over PyTorch `nn.RNN`'s in the same run, when both ran. */
  vsTorchRnn?: number;
}

/** One timed trainer, set against PyTorch and against the reference trainer on its backend. */
export type BenchRow = StepTiming & VsTorch & {
  /** |loss sum / the reference trainer's − 1| on the same backend and batches. */
  lossRelDiff: number;
};

/** One PyTorch implementation's timing, set against PyTorch's eager and `nn.RNN` rows. */
export type BenchTorchRow = TorchTiming & VsTorch;

/** What `deno task bench` writes as JSON. */
export interface BenchResult {
  /** The machine, in words. */
  machine: string;
  /** The machine and the software, in detail. */
  environment: Environment;
  /** When it ran (ISO). */
  date: string;
  /** The config timed. */
  config: TrainConfig;
  /** Timed iterations. */
  iters: number;
  /** Warm-up iterations. */
  warmup: number;
  /** One row per backend and trainer. */
  rows: BenchRow[];
  /** PyTorch's timing, when it ran. */
  torch: BenchTorchRow[];
  /** How to read the table. */
  note: string;
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
  const msOf = (impl: TorchImpl) => torch.find((t) => t.impl === impl)?.msPerIteration;
  const [eager, nnRnn] = [msOf("eager"), msOf("nn-rnn")];
  const vs = (ms: number | undefined): VsTorch => ({
    vsTorch: eager && ms !== undefined ? ms / eager : undefined,
    vsTorchRnn: nnRnn && ms !== undefined ? ms / nnRnn : undefined,
  });
  const rows = timings.map((t) => {
    const reference = timings.find((r) => r.backend === t.backend && r.trainer === "reference");
    return {
      ...t,
      ...vs(t.msPerIteration),
      lossRelDiff: reference ? Math.abs(t.lossSum / reference.lossSum - 1) : 0,
    };
  });
  const note =
    `Chapter preset "${opts.preset}" (hidden ${config.hidden}, batch ${config.batchSize}, ` +
    `${config.numSteps} steps), ${warmup} warm-up + ${iters} timed iterations, one run. ` +
    `"Of which host" is the time inside the trainer's step() call (on webgpu: recording and ` +
    `submitting the GPU's work). "× PyTorch eager" and "× nn.RNN" are ms/iteration divided by ` +
    `those PyTorch rows' in the same run (lower is faster). "(default)" marks the trainer ` +
    `--trainer auto picks on the backend.`;
  return {
    machine: benchMachine(opts),
    environment: opts.environment,
    date: new Date().toISOString(),
    config,
    iters,
    warmup,
    rows,
    torch: torch.map((t) => ({ ...t, ...vs(t.msPerIteration) })),
    note,
  };
}

/** `x.toFixed(2)`, or a dash for a ratio that was not measured. */
export function ratioText(x: number | undefined): string {
  return x?.toFixed(2) ?? "–";
}

/** The results as Markdown: the machine and the note, one table row per timing, the profiles. */
export function benchMarkdown(result: BenchResult): string {
  const { rows, torch } = result;
  const isDefault = (r: BenchRow) =>
    FASTEST_TRAINER[r.backend as keyof typeof FASTEST_TRAINER] === r.trainer;
  const lines = [
    `Machine: ${result.machine}. ${result.note}`,
    "",
    markdownTable(
      [
        "engine",
        "trainer",
        "ms / iteration",
        "of which host",
        "tokens / s",
        "× PyTorch eager",
        "× nn.RNN",
        "loss vs reference",
      ],
      [
        ...rows.map((r) => [
          `tfjs ${r.backend}`,
          `${r.trainer}${isDefault(r) ? " (default)" : ""}`,
          r.msPerIteration.toFixed(1),
          r.hostMsPerIteration.toFixed(1),
          String(Math.round(r.tokensPerSecond)),
          ratioText(r.vsTorch),
          ratioText(r.vsTorchRnn),
          r.lossRelDiff.toExponential(1),
        ]),
        ...torch.map((t) =>
          t.msPerIteration === undefined
            ? [t.engine, "same math", String(t.unavailable), "–", "–", "–", "–", "–"]
            : [
              t.engine,
              "same math",
              t.msPerIteration.toFixed(1),
              "–",
              String(Math.round(t.tokensPerSecond!)),
              ratioText(t.vsTorch),
              ratioText(t.vsTorchRnn),
              "–",
            ]
        ),
      ],
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
