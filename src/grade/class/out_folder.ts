/**
 * A class's `--out` folder: made (never inside the submissions), and read back by resuming and
 * collecting: `batch.json` (the manifest) and the records under `records/`.
 *
 * @module
 */

import { isAbsolute, join, relative, resolve } from "node:path";
import { UsageError } from "../../errors.ts";
import { statOrNull } from "../../io/fs.ts";
import type { Shard } from "../../cli/shard.ts";
import type { ExerciseName } from "../contract.ts";
import type { LatePolicy } from "./late.ts";
import type { StudentRecord } from "./outputs.ts";

/** The folder's description of its class, `batch.json`: what collecting and resuming read. */
export interface Manifest {
  /** Always {@linkcode MANIFEST_FORMAT}. */
  format: string;
  /** The grader's version. */
  grader: string;
  /** The exercises graded, in order, and their points. */
  exercises: { name: ExerciseName; points: number }[];
  /** The share graded, or `null` for the whole class. */
  shard: Shard | null;
  /** The record files of the students graded, under `records/`. */
  records: string[];
  /** What concerns the class rather than one student (entries left out of a zip, …). */
  notes: string[];
  /** The late policy applied to the grades, or `null` for none. */
  late: LatePolicy | null;
}

/** The format tag of `batch.json`. */
export const MANIFEST_FORMAT = "rnnlab-grade-batch/1";

/** Makes `out` and its subfolders; refuses a file, or a folder inside `inside`. */
export async function prepareOut(out: string, inside?: string): Promise<void> {
  if (inside !== undefined) {
    const rel = relative(resolve(inside), resolve(out));
    if (rel === "" || (!rel.startsWith("..") && !isAbsolute(rel))) {
      throw new UsageError(`--out ${out} is inside the submissions folder ${inside}`);
    }
  }
  const info = await statOrNull(out);
  if (info !== null && !info.isDirectory) throw new UsageError(`--out ${out} is not a folder`);
  await Deno.mkdir(join(out, "records"), { recursive: true });
  await Deno.mkdir(join(out, "feedback"), { recursive: true });
}

/** The JSON file `path`, or `null` when it is missing, unreadable or not JSON: one to redo. */
export async function readJsonOrNull<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch {
    return null;
  }
}

/** The manifest of the folder `dir`, or `null` when it has none (or not one of this format). */
export async function readManifest(dir: string): Promise<Manifest | null> {
  const manifest = await readJsonOrNull<Manifest>(join(dir, "batch.json"));
  return manifest?.format === MANIFEST_FORMAT ? { ...manifest, late: manifest.late ?? null } : null;
}

/** A record file, or `null`; fields that records of earlier versions lack get their defaults. */
export async function readRecord(path: string): Promise<StudentRecord | null> {
  const record = await readJsonOrNull<StudentRecord>(path);
  if (record === null) return null;
  record.submittedAt ??= null;
  record.lateMarker ??= false;
  record.hiddenWrong ??= {};
  return record;
}
