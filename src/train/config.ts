/**
 * A training run's settings: the chapter's values (In [18] and [19]) are the `chapter` preset, and
 * every one can be changed by a flag of `deno task train`.
 *
 * @module
 */

import { CHAPTER_CORPUS_CHARS } from "../data/read_corpus.ts";

/** Which of the chapter's two samplers feeds the training. */
export type IterKind = "random" | "consecutive";

/**
 * When the hidden state is initialised: before every minibatch (`batch`), or at the start of each
 * epoch and then carried, detached, from one minibatch to the next (`epoch`).
 */
export type StateInit = "batch" | "epoch";

/** The `--state-init` values. */
export const STATE_INITS: readonly StateInit[] = ["batch", "epoch"];

/**
 * The chapter's state initialisation for each sampler: the random sampler's minibatches are
 * unrelated, so it starts each from zeros; the consecutive sampler's continue one another, so it
 * carries the state through the epoch.
 */
export const CHAPTER_STATE_INIT: Readonly<Record<IterKind, StateInit>> = {
  random: "batch",
  consecutive: "epoch",
};

/** Everything that determines a training run, given the corpus. */
export interface TrainConfig {
  /** `is_random_iter`: the random sampler (state reset per batch) or the consecutive one (state carried). */
  iter: IterKind;
  /**
   * When the state is initialised (the chapter's second exercise); absent means the chapter's for
   * the sampler ({@linkcode CHAPTER_STATE_INIT}), as in records made before it could be chosen.
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

/** When `config` initialises the hidden state: its own setting, else the chapter's for its sampler. */
export function stateInitOf(config: Pick<TrainConfig, "iter" | "stateInit">): StateInit {
  return config.stateInit ?? CHAPTER_STATE_INIT[config.iter];
}

/** The chapter's run: In [19] (and In [20] with `iter: "consecutive"`). */
export const CHAPTER_PRESET: Readonly<TrainConfig> = Object.freeze({
  iter: "random",
  epochs: 200,
  seed: 0,
  corpusChars: CHAPTER_CORPUS_CHARS,
  hidden: 256,
  batchSize: 32,
  numSteps: 35,
  lr: 0.2,
  theta: 5,
  predPeriod: 20,
  predLen: 100,
  prefixes: ["分开", "不分开", "战争中部队"],
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
