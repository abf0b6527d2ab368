/**
 * `deno task export`: a training run's folder becomes one self-describing ONNX file.
 *
 * @module
 */

import { join } from "node:path";
import { UsageError } from "../errors.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import type { ParamArrays } from "../model/params.ts";
import { fsReason } from "../io/fs.ts";
import { checkUsable, readRunDir } from "../run/run_dir.ts";
import { RUN_FILES, type RunRecord } from "../run/record.ts";
import { runMetadata } from "./metadata.ts";
import { encodeRnnModel } from "./model.ts";

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
 * Exports the run in `runDir` to `out` (default `runDir/model.onnx`), atomically, with the digest
 * of the parameters' file it read. A missing or incomplete run folder, or parameters that are no
 * model (a diverged run's, say), is a one-line {@linkcode UsageError}.
 */
export async function exportRun(runDir: string, out?: string): Promise<ExportResult> {
  const { record, params } = await readRunDir(runDir);
  checkUsable(runDir, record, params);
  const bytes = encodeRnnModel(params, runMetadata(record));
  const path = out ?? join(runDir, RUN_FILES.model);
  try {
    await writeFileAtomic(path, bytes);
  } catch (err) {
    throw new UsageError(`--out ${path} cannot be written: ${fsReason(err)}`);
  }
  return { path, bytes: bytes.length, record, params };
}
