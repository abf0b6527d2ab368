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
 * What each file holds is `record.ts`'s; reading and writing them is this module's.
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
import { decodeSafetensors } from "../io/safetensors.ts";
import { sha256Hex } from "../io/sha256.ts";
import { PARAM_NAMES, type ParamArrays, paramsFinite } from "../model/params.ts";
import type { PyRandomState } from "../random/py_random.ts";
import { LOCK_FILE, lockRunDir, type RunLock } from "./lock.ts";
import {
  type Checkpoint,
  CHECKPOINT_FORMAT,
  encodeRunParams,
  RUN_FILES,
  RUN_FORMAT,
  type RunRecord,
  type RunStatus,
} from "./record.ts";

/** Files a run folder may hold: what `--force` is allowed to remove. */
function isRunFile(name: string): boolean {
  return (Object.values(RUN_FILES) as string[]).includes(name) || name.endsWith(".onnx") ||
    /^\..*\.tmp$/.test(name);
}

/** Up to three of `names`, for a one-line message. */
function someOf(names: string[]): string {
  return `${names.slice(0, 3).join(", ")}${names.length > 3 ? ", …" : ""}`;
}

/** The status in `dir`'s `run.json`, or `undefined` when it cannot be read. */
async function statusIn(dir: string): Promise<RunStatus | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(join(dir, RUN_FILES.record))).status;
  } catch {
    return undefined;
  }
}

/**
 * Why the non-empty `dir` (holding `names`) cannot take a new run, with the hint that works there:
 * another folder when it holds files that are not a run's (`--force` removes only those), else
 * `--force`, and `--resume` for a run that can be continued as it is (`--epochs N` extends a
 * complete one; a diverged run would repeat its steps).
 */
async function notEmptyMessage(dir: string, names: string[]): Promise<string> {
  const foreign = names.filter((n) => !isRunFile(n));
  const anotherOut = "give --out a new or empty folder";
  if (foreign.length > 0) {
    return `--out ${dir} holds files that are not a run's (${someOf(foreign)}), which --force ` +
      `leaves alone; move them away, or ${anotherOut}`;
  }
  if (!names.includes(RUN_FILES.record)) {
    return `--out ${dir} holds the remains of a run (${
      someOf(names)
    }) but no ${RUN_FILES.record}; ` +
      `pass --force to clear them, or ${anotherOut}`;
  }
  const status = await statusIn(dir);
  const resume = status === "running" || status === "interrupted"
    ? `, or continue it with deno task train --resume ${dir}`
    : status === "complete"
    ? `, or train it further with deno task train --resume ${dir} --epochs N`
    : "";
  return `--out ${dir} holds a run (${
    status ?? "run.json unreadable"
  }); pass --force to replace it${resume}`;
}

/**
 * Prepares `dir` for a new run: creates it, locks it, and checks it is empty. A folder that is
 * not is refused, unless `force` is set and it holds only a run's files: then they are removed.
 * Throws a one-line {@linkcode UsageError} whose hint works there; the lock is released on any
 * error.
 */
export async function openNewRunDir(dir: string, force = false): Promise<RunLock> {
  const lock = await lockRunDir(await makeDir("--out", dir));
  try {
    const names: string[] = [];
    for await (const entry of Deno.readDir(dir)) {
      if (entry.name !== LOCK_FILE) names.push(entry.name);
    }
    names.sort();
    if (names.length > 0 && (!force || names.some((n) => !isRunFile(n)))) {
      throw new UsageError(await notEmptyMessage(dir, names));
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
  const bytes = encodeRunParams(record, params, sampler);
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
