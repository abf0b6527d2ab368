/**
 * `deno task train`'s command line (its flags are `train_flags.ts`'s): parsing it, and the choices
 * a run makes besides its config: the backend, the trainer, and where the corpus is, a path as the
 * user typed it.
 *
 * @module
 */

import { choiceFlag } from "../cli/flag_values.ts";
import { parseFlags } from "../cli/flags.ts";
import { userPath } from "../cli/paths.ts";
import type { CorpusOptions } from "../data/corpus.ts";
import { BACKEND_CHOICES, type BackendChoice } from "../train/backend.ts";
import { TRAINER_CHOICES, type TrainerChoice } from "../train/trainers.ts";
import { type RunFlagName, TRAIN_FLAGS } from "./train_flags.ts";

/** Parses `args` as `deno task train`'s flags (strictly: an unknown flag is a usage error). */
export function parseTrainFlags(args: string[]) {
  return parseFlags(args, TRAIN_FLAGS);
}

/** What a run is trained with besides its config. */
export interface RunChoices {
  /** `--backend`: `auto` unless given. */
  backend: BackendChoice;
  /** `--trainer`, when given. */
  trainer?: TrainerChoice;
  /** `--data`, `--dataset`, `--allow-unknown-data` (a path as the user meant it). */
  corpus: CorpusOptions;
}

/** Reads `--backend` (default `auto`), `--trainer` and the corpus flags, validated. */
export function runChoicesFromFlags(flags: Partial<Record<RunFlagName, unknown>>): RunChoices {
  const text = (name: RunFlagName) => flags[name] === undefined ? undefined : String(flags[name]);
  const backend = text("backend");
  const trainer = text("trainer");
  const data = text("data");
  return {
    backend: backend === undefined ? "auto" : choiceFlag("backend", backend, BACKEND_CHOICES),
    trainer: trainer === undefined ? undefined : choiceFlag("trainer", trainer, TRAINER_CHOICES),
    corpus: {
      data: data === undefined ? undefined : userPath(data),
      dataset: text("dataset"),
      allowUnknownData: flags["allow-unknown-data"] === true ? true : undefined,
    },
  };
}
