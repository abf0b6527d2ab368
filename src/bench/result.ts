/**
 * A benchmark's result, as `deno task bench` writes it and the web page's benchmark mode
 * downloads it: the rows of timed trainers set against PyTorch's (when it ran) and against the
 * reference trainer on the same backend, the machine, the note, and the Markdown table. No file
 * access here.
 *
 * @module
 */

import { type Environment, machineDescription } from "../run/machine.ts";
import { markdownTable } from "../report/markdown.ts";
import type { TrainConfig } from "../train/config.ts";
import { FASTEST_TRAINER } from "../train/trainers.ts";
import { profileMarkdown } from "./profile.ts";
import type { TorchImpl, TorchTiming } from "./torch_baseline.ts";
import type { StepTiming } from "./train_bench.ts";

/** The machine a benchmark ran on, in words: the CPU and the rest, and the GPU when it was used. */
export function benchMachine(opts: { environment: Environment; gpu?: string }): string {
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

/** What a benchmark timed, besides its timings. */
export interface BenchSetting {
  /** The preset's name. */
  preset: string;
  /** Its config. */
  config: TrainConfig;
  /** Timed iterations. */
  iters: number;
  /** Warm-up iterations. */
  warmup: number;
  /** The machine and the software. */
  environment: Environment;
  /** The GPU, in words, when webgpu ran. */
  gpu?: string;
}

/** The rows of `timings` and of PyTorch's `torch`, each set against the others, as one result. */
export function benchResult(
  opts: BenchSetting,
  timings: readonly StepTiming[],
  torch: readonly TorchTiming[],
): BenchResult {
  const { config, iters, warmup } = opts;
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
