/**
 * The chapter's own printed results (`golden/chapter_printed.json`), to compare and plot against.
 *
 * @module
 */

import chapter from "../../golden/chapter_printed.json" with { type: "json" };
import { CHAPTER_CORPUS_CHARS } from "../data/read_corpus.ts";
import { CHAPTER_STATE_INIT, type StateInit, stateInitOf } from "../train/config.ts";

/** The settings a curve depends on, as a run's config names them (a `TrainConfig` is one). */
export interface CurveSetting {
  /** The sampler. */
  iter: "random" | "consecutive";
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
export function chapterCurve(iter: CurveSetting["iter"]): ChapterEpoch[] {
  return chapter.training[iter].curve;
}

/** The chapter's setting, as {@linkcode readChapterCurve} compares it: `hidden 256, batch 32, …`. */
export function chapterSettingText(): string {
  const c = chapter.training.config;
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
  const setting = { ...chapter.training.config, corpusChars: CHAPTER_CORPUS_CHARS };
  return sameSetting(config, setting) && stateInitMismatch(config) === undefined
    ? chapterCurve(config.iter)
    : [];
}
