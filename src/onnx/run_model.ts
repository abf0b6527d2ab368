/**
 * An exported model set against the run it came from. `deno task export` records the digest of
 * the parameters' file it read (`params_sha256`); a `model.onnx` in a run folder whose parameters
 * changed since (the run went on, or was replaced) no longer describes that run. And a model whose
 * weights are not finite (a diverged run's) is no model at all.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { UsageError } from "../errors.ts";
import { RUN_FILES } from "../run/record.ts";
import { METADATA_KEYS } from "./metadata.ts";
import { type LoadedModel, readRnnModel } from "./model.ts";
import { FLOAT } from "./proto.ts";

/** Whether every float weight of `model` is finite. */
function modelFinite(model: LoadedModel): boolean {
  return (model.model.graph?.initializer ?? []).every((t) => {
    if (t.dataType !== FLOAT) return true;
    const raw = t.rawData ?? new Uint8Array();
    // A copy of whole floats: raw_data may start at any byte of the file.
    const values = new Float32Array(raw.slice(0, raw.length - raw.length % 4).buffer);
    return values.every(Number.isFinite) && (t.floatData ?? []).every(Number.isFinite);
  });
}

/**
 * Checks the model read from `path`: its weights must be finite, and, when it lies in a run folder
 * (beside a `run.json`), it must have been exported from that run's parameters; both are a
 * one-line {@linkcode UsageError}. Returns a warning when the match cannot be told (a model
 * exported before rnnlab recorded the digest), else `undefined`.
 */
export async function checkModelAgainstRun(
  path: string,
  model: LoadedModel,
): Promise<string | undefined> {
  if (!modelFinite(model)) {
    throw new UsageError(`model ${path} has weights that are not finite (its run diverged)`);
  }
  const dir = dirname(path);
  let recorded: string | undefined;
  try {
    recorded = JSON.parse(await Deno.readTextFile(join(dir, RUN_FILES.record)))?.params?.sha256;
  } catch {
    return undefined; // not in a run folder: nothing to compare with
  }
  const exported = model.metadata[METADATA_KEYS.paramsSha256];
  const redo = `re-export it: deno task export --run ${dir}`;
  if (exported === undefined) {
    return `model ${path} does not record which parameters it was exported from, so it may not ` +
      `match its run's; ${redo}`;
  }
  if (exported !== recorded) {
    throw new UsageError(
      `model ${path} was exported from other parameters than its run's (params_sha256 ` +
        `${exported.slice(0, 12)}…, the run's ${String(recorded).slice(0, 12)}…); ${redo}`,
    );
  }
  return undefined;
}

/**
 * For each run folder in `dirs` that holds a `model.onnx`: a warning line when the model does not
 * match the run (or cannot be told to), for tasks that read the run and not the model.
 */
export async function staleModelWarnings(dirs: readonly string[]): Promise<string[]> {
  const warnings: string[] = [];
  for (const dir of dirs) {
    const path = join(dir, RUN_FILES.model);
    try {
      await Deno.stat(path);
    } catch {
      continue; // no model in this run folder
    }
    try {
      const warning = await checkModelAgainstRun(path, await readRnnModel(path));
      if (warning) warnings.push(warning);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      warnings.push(err.message);
    }
  }
  return warnings;
}
