/**
 * The chapter's own printed results (`golden/chapter_printed.json`), to compare and plot against.
 *
 * @module
 */

import chapter from "../../golden/chapter_printed.json" with { type: "json" };
import { CHAPTER_CORPUS_CHARS } from "../data/corpus.ts";

/** The settings a curve depends on, as a run's config names them (a `TrainConfig` is one). */
export interface CurveSetting {
  /** The sampler. */
  iter: "random" | "consecutive";
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
 * The chapter's curve when `config` is the chapter's own setting (the sampler aside), else an
 * empty list: there is nothing to compare a different setting with.
 */
export function readChapterCurve(config: CurveSetting): ChapterEpoch[] {
  const setting = { ...chapter.training.config, corpusChars: CHAPTER_CORPUS_CHARS };
  return sameSetting(config, setting) ? chapterCurve(config.iter) : [];
}
