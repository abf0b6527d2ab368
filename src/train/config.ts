/**
 * A training run's settings: the chapter's values (In [18] and [19], `src/chapter/chapter.ts`)
 * are the `chapter` preset, and every one can be changed by a flag of `deno task train`.
 *
 * @module
 */

import {
  CHAPTER_CORPUS_CHARS,
  CHAPTER_SETTINGS,
  type IterKind,
  type StateInit,
} from "../chapter/chapter.ts";

/** Everything that determines a training run, given the corpus. */
export interface TrainConfig {
  /** `is_random_iter`: the random sampler (state reset per batch) or the consecutive one (state carried). */
  iter: IterKind;
  /**
   * When the state is initialised (the chapter's second exercise); absent means the chapter's for
   * the sampler (`CHAPTER_STATE_INIT`), as in records made before it could be chosen.
   */
  stateInit?: StateInit;
  /** `epochs`. */
  epochs: number;
  /** The seed of both generators (the sampler's `PyRandom` and the parameters' `NumpyRandomState`). */
  seed: number;
  /** How many characters of the corpus to train on (`corpus_chars[0:20000]`). */
  corpusChars: number;
  /** `hidden_dim`. */
  hidden: number;
  /** `batch_size`. */
  batchSize: number;
  /** `num_steps`. */
  numSteps: number;
  /** `learning_rate`. */
  lr: number;
  /** `clipping_theta`. */
  theta: number;
  /** `pred_period`: predict (and print) every this many epochs. */
  predPeriod: number;
  /** `pred_len`: characters to predict after each prefix. */
  predLen: number;
  /** `seqs`: the prefixes to predict from. */
  prefixes: string[];
}

/** The chapter's run: In [19] (and In [20] with `iter: "consecutive"`), its settings on our seed. */
export const CHAPTER_PRESET: Readonly<TrainConfig> = Object.freeze({
  iter: "random",
  epochs: CHAPTER_SETTINGS.epochs,
  seed: 0,
  corpusChars: CHAPTER_CORPUS_CHARS,
  hidden: CHAPTER_SETTINGS.hidden,
  batchSize: CHAPTER_SETTINGS.batchSize,
  numSteps: CHAPTER_SETTINGS.numSteps,
  lr: CHAPTER_SETTINGS.lr,
  theta: CHAPTER_SETTINGS.theta,
  predPeriod: CHAPTER_SETTINGS.predPeriod,
  predLen: CHAPTER_SETTINGS.predLen,
  prefixes: [...CHAPTER_SETTINGS.prefixes],
});

/** A small configuration for tests and CI: the chapter's loop at a size the cpu backend runs in seconds. */
export const SMALL_PRESET: Readonly<TrainConfig> = Object.freeze({
  ...CHAPTER_PRESET,
  epochs: 2,
  corpusChars: 2000,
  hidden: 32,
  batchSize: 8,
  numSteps: 10,
  predPeriod: 1,
  predLen: 20,
  prefixes: ["分开", "不分开"], // 战 first appears after the first 10000 characters
});

/** The named presets of `--preset`. */
export const PRESETS: Readonly<Record<string, Readonly<TrainConfig>>> = {
  chapter: CHAPTER_PRESET,
  small: SMALL_PRESET,
};
