/**
 * A training run on disk: the folder `deno task train --out DIR` writes and `deno task export`
 * reads.
 *
 * - `params.safetensors`: W_xh, W_hh, b_h, W_hy, b_y as float32 (safetensors), after the last
 *   epoch done; its metadata holds the {@linkcode Checkpoint} (epoch, sampler state, curve, config,
 *   corpus digest), so this one file is what `--resume` continues from;
 * - `perplexity.svg`: the curve, log scale, beside the chapter's printed points;
 * - `report.html`: a self-contained page with the curve, the numbers, the predictions, the config,
 *   the machine and the software (`run_page.ts`);
 * - `run.json`: the {@linkcode RunRecord}, with the run's `status`;
 * - `run.lock` while a process trains in it (`lock.ts`); `model.onnx` once exported.
 *
 * All four are rewritten after every epoch, each atomically and the parameters first, so a
 * folder always holds a complete checkpoint, and `run.json` is never ahead of it.
 *
 * @module
 */

import { join } from "node:path";
import { UsageError } from "../errors.ts";
import { fsReason, makeDir } from "../io/fs.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { decodeSafetensors, encodeSafetensors } from "../io/safetensors.ts";
import { sha256Hex } from "../io/sha256.ts";
import { PARAM_NAMES, type ParamArrays, paramsFinite } from "../model/params.ts";
import type { PyRandomState } from "../random/py_random.ts";
import type { Environment } from "./machine.ts";
import type { BackendInfo } from "../train/backend.ts";
import type { TrainConfig } from "../train/config.ts";
import type { TrainerName } from "../train/trainers.ts";
import type { EpochRecord } from "../train/train.ts";
import { LOCK_FILE, lockRunDir, type RunLock } from "./lock.ts";

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
  lock: LOCK_FILE,
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

/** Files a run folder may hold: what `--force` is allowed to remove. */
function isRunFile(name: string): boolean {
  return (Object.values(RUN_FILES) as string[]).includes(name) || name.endsWith(".onnx") ||
    /^\..*\.tmp$/.test(name);
}

/**
 * Prepares `dir` for a new run: creates it, locks it, and checks it is empty. A folder that is
 * not is refused, unless `force` is set and it holds only a run's files: then they are removed.
 * Throws a one-line {@linkcode UsageError}; the lock is released on any error.
 */
export async function openNewRunDir(dir: string, force = false): Promise<RunLock> {
  const lock = await lockRunDir(await makeDir("--out", dir));
  try {
    const names: string[] = [];
    for await (const entry of Deno.readDir(dir)) {
      if (entry.name !== LOCK_FILE) names.push(entry.name);
    }
    names.sort();
    if (names.length > 0 && !force) {
      const what = names.includes(RUN_FILES.record) ? "a run" : `${names.length} file(s)`;
      throw new UsageError(
        `--out ${dir} is not empty (it holds ${what}); pass --resume ${dir} to continue a run ` +
          `there, or --force to clear it first`,
      );
    }
    const foreign = names.filter((n) => !isRunFile(n));
    if (foreign.length > 0) {
      throw new UsageError(
        `--force clears run folders only, and ${dir} holds other files too (${
          foreign.slice(0, 3).join(", ")
        }${foreign.length > 3 ? ", …" : ""}); clear it yourself`,
      );
    }
    for (const name of names) await Deno.remove(join(dir, name), { recursive: true });
    return lock;
  } catch (err) {
    lock.release();
    throw err;
  }
}

/** What a run folder shows of a run: the plot and the report. */
export interface RunViews {
  /** `perplexity.svg`. */
  svg: string;
  /** `report.html`. */
  html: string;
}

/**
 * Writes a run's state into `dir`: the parameters with their checkpoint, the plot and the report
 * (when given), then `run.json`, each atomically. Returns the record as written.
 */
export async function writeRunDir(
  dir: string,
  record: Omit<RunRecord, "params">,
  params: ParamArrays,
  views: RunViews | undefined,
  sampler: PyRandomState | null = null,
): Promise<RunRecord> {
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
  const bytes = encodeSafetensors(params, {
    format: "rnnlab-params/1",
    checkpoint: JSON.stringify(checkpoint),
  });
  await writeFileAtomic(join(dir, RUN_FILES.params), bytes);
  if (views !== undefined) await writeViews(dir, views);
  return await writeRecord(dir, {
    ...record,
    params: { file: RUN_FILES.params, sha256: await sha256Hex(bytes) },
  });
}

/** Writes `run.json` alone (a new status, the parameters unchanged), atomically. */
export async function writeRecord(dir: string, record: RunRecord): Promise<RunRecord> {
  await writeFileAtomic(join(dir, RUN_FILES.record), JSON.stringify(record, null, 2) + "\n");
  return record;
}

/** Writes the plot and the report alone, each atomically. */
export async function writeViews(dir: string, views: RunViews): Promise<void> {
  await writeFileAtomic(join(dir, RUN_FILES.plot), views.svg);
  await writeFileAtomic(join(dir, RUN_FILES.report), views.html);
}

/** Reads `name` in the run folder `dir`; a missing file is a one-line {@linkcode UsageError}. */
async function readRunFile(dir: string, name: string): Promise<Uint8Array<ArrayBuffer>> {
  try {
    return await Deno.readFile(join(dir, name));
  } catch (err) {
    const why = err instanceof Deno.errors.NotFound ? "missing" : fsReason(err);
    throw new UsageError(`run folder ${dir} is incomplete: ${name} ${why}`);
  }
}

/**
 * Reads `run.json` of the run folder `dir`, which must exist (a one-line error otherwise). A run
 * recorded before runs had a status, or a choice of trainer, was complete, on the reference
 * trainer: the record returned says so.
 */
export async function readRecord(dir: string): Promise<RunRecord> {
  const info = await Deno.stat(dir).catch((err) => {
    if (err instanceof Deno.errors.NotFound) {
      throw new UsageError(`run folder ${dir} does not exist`);
    }
    throw new UsageError(`run folder ${dir}: ${fsReason(err)}`);
  });
  if (!info.isDirectory) throw new UsageError(`run folder ${dir} is not a folder`);
  let record: Omit<RunRecord, "status" | "trainer"> & Partial<RunRecord>;
  try {
    record = JSON.parse(new TextDecoder().decode(await readRunFile(dir, RUN_FILES.record)));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`run folder ${dir}: ${RUN_FILES.record} is not valid JSON`);
  }
  if (record?.format !== RUN_FORMAT) {
    throw new UsageError(`run folder ${dir}: ${RUN_FILES.record} is not an ${RUN_FORMAT} record`);
  }
  return { ...record, status: record.status ?? "complete", trainer: record.trainer ?? "reference" };
}

/** Decodes the parameters' file and checks their shapes for `vocabSize` and `hidden`. */
function decodeParams(
  dir: string,
  bytes: Uint8Array,
  vocabSize: number,
  hidden: number,
): { params: ParamArrays; metadata: Record<string, string> } {
  let decoded;
  try {
    decoded = decodeSafetensors(bytes);
  } catch (err) {
    throw new UsageError(`run folder ${dir}: ${RUN_FILES.params}: ${(err as Error).message}`);
  }
  const { tensors, metadata } = decoded;
  const [v, h] = [vocabSize, hidden];
  const shapes = { W_xh: [v, h], W_hh: [h, h], b_h: [h], W_hy: [h, v], b_y: [v] };
  for (const name of PARAM_NAMES) {
    if (String(tensors[name]?.shape) !== String(shapes[name])) {
      throw new UsageError(
        `run folder ${dir}: ${name} should have shape [${shapes[name]}], has [${
          tensors[name]?.shape ?? "none"
        }]`,
      );
    }
  }
  return { params: tensors as ParamArrays, metadata };
}

/**
 * Reads a run folder back: `run.json` and the parameters, checked against each other (digest and
 * shapes). Throws a {@linkcode UsageError} naming what is missing or inconsistent.
 */
export async function readRunDir(dir: string): Promise<{ record: RunRecord; params: ParamArrays }> {
  const record = await readRecord(dir);
  const bytes = await readRunFile(dir, record.params.file);
  if (await sha256Hex(bytes) !== record.params.sha256) {
    throw new UsageError(
      `run folder ${dir}: ${record.params.file} does not match run.json's digest`,
    );
  }
  const { params } = decodeParams(dir, bytes, record.vocab.length, record.config.hidden);
  return { record, params };
}

/** A run folder opened to continue training: locked, with its record and its checkpoint. */
export interface ResumableRun {
  /** The lock, held until the caller releases it. */
  lock: RunLock;
  /** `run.json` as it was (one epoch behind the checkpoint, at most). */
  record: RunRecord;
  /** What training continues from. */
  checkpoint: Checkpoint;
  /** The checkpoint's parameters. */
  params: ParamArrays;
  /** The SHA-256 of the parameters' file. */
  sha256: string;
}

/**
 * Locks the run folder `dir` and reads its checkpoint, which comes first: a process stopped
 * between writing the parameters and `run.json` left a record one epoch behind them. Throws a
 * one-line {@linkcode UsageError}; the lock is released on any error.
 */
export async function openRunDirToResume(dir: string): Promise<ResumableRun> {
  const record = await readRecord(dir);
  const lock = await lockRunDir(dir);
  try {
    const bytes = await readRunFile(dir, RUN_FILES.params);
    const hidden = record.config.hidden;
    const { params, metadata } = decodeParams(dir, bytes, record.vocab.length, hidden);
    let checkpoint: Checkpoint | undefined;
    try {
      checkpoint = JSON.parse(metadata.checkpoint ?? "null");
    } catch {
      // reported below
    }
    if (checkpoint?.format !== CHECKPOINT_FORMAT) {
      throw new UsageError(
        `run folder ${dir}: ${RUN_FILES.params} holds no checkpoint to resume from ` +
          `(written before runs could be resumed)`,
      );
    }
    if (checkpoint.config.iter === "random" && checkpoint.sampler === null) {
      throw new UsageError(`run folder ${dir}: its checkpoint lacks the sampler's state`);
    }
    return { lock, record, checkpoint, params, sha256: await sha256Hex(bytes) };
  } catch (err) {
    lock.release();
    throw err;
  }
}

/**
 * Refuses parameters that are no model: those of a run that diverged, that are not finite, or of
 * a run with no epoch done (a one-line {@linkcode UsageError}).
 */
export function checkUsable(dir: string, record: RunRecord, params: ParamArrays): void {
  if (record.status === "diverged") {
    const d = record.divergence;
    throw new UsageError(
      `run ${dir} diverged${d ? ` in epoch ${d.epoch} (${d.reason})` : ""}; ` +
        `its parameters are no model`,
    );
  }
  if (!paramsFinite(params)) {
    throw new UsageError(`run ${dir} has parameters that are not finite; they are no model`);
  }
  if (record.curve.length === 0) {
    throw new UsageError(`run ${dir} has no epoch done yet; there is no model to use`);
  }
}
