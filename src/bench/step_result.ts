/**
 * A step benchmark's result, as `deno task bench` writes it and the web page's benchmark mode
 * downloads it: each engine's rounds summarised (the median time with its interval and spread,
 * the first step apart, per-step percentiles), set against PyTorch's rows in the same rounds and
 * against the reference trainer on the same backend; and its Markdown. No file access here.
 *
 * @module
 */

import { markdownTable } from "../report/markdown.ts";
import { FASTEST_TRAINER, type TrainerName } from "../train/trainers.ts";
import type { KernelProfile } from "./profile.ts";
import {
  type HeaderInput,
  headerMarkdown,
  intervalText,
  ratioText,
  type ResultHeader,
  resultHeader,
  type RnnlabRun,
  runName,
  spreadText,
  threadsText,
} from "./result.ts";
import { type Ratios, ratiosTo, threadSpeedup } from "./rounds.ts";
import { median, type Percentiles, percentiles, summarize, type Summary } from "./stats.ts";
import type { TorchImpl, TorchTiming } from "./torch_baseline.ts";
import type { StepTiming } from "./train_bench.ts";
import { stepTimeMarkdown } from "./where_time_goes.ts";

/** What every timed engine's row says. */
export interface StepStats extends Ratios {
  /** Matches the row across results (the regression gate's key). */
  key: string;
  /** In words. */
  engine: string;
  /** Milliseconds per iteration, one sample a round. */
  msPerIteration: Summary;
  /** The first step of each round. */
  firstStepMs: Summary;
  /** Every timed step's time on the host, all rounds together. */
  stepMs: Percentiles;
  /** Characters a second at the median. */
  tokensPerSecond: number;
}

/** One trainer on one backend. */
export interface BenchRow extends StepStats {
  /** The tfjs backend it ran on. */
  backend: string;
  /** The trainer that made the steps. */
  trainer: TrainerName;
  /** On wasm, the threads of the large products. */
  threads?: number;
  /** Milliseconds an iteration spent waiting for the read-backs, one sample a round. */
  readbackMsPerIteration: Summary;
  /** |loss sum / the reference trainer's − 1| on the same backend and batches. */
  lossRelDiff: number;
  /** One more step, profiled in the last round (on webgpu: GPU time by timestamp queries). */
  profile?: KernelProfile;
  /** Why there is no profile. */
  profileUnavailable?: string;
  /** On wasm with several threads: the share of the product tiles the workers ran (median). */
  workerShare?: number;
  /** On wasm with several threads: the 1-thread row's time over this row's, round by round. */
  speedup?: Summary;
}

/** One PyTorch implementation, or why it could not run. */
export type BenchTorchRow =
  | (StepStats & { impl: TorchImpl })
  | { key: string; engine: string; impl: TorchImpl; unavailable: string };

/** What `deno task bench` writes as JSON. */
export interface BenchResult extends ResultHeader {
  /** A step benchmark (not `--end-to-end`). */
  kind: "train";
  /** The timed steps of each round. */
  iters: number;
  /** The steps before them, untimed. */
  warmup: number;
  /** rnnlab's trainers, one row each. */
  rows: BenchRow[];
  /** PyTorch's implementations, one row each. */
  torch: BenchTorchRow[];
}

/** The stats of one engine's rounds. */
function stepStats(
  key: string,
  engine: string,
  rounds: readonly (StepTiming | TorchTiming)[],
  tokensPerIteration: number,
): StepStats {
  const ms = summarize(rounds.map((r) => r.msPerIteration!));
  return {
    key,
    engine,
    msPerIteration: ms,
    firstStepMs: summarize(rounds.map((r) => r.firstStepMs!)),
    stepMs: percentiles(rounds.flatMap((r) => "hostMs" in r ? r.hostMs : r.stepMs!)),
    tokensPerSecond: tokensPerIteration / (ms.median / 1000),
  };
}

/** What a step result is made from: its header's parts, and every engine's rounds by key. */
export interface StepResultInput extends HeaderInput {
  iters: number;
  warmup: number;
  /** rnnlab's engines, in order (their keys: `runName`). */
  runs: readonly RnnlabRun<TrainerName>[];
  /** PyTorch's implementations that ran, in order (their keys: `torch/<impl>`). */
  torchImpls: readonly TorchImpl[];
  /** Each engine's results, one a round. */
  results: ReadonlyMap<string, readonly (StepTiming | TorchTiming)[]>;
}

/** The rows of every engine's rounds, each set against PyTorch and the reference trainer. */
export function stepResult(input: StepResultInput): BenchResult {
  const { results } = input;
  const tokens = input.config.batchSize * input.config.numSteps;
  const times = (key: string) => results.get(key)?.map((r) => r.msPerIteration!);
  const yardsticks = { eager: times("torch/eager"), nnRnn: times("torch/nn-rnn") };
  const rows = input.runs.map((e): BenchRow => {
    const rounds = results.get(runName(e)) as StepTiming[];
    const last = rounds.at(-1)!; // the profiled round
    const speedup = (e.threads ?? 1) > 1
      ? threadSpeedup(times(runName(e))!, times(runName({ ...e, threads: 1 })))
      : undefined;
    const reference = results.get(runName({ ...e, trainer: "reference" }))?.at(-1) as
      | StepTiming
      | undefined;
    return {
      ...stepStats(runName(e), `tfjs ${e.backend}`, rounds, tokens),
      ...ratiosTo(times(runName(e))!, yardsticks),
      backend: last.backend,
      trainer: e.trainer,
      ...(e.threads && { threads: e.threads }),
      readbackMsPerIteration: summarize(rounds.map((r) => r.readbackMsPerIteration)),
      lossRelDiff: reference ? Math.abs(last.lossSum / reference.lossSum - 1) : 0,
      ...(last.profile && { profile: last.profile }),
      ...(last.profileUnavailable && { profileUnavailable: last.profileUnavailable }),
      ...(last.workerShare !== undefined &&
        { workerShare: median(rounds.map((r) => r.workerShare!)) }),
      ...(speedup && { speedup }),
    };
  });
  const torch = input.torchImpls.map((impl): BenchTorchRow => {
    const rounds = results.get(`torch/${impl}`) as TorchTiming[];
    const [first] = rounds;
    if (first.unavailable !== undefined) {
      return { key: `torch/${impl}`, engine: first.engine, impl, unavailable: first.unavailable };
    }
    return {
      ...stepStats(`torch/${impl}`, first.engine, rounds, tokens),
      ...ratiosTo(times(`torch/${impl}`)!, yardsticks),
      impl,
    };
  });
  return {
    ...resultHeader("train", input, stepNote(input)),
    kind: "train",
    iters: input.iters,
    warmup: input.warmup,
    rows,
    torch,
  };
}

/** How to read the table. */
function stepNote({ preset, config, iters, warmup, repeat }: StepResultInput): string {
  return `Preset "${preset}" (hidden ${config.hidden}, batch ${config.batchSize}, ` +
    `${config.numSteps} steps). ${repeat} round(s), every engine once a round, interleaved; ` +
    `each: its first step (timed apart), ${warmup} warm-up and ${iters} timed iterations. ` +
    `Times are medians over the rounds with a 95 % bootstrap interval of the median [low, high] ` +
    `(with 5 rounds or fewer, the interval is the range); "spread" is (max − min) / 2 of the ` +
    `median. "Per step" is every timed step's time on the host (P50 / P90 / P99, all rounds); ` +
    `"read-back" the wait for the epochs' losses (on webgpu: for the GPU). "× PyTorch" is the ` +
    `median of the ratios taken round by round, with its interval (lower is faster). ` +
    `"(default)" marks the trainer --trainer auto picks.`;
}

/** Per-step percentiles, `12.1 / 13.0 / 15.2`. */
function stepText(p: Percentiles): string {
  return [p.p50, p.p90, p.p99].map((x) => x.toFixed(1)).join(" / ");
}

/** The results as Markdown: the header, one table row per engine, where the time goes. */
export function benchMarkdown(result: BenchResult): string {
  const isDefault = (r: BenchRow) =>
    FASTEST_TRAINER[r.backend as keyof typeof FASTEST_TRAINER] === r.trainer;
  const stats = (s: StepStats) => [
    intervalText(s.msPerIteration),
    spreadText(s.msPerIteration),
    stepText(s.stepMs),
    intervalText(s.firstStepMs),
  ];
  const head = ["engine", "trainer", "ms / iteration", "spread", "per step P50 / P90 / P99"];
  const rows = [
    ...result.rows.map((r) => [
      `${r.engine}${threadsText(r.threads)}`,
      `${r.trainer}${isDefault(r) ? " (default)" : ""}`,
      ...stats(r),
      intervalText(r.readbackMsPerIteration),
      ratioText(r.vsTorch),
      ratioText(r.vsTorchRnn),
      r.lossRelDiff.toExponential(1),
    ]),
    ...result.torch.map((t) =>
      "unavailable" in t
        ? [t.engine, "same math", t.unavailable, "–", "–", "–", "–", "–", "–", "–"]
        : [
          t.engine,
          "same math",
          ...stats(t),
          "–",
          ratioText(t.vsTorch),
          ratioText(t.vsTorchRnn),
          "–",
        ]
    ),
  ];
  const tail = ["first step", "read-back", "× PyTorch eager", "× nn.RNN", "loss vs reference"];
  return [
    headerMarkdown(result),
    markdownTable([...head, ...tail], rows),
    stepTimeMarkdown(result.rows),
  ].join("\n");
}
