/**
 * What an exported model says about itself, as ONNX `metadata_props` (string keys and values):
 * enough to generate text from the file alone (`vocab`), and to trace it back to its run.
 *
 * @module
 */

import type { RunRecord } from "../run/record.ts";

/** The metadata keys an rnnlab export writes. */
export const METADATA_KEYS = {
  /** The vocabulary in index order, as a JSON array of strings (`idx_to_char`). */
  vocab: "vocab",
  /** The run's {@linkcode TrainConfig}, as JSON. */
  config: "train_config",
  /** The seed of the run's generators, in decimal. */
  seed: "seed",
  /** The corpus's known version (`2017`, `2018`), or `unknown`. */
  datasetVersion: "dataset_version",
  /** The corpus zip's SHA-256, lowercase hex. */
  datasetSha256: "dataset_sha256",
  /** The last epoch's perplexity, as a decimal number. */
  finalPerplexity: "final_perplexity",
  /** The SHA-256 of the run's `params.safetensors` that was exported, lowercase hex. */
  paramsSha256: "params_sha256",
} as const;

/** The metadata of a training run, as key/value strings in a fixed order. */
export function runMetadata(record: RunRecord): Record<string, string> {
  const k = METADATA_KEYS;
  return {
    [k.vocab]: JSON.stringify(record.vocab),
    [k.config]: JSON.stringify(record.config),
    [k.seed]: String(record.config.seed),
    [k.datasetVersion]: record.dataset.version ?? "unknown",
    [k.datasetSha256]: record.dataset.sha256,
    [k.finalPerplexity]: String(record.finalPerplexity),
    [k.paramsSha256]: record.params.sha256,
  };
}

/**
 * Reads the vocabulary back from metadata. Throws a `RangeError` when `vocab` is absent or is not
 * a JSON array of distinct single characters.
 */
export function vocabFromMetadata(props: Record<string, string>): string[] {
  const raw = props[METADATA_KEYS.vocab];
  if (raw === undefined) throw new RangeError(`it has no '${METADATA_KEYS.vocab}' metadata`);
  let vocab: unknown;
  try {
    vocab = JSON.parse(raw);
  } catch {
    throw new RangeError(`its '${METADATA_KEYS.vocab}' metadata is not JSON`);
  }
  const ok = Array.isArray(vocab) && vocab.length > 0 &&
    vocab.every((c) => typeof c === "string" && Array.from(c).length === 1) &&
    new Set(vocab).size === vocab.length;
  if (!ok) {
    throw new RangeError(
      `its '${METADATA_KEYS.vocab}' metadata is not an array of distinct characters`,
    );
  }
  return vocab as string[];
}
