/**
 * `deno task bench` apart from its flags: time each trainer on each backend, then PyTorch (its
 * eager loop, `torch.nn.RNN` and `torch.compile`) on the same machine, every engine once a round
 * for `--repeat` rounds, interleaved; and set the results side by side as JSON and a Markdown
 * table: each time's median with its 95 % interval and spread, per-step percentiles, the first
 * step apart, and the ratios to PyTorch taken round by round.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { markdownTable } from "../report/markdown.ts";
import { type BackendInfo, selectBackend } from "../train/backend.ts";
import { gemmThreads } from "../train/gemm_threads.ts";
import { FASTEST_TRAINER, type TrainerName, trainerRunsOn } from "../train/trainers.ts";
import type { KernelProfile } from "./profile.ts";
import {
  type BenchCommon,
  headerMarkdown,
  intervalText,
  ratioText,
  type ResultHeader,
  resultHeader,
  type RnnlabRun,
  rnnlabRuns,
  runName,
  spreadText,
  threadsText,
} from "./result.ts";
import { type Engine, interleave, type Ratios, ratiosTo } from "./rounds.ts";
import { median, type Percentiles, percentiles, summarize, type Summary } from "./stats.ts";
import { timeTorch, type TorchImpl, type TorchTiming } from "./torch_baseline.ts";
import { type StepTiming, timeTrainer } from "./train_bench.ts";
import { stepTimeMarkdown } from "./where_time_goes.ts";

/** What to time. */
export interface BenchOptions extends BenchCommon {
  /** The trainers, in order (the fused one runs on webgpu only). */
  trainers: readonly TrainerName[];
  /** Timed iterations a round. */
  iters: number;
  /** Warm-up iterations after the first step, before them. */
  warmup: number;
}

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
  backend: string;
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
}

/** One PyTorch implementation, or why it could not run. */
export type BenchTorchRow =
  | (StepStats & { impl: TorchImpl })
  | { key: string; engine: string; impl: TorchImpl; unavailable: string };

/** What `deno task bench` writes as JSON. */
export interface BenchResult extends ResultHeader {
  kind: "train";
  iters: number;
  warmup: number;
  rows: BenchRow[];
  torch: BenchTorchRow[];
}

/** The active backend, switched only when another one (or another thread count) is asked for. */
let active: { key: string; info: BackendInfo } | undefined;
async function useBackend(e: RnnlabRun<TrainerName>): Promise<BackendInfo> {
  const key = `${e.backend}/${e.threads ?? ""}`;
  if (active?.key !== key || tf.getBackend() !== e.backend) {
    active = { key, info: await selectBackend(e.backend, { threads: e.threads ?? gemmThreads() }) };
  }
  return active.info;
}

/** The trainers to time: each on every backend it runs on. */
function trainerRuns(opts: BenchOptions): RnnlabRun<TrainerName>[] {
  return rnnlabRuns(opts, opts.trainers, trainerRunsOn);
}

/** The engines of a step benchmark, rnnlab's then PyTorch's, each timed by one call. */
function stepEngines(opts: BenchOptions): Engine<StepTiming | TorchTiming>[] {
  const { config, data, iters, warmup, repeat } = opts;
  const corpus = { indices: data.indices, vocabSize: data.vocab.idxToChar.length };
  const rnnlab = trainerRuns(opts).map((e): Engine<StepTiming> => ({
    key: runName(e),
    label: `${e.trainer} on ${e.backend}${threadsText(e.threads)}`,
    run: async (round) => {
      await useBackend(e);
      const profile = round === repeat - 1; // where the time goes: one more step, once
      return await timeTrainer(e.trainer, config, data, iters, warmup, { profile });
    },
  }));
  const torch = (opts.python ? opts.torchImpls : []).map((impl): Engine<TorchTiming> => ({
    key: `torch/${impl}`,
    label: `PyTorch ${impl} (${opts.torchDevice})`,
    run: () =>
      timeTorch(opts.python!, config, corpus, {
        impl,
        iters,
        warmup,
        device: opts.torchDevice,
        root: ".",
      }),
  }));
  return [...rnnlab, ...torch];
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

/** Times every engine, `repeat` rounds interleaved, and sets the rows side by side. */
export async function runBench(opts: BenchOptions): Promise<BenchResult> {
  const engines = stepEngines(opts);
  const results = await interleave(engines, opts.repeat, {
    after: () => opts.guard.checkpoint(),
    log: opts.log,
  });
  const tokens = opts.config.batchSize * opts.config.numSteps;
  const times = (key: string) => results.get(key)?.map((r) => r.msPerIteration!);
  const yardsticks = { eager: times("torch/eager"), nnRnn: times("torch/nn-rnn") };
  const rows = trainerRuns(opts).map((e): BenchRow => {
    const rounds = results.get(runName(e)) as StepTiming[];
    const last = rounds.at(-1)!; // the profiled round
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
    };
  });
  const torch = (opts.python ? opts.torchImpls : []).map((impl): BenchTorchRow => {
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
    ...resultHeader("train", opts, stepNote(opts)),
    kind: "train",
    iters: opts.iters,
    warmup: opts.warmup,
    rows,
    torch,
  };
}

/** How to read the table. */
function stepNote({ preset, config, iters, warmup, repeat }: BenchOptions): string {
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
