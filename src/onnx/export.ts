/**
 * `deno task export`: a training run's folder becomes one self-describing ONNX file.
 *
 * @module
 */

import { join } from "node:path";
import { UsageError } from "../cli/errors.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import type { ParamArrays } from "../model/params.ts";
import { readRunDir, type RunRecord } from "../run/run_dir.ts";
import { runMetadata } from "./metadata.ts";
import { encodeRnnModel } from "./model.ts";

/** The file name an export writes into the run folder when no `--out` is given. */
export const DEFAULT_MODEL_FILE = "model.onnx";

/** What an export wrote, and the run it came from. */
export interface ExportResult {
  /** The file written. */
  path: string;
  /** Its size in bytes. */
  bytes: number;
  /** The run's record. */
  record: RunRecord;
  /** The run's parameters, as exported. */
  params: ParamArrays;
}

/**
 * Exports the run in `runDir` to `out` (default `runDir/model.onnx`), atomically. A missing or
 * incomplete run folder is a one-line {@linkcode UsageError} from {@linkcode readRunDir}.
 */
export async function exportRun(runDir: string, out?: string): Promise<ExportResult> {
  const { record, params } = await readRunDir(runDir);
  const bytes = encodeRnnModel(params, runMetadata(record));
  const path = out ?? join(runDir, DEFAULT_MODEL_FILE);
  try {
    await writeFileAtomic(path, bytes);
  } catch (err) {
    throw new UsageError(`--out ${path} cannot be written (${(err as Error).message})`);
  }
  return { path, bytes: bytes.length, record, params };
}
