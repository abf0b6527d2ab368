/**
 * What a run checks before it trains, once its corpus is read and its backend started: the config
 * against the data (batch sizes, prefixes, prediction length), the trainer against the backend,
 * and the memory a step takes against what the backend holds. Each refusal is one line (a
 * {@linkcode UsageError}). No file access here: `deno task train` and the web page check alike.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import type { TrainingData } from "../data/read_corpus.ts";
import { consecutiveEpochSize, randomEpochSize } from "../data/iterators.ts";
import { checkPrefix, MAX_PREDICT_CHARS } from "../model/predict.ts";
import type { BackendInfo } from "../train/backend.ts";
import type { TrainConfig } from "../train/config.ts";
import {
  chooseTrainer,
  TRAINER_BACKENDS,
  type TrainerChoice,
  type TrainerName,
  trainerRunsOn,
} from "../train/trainers.ts";
import { type BackendCapacity, checkFits } from "./limits.ts";

/** The backend a run trains on, its trainer, and why that trainer (`requested`, or `auto`'s pick). */
export interface Engine {
  backend: BackendInfo;
  trainer: TrainerName;
  trainerReason: string;
}

/**
 * Checks the data and the parts of a config that depend on it, as one-line usage errors: at least
 * two distinct characters, batches that fit, prefixes in the vocabulary.
 */
export function checkConfigAgainstData(config: TrainConfig, data: TrainingData): void {
  const distinct = data.vocab.idxToChar;
  if (distinct.length < 2) {
    throw new UsageError(
      `the corpus has ${distinct.length} distinct character (${
        JSON.stringify(distinct.join(""))
      }) ` +
        `in its first ${data.chars.length}; a model that predicts the next character needs ` +
        `at least 2 (use a longer or richer corpus, or a larger --corpus-chars)`,
    );
  }
  if (config.predLen > MAX_PREDICT_CHARS) {
    throw new UsageError(`--pred-len must be in [0, ${MAX_PREDICT_CHARS}], got ${config.predLen}`);
  }
  try {
    const size = config.iter === "random" ? randomEpochSize : consecutiveEpochSize;
    size(data.indices.length, config.batchSize, config.numSteps);
    for (const prefix of config.prefixes) checkPrefix(prefix, data.vocab);
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * The trainer that `trainerChoice` names on the started `backend`, checked: it must run there,
 * and `config` must fit in what the backend holds (`capacity`).
 */
export function engineFor(
  backend: BackendInfo,
  trainerChoice: TrainerChoice,
  config: TrainConfig,
  data: TrainingData,
  capacity: BackendCapacity,
): Engine {
  const { name: trainer, reason: trainerReason } = chooseTrainer(trainerChoice, backend.name);
  if (!trainerRunsOn(trainer, backend.name)) {
    const needs = TRAINER_BACKENDS[trainer].join(" or ");
    throw new UsageError(
      `--trainer ${trainer} needs the ${needs} backend, but the run would use ${backend.name}`,
    );
  }
  checkFits(config, data.vocab.idxToChar.length, trainer, backend, capacity);
  return { backend, trainer, trainerReason };
}
