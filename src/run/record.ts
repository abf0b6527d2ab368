/**
 * What a run records, built the same way by `deno task train` (into its folder, `run_dir.ts`) and
 * by the web page (into downloads): `run.json`'s {@linkcode RunRecord}, the checkpoint in the
 * parameters' file, the chapter's lines it prints and its plot. No file access here.
 *
 * @module
 */

import type { CorpusSource } from "../data/read_corpus.ts";
import type { Vocab } from "../data/vocab.ts";
import { encodeSafetensors } from "../io/safetensors.ts";
import type { ParamArrays, Params } from "../model/params.ts";
import { predictRnnBatch } from "../model/predict.ts";
import type { PyRandomState } from "../random/py_random.ts";
import {
  readChapterCurve,
  sameSetting,
  stateInitMismatch,
  stateInitOf,
} from "../chapter/chapter.ts";
import { type Environment, machineDescription } from "./machine.ts";
import type { PlotInput } from "../report/plot.ts";
import type { BackendInfo } from "../train/backend.ts";
import { PRESETS, type TrainConfig } from "../train/config.ts";
import type { TrainerName } from "../train/trainers.ts";
import type { EpochRecord, TrainEnd } from "../train/train.ts";
import type { Engine } from "./preflight.ts";

/** The value of `run.json`'s `format` field. */
export const RUN_FORMAT = "rnnlab-run/1";

/** The value of the checkpoint's `format` field. */
export const CHECKPOINT_FORMAT = "rnnlab-checkpoint/1";

/** The file names inside a run folder. */
export const RUN_FILES = {
  record: "run.json",
  params: "params.safetensors",
  plot: "perplexity.svg",
  report: "report.html",
  model: "model.onnx",
  lock: "run.lock",
} as const;

/** Where a run stands: training, stopped by a signal, stopped by a non-finite value, or done. */
export type RunStatus = "running" | "interrupted" | "diverged" | "complete";

/** One process's share of a run: a new run, or a resumption. */
export interface RunSession {
  /** When it started (ISO). */
  startedAt: string;
  /** When it ended, `null` while it runs. */
  endedAt: string | null;
  /** The epochs done when it started. */
  fromEpoch: number;
  /** The epochs done when it ended (or so far). */
  toEpoch: number;
  /** How it ended. */
  status: RunStatus;
  /** The machine it ran on, in words. */
  machine: string;
}

/** Everything `run.json` records about a run. */
export interface RunRecord {
  /** {@linkcode RUN_FORMAT}. */
  format: typeof RUN_FORMAT;
  /** Where the run stands (see {@linkcode readRecord} for runs recorded before there was one). */
  status: RunStatus;
  /** The settings, seed included; `epochs` is the target. */
  config: TrainConfig;
  /** The corpus: its known version (`null` for an allowed unknown corpus), digest and path. */
  dataset: { version: string | null; sha256: string; path: string };
  /** `idx_to_char`: the vocabulary in index order. */
  vocab: string[];
  /** The machine and the software of the last session. */
  environment: Environment;
  /** Where tfjs ran. */
  backend: BackendInfo;
  /** What computed the steps (see {@linkcode readRecord} for runs recorded before the choice). */
  trainer: TrainerName;
  /** Why that trainer: `requested`, or `auto: the fastest on <backend>` (absent in older runs). */
  trainerReason?: string;
  /** One record per epoch done: perplexity, seconds, and predictions on the printed epochs. */
  curve: EpochRecord[];
  /** The last epoch's perplexity; `null` before the first. */
  finalPerplexity: number | null;
  /** The trained model's prediction from each prefix, once the run is complete. */
  predictions: { prefix: string; text: string }[];
  /** When the run started (ISO). */
  startedAt: string;
  /** When it last stopped (ISO), `null` while it runs. */
  finishedAt: string | null;
  /** Seconds of training, summed over the epochs done. */
  totalSeconds: number;
  /** Where and why it diverged, when it did. */
  divergence?: { epoch: number; reason: string };
  /** The processes that trained it, in order. */
  sessions?: RunSession[];
  /** The parameter file (the checkpoint) and its SHA-256. */
  params: { file: string; sha256: string };
}

/** What `--resume` continues from: the state after an epoch, in the parameters' file. */
export interface Checkpoint {
  /** {@linkcode CHECKPOINT_FORMAT}. */
  format: typeof CHECKPOINT_FORMAT;
  /** The epochs done. */
  epoch: number;
  /** The random sampler's generator after them; `null` for the consecutive sampler. */
  sampler: PyRandomState | null;
  /** The settings. */
  config: TrainConfig;
  /** The curve so far. */
  curve: EpochRecord[];
  /** The corpus's digest and known version. */
  dataset: { sha256: string; version: string | null };
  /** The backend and trainer that computed the steps (a resumption must use the same). */
  backend: BackendInfo["name"];
  /** The trainer. */
  trainer: TrainerName;
}

/** The checkpoint and the parameters after the last epoch of `record`: `params.safetensors`. */
export function encodeRunParams(
  record: Omit<RunRecord, "params">,
  params: ParamArrays,
  sampler: PyRandomState | null,
): Uint8Array<ArrayBuffer> {
  const checkpoint: Checkpoint = {
    format: CHECKPOINT_FORMAT,
    epoch: record.curve[record.curve.length - 1]?.epoch ?? 0,
    sampler,
    config: record.config,
    curve: record.curve,
    dataset: { sha256: record.dataset.sha256, version: record.dataset.version },
    backend: record.backend.name,
    trainer: record.trainer,
  };
  return encodeSafetensors(params, {
    format: "rnnlab-params/1",
    checkpoint: JSON.stringify(checkpoint),
  });
}

/** What a run is, whatever it has done: its config, its corpus, and where and how it trains. */
export interface RunFacts extends Engine {
  config: TrainConfig;
  /** The corpus. */
  source: CorpusSource;
  /** `idx_to_char`. */
  vocab: string[];
  /** The machine and the software of this session. */
  environment: Environment;
}

/** One session's start: when, after which epoch, and the record of the run it continues. */
export interface SessionStart {
  /** When it started (ISO). */
  startedAt: string;
  /** The epochs done before it. */
  fromEpoch: number;
  /** The record so far of a resumed run (its start and its sessions). */
  earlier?: Pick<RunRecord, "startedAt" | "sessions">;
}

/** The record of a run as it stands: `curve` is every epoch done, `status` how it stands now. */
export function runRecord(
  facts: RunFacts,
  session: SessionStart,
  curve: EpochRecord[],
  status: RunStatus,
  extra: Pick<RunRecord, "predictions" | "divergence"> = { predictions: [] },
): Omit<RunRecord, "params"> {
  const now = status === "running" ? null : new Date().toISOString();
  return {
    format: RUN_FORMAT,
    status,
    config: facts.config,
    dataset: {
      version: facts.source.dataset?.version ?? null,
      sha256: facts.source.sha256,
      path: facts.source.path,
    },
    vocab: facts.vocab,
    environment: facts.environment,
    backend: facts.backend,
    trainer: facts.trainer,
    trainerReason: facts.trainerReason,
    curve,
    finalPerplexity: curve[curve.length - 1]?.perplexity ?? null,
    ...extra,
    startedAt: session.earlier?.startedAt ?? session.startedAt,
    finishedAt: now,
    totalSeconds: curve.reduce((sum, r) => sum + r.seconds, 0),
    sessions: [...session.earlier?.sessions ?? [], {
      startedAt: session.startedAt,
      endedAt: now,
      fromEpoch: session.fromEpoch,
      toEpoch: curve[curve.length - 1]?.epoch ?? 0,
      status,
      machine: machineDescription(facts.environment),
    }],
  };
}

/**
 * What a session's end adds to the record: a complete run's predictions from each prefix (its
 * last printed ones, else made now with `params`), a diverged run's epoch and reason.
 */
export async function endOfRun(
  end: TrainEnd,
  curve: readonly EpochRecord[],
  config: TrainConfig,
  params: Params,
  vocab: Vocab,
): Promise<Pick<RunRecord, "predictions" | "divergence">> {
  const extra: Pick<RunRecord, "predictions" | "divergence"> = { predictions: [] };
  if (end.status === "complete") {
    const texts = curve[curve.length - 1].predictions ??
      await predictRnnBatch(config.prefixes, config.predLen, params, vocab);
    extra.predictions = config.prefixes.map((prefix, i) => ({ prefix, text: texts[i] }));
  }
  if (end.status === "diverged") extra.divergence = { epoch: end.epoch, reason: end.reason };
  return extra;
}

/** What a run says first: where it trains and why, e.g. `Will use wasm (…; requested), batched trainer (…)`. */
export function engineLine({ backend, trainer, trainerReason }: Engine): string {
  return `Will use ${backend.name} (${backend.adapter}; ${backend.reason}), ` +
    `${trainer} trainer (${trainerReason})`;
}

/** The chapter's line for a printed epoch: `Epoch 20. Perplexity 219.426268`, then ` -  <text>`. */
export function chapterLines(record: EpochRecord): string[] {
  return [
    `Epoch ${record.epoch}. Perplexity ${record.perplexity.toFixed(6)}`,
    ...(record.predictions ?? []).map((p) => ` -  ${p}`),
    "",
  ];
}

/** The preset whose sizes, learning rate, θ and data `config` has, if any. */
export function presetOf(config: TrainConfig): string | undefined {
  return Object.entries(PRESETS).find(([, p]) => sameSetting(p, config))?.[0];
}

/**
 * The plot's title: the config (the preset it is, when only the epochs, the sampler, the seed or
 * what is printed differ from one), then the sampler, the trainer, the backend and the seed.
 */
export function runTitle(config: TrainConfig, trainer: TrainerName, backend: string): string[] {
  const preset = presetOf(config);
  return [
    preset !== undefined
      ? `${preset} preset`
      : `hidden ${config.hidden}, batch ${config.batchSize} × ${config.numSteps} steps, ` +
        `lr ${config.lr}, θ ${config.theta}, ${config.corpusChars} chars`,
    `${config.iter} sampler${
      stateInitMismatch(config) ? `, state per ${stateInitOf(config)}` : ""
    }, ${trainer} trainer, ${backend}, seed ${config.seed}`,
  ];
}

/**
 * The run's plot as it stands: its curve beside the chapter's (for the chapter's setting), over
 * the epochs it is to reach while it runs, saying how far it got when it stopped.
 */
export function runPlotInput(
  title: string[],
  config: TrainConfig,
  curve: readonly EpochRecord[],
  status: RunStatus,
  diverged?: RunRecord["divergence"],
): PlotInput {
  const done = curve[curve.length - 1]?.epoch ?? 0;
  const subtitle = status === "running"
    ? `running: ${done} of ${config.epochs} epochs done`
    : status === "interrupted"
    ? `interrupted after ${done} of ${config.epochs} epochs`
    : undefined;
  return {
    title,
    curve,
    chapter: readChapterCurve(config),
    epochs: status === "running" ? config.epochs : undefined,
    diverged,
    subtitle,
  };
}
