/**
 * The chapter's specification in one place, for everyone who trains like it or checks a run
 * against it: its settings (In [18]–[20]) and the slice of the corpus it trains on, its two
 * samplers and when each initialises the hidden state, its printed results
 * (`golden/chapter_printed.json`, transcribed from the chapter), and how far a run of ours may sit
 * from them ({@linkcode CHAPTER_BAND}).
 *
 * @module
 */

import chapter from "../../golden/chapter_printed.json" with { type: "json" };

/** How many characters the chapter keeps for training (`corpus_chars[0:20000]`). */
export const CHAPTER_CORPUS_CHARS = 20000;

/**
 * The chapter's hyperparameters, as it prints them (In [18], [19]): `hidden_dim`, `batch_size`,
 * `num_steps`, `learning_rate`, `clipping_theta`, `epochs`, `pred_period`, `pred_len`, `seqs`.
 */
export const CHAPTER_SETTINGS: Readonly<typeof chapter.training.config> = chapter.training.config;

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

/** When `config` initialises the hidden state: its own setting, else the chapter's for its sampler. */
export function stateInitOf(config: { iter: IterKind; stateInit?: StateInit }): StateInit {
  return config.stateInit ?? CHAPTER_STATE_INIT[config.iter];
}

/**
 * How far a 200-epoch curve may sit from the chapter's printed one at each printed epoch: within
 * a factor of 1.15 either way. Same semantics, different random numbers (MXNet's generator and
 * initialisation draws are not reproducible), so the curves are not equal; how close the recorded
 * runs and a PyTorch port land is in golden/README.md. A wrong loss reduction, learning rate or
 * clipping misses by far more.
 */
export const CHAPTER_BAND = 1.15;

/** The settings a curve depends on, as a run's config names them (a `TrainConfig` is one). */
export interface CurveSetting {
  /** The sampler. */
  iter: IterKind;
  /** When the state is initialised (absent: the chapter's for the sampler). */
  stateInit?: StateInit;
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
  /** Characters of the corpus trained on. */
  corpusChars: number;
}

/** One printed epoch of the chapter: perplexity and the three predictions. */
export interface ChapterEpoch {
  /** The epoch. */
  epoch: number;
  /** The printed perplexity. */
  perplexity: number;
  /** The printed predictions, one per prefix. */
  predictions: string[];
}

/** The chapter's printed curve for `iter`. */
export function chapterCurve(iter: IterKind): ChapterEpoch[] {
  return chapter.training[iter].curve;
}

/** The chapter's setting, as {@linkcode readChapterCurve} compares it: `hidden 256, batch 32, …`. */
export function chapterSettingText(): string {
  const c = CHAPTER_SETTINGS;
  return `hidden ${c.hidden}, batch ${c.batchSize}, ${c.numSteps} steps, lr ${c.lr}, ` +
    `θ ${c.theta}, ${CHAPTER_CORPUS_CHARS} chars`;
}

/** Whether two settings train the same curve, the sampler aside. */
export function sameSetting(a: Omit<CurveSetting, "iter">, b: Omit<CurveSetting, "iter">): boolean {
  return a.hidden === b.hidden && a.batchSize === b.batchSize && a.numSteps === b.numSteps &&
    a.lr === b.lr && a.theta === b.theta && a.corpusChars === b.corpusChars;
}

/**
 * Why `config` initialises the state otherwise than the chapter does with its sampler, or
 * `undefined` when it does not: the chapter printed no curve for another choice.
 */
export function stateInitMismatch(config: CurveSetting): string | undefined {
  const own = stateInitOf(config);
  const chapters = CHAPTER_STATE_INIT[config.iter];
  return own === chapters ? undefined : `--state-init ${own} is a setting of its own: the ` +
    `chapter initialises the ${config.iter} sampler's state per ${chapters}`;
}

/**
 * The chapter's curve when `config` is the chapter's own setting (the sampler aside, with the
 * chapter's state initialisation for it), else an empty list: there is nothing to compare a
 * different setting with.
 */
export function readChapterCurve(config: CurveSetting): ChapterEpoch[] {
  const setting = { ...CHAPTER_SETTINGS, corpusChars: CHAPTER_CORPUS_CHARS };
  return sameSetting(config, setting) && stateInitMismatch(config) === undefined
    ? chapterCurve(config.iter)
    : [];
}
