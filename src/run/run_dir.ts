/**
 * A training run on disk: the folder `deno task train --out DIR` writes and `deno task export`
 * reads.
 *
 * - `params.safetensors`: W_xh, W_hh, b_h, W_hy, b_y as float32 (safetensors; metadata holds the
 *   format name);
 * - `perplexity.svg`: the curve, log scale, beside the chapter's printed points;
 * - `run.json`: the {@linkcode RunRecord}, written last, so a folder with a `run.json` is complete.
 *
 * Every file is written atomically.
 *
 * @module
 */

import { join } from "node:path";
import { UsageError } from "../cli/errors.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { decodeSafetensors, encodeSafetensors } from "../io/safetensors.ts";
import { sha256Hex } from "../io/sha256.ts";
import { PARAM_NAMES, type ParamArrays } from "../model/params.ts";
import type { BackendInfo } from "../train/backend.ts";
import type { TrainConfig } from "../train/config.ts";
import type { TrainerName } from "../train/trainers.ts";
import type { EpochRecord } from "../train/train.ts";

/** The value of `run.json`'s `format` field. */
export const RUN_FORMAT = "rnnlab-run/1";

/** The file names inside a run folder. */
export const RUN_FILES = {
  record: "run.json",
  params: "params.safetensors",
  plot: "perplexity.svg",
} as const;

/** Everything `run.json` records about a run. */
export interface RunRecord {
  /** {@linkcode RUN_FORMAT}. */
  format: typeof RUN_FORMAT;
  /** The settings, seed included. */
  config: TrainConfig;
  /** The corpus: its known version (`null` for an allowed unknown corpus), digest and path. */
  dataset: { version: string | null; sha256: string; path: string };
  /** `idx_to_char`: the vocabulary in index order. */
  vocab: string[];
  /** The software that ran it. */
  environment: {
    deno: string;
    v8: string;
    typescript: string;
    tfjs: string;
    os: string;
    arch: string;
  };
  /** Where tfjs ran. */
  backend: BackendInfo;
  /** What computed the steps (absent from runs recorded before there was a choice: reference). */
  trainer?: TrainerName;
  /** One record per epoch: perplexity, seconds, and predictions on the printed epochs. */
  curve: EpochRecord[];
  /** The last epoch's perplexity. */
  finalPerplexity: number;
  /** The trained model's prediction from each prefix. */
  predictions: { prefix: string; text: string }[];
  /** ISO timestamps and the total wall-clock time. */
  startedAt: string;
  /** When training ended. */
  finishedAt: string;
  /** Seconds from the first epoch's start to the end of the last. */
  totalSeconds: number;
  /** The parameter file and its SHA-256. */
  params: { file: string; sha256: string };
}

/** Makes sure `dir` exists and can be written, before any training starts. */
export async function checkOutDir(dir: string): Promise<void> {
  try {
    await Deno.mkdir(dir, { recursive: true });
    const probe = join(dir, `.write-test-${crypto.randomUUID()}`);
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (err) {
    throw new UsageError(`--out ${dir} is not writable (${(err as Error).message})`);
  }
}

/** Writes the parameters, the plot and then `run.json` into `dir`, each atomically. */
export async function writeRunDir(
  dir: string,
  record: Omit<RunRecord, "params">,
  params: ParamArrays,
  svg: string,
): Promise<RunRecord> {
  const bytes = encodeSafetensors(params, { format: "rnnlab-params/1" });
  await writeFileAtomic(join(dir, RUN_FILES.params), bytes);
  await writeFileAtomic(join(dir, RUN_FILES.plot), svg);
  const full: RunRecord = {
    ...record,
    params: { file: RUN_FILES.params, sha256: await sha256Hex(bytes) },
  };
  await writeFileAtomic(join(dir, RUN_FILES.record), JSON.stringify(full, null, 2) + "\n");
  return full;
}

/**
 * Reads a run folder back: `run.json` and the parameters, checked against each other (digest and
 * shapes). Throws a {@linkcode UsageError} naming what is missing or inconsistent.
 */
export async function readRunDir(dir: string): Promise<{ record: RunRecord; params: ParamArrays }> {
  const info = await Deno.stat(dir).catch((err) => {
    if (err instanceof Deno.errors.NotFound) {
      throw new UsageError(`run folder ${dir} does not exist`);
    }
    throw new UsageError(`run folder ${dir}: ${(err as Error).message}`);
  });
  if (!info.isDirectory) throw new UsageError(`run folder ${dir} is not a folder`);
  const read = async (name: string) => {
    try {
      return await Deno.readFile(join(dir, name));
    } catch (err) {
      const why = err instanceof Deno.errors.NotFound ? "missing" : (err as Error).message;
      throw new UsageError(`run folder ${dir} is incomplete: ${name} ${why}`);
    }
  };
  let record: RunRecord;
  try {
    record = JSON.parse(new TextDecoder().decode(await read(RUN_FILES.record)));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`run folder ${dir}: ${RUN_FILES.record} is not valid JSON`);
  }
  if (record?.format !== RUN_FORMAT) {
    throw new UsageError(`run folder ${dir}: ${RUN_FILES.record} is not an ${RUN_FORMAT} record`);
  }
  const bytes = await read(record.params.file);
  if (await sha256Hex(bytes) !== record.params.sha256) {
    throw new UsageError(
      `run folder ${dir}: ${record.params.file} does not match run.json's digest`,
    );
  }
  let tensors;
  try {
    tensors = decodeSafetensors(bytes).tensors;
  } catch (err) {
    throw new UsageError(`run folder ${dir}: ${record.params.file}: ${(err as Error).message}`);
  }
  const v = record.vocab.length;
  const h = record.config.hidden;
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
  return { record, params: tensors as ParamArrays };
}
