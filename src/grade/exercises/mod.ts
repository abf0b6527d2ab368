/**
 * The eight exercises of the chapter, one file each, in grading order. Every case is built from
 * fixed seeds, so grading is reproducible. Public cases are shown to students at once; hidden ones
 * (the edge cases: batch 1, a corpus that leaves a remainder, a gradient norm exactly at θ, ...)
 * count the same but are shown only after grades are published. The expected answers are computed
 * in the grader's process (the samplers with `src/data/iterators.ts`, the rest with
 * `../staff_solution.ts`); a child is sent the cases' arguments, never an expected answer.
 *
 * @module
 */

import { buildVocab, encode } from "../../data/vocab.ts";
import { dataIterConsecutiveExercise } from "./data_iter_consecutive.ts";
import { dataIterRandomExercise } from "./data_iter_random.ts";
import type { Exercise } from "./exercise.ts";
import { getInputsExercise } from "./get_inputs.ts";
import { gradClippingExercise } from "./grad_clipping.ts";
import { perplexityExercise } from "./perplexity.ts";
import { predictRnnExercise } from "./predict_rnn.ts";
import { rnnExercise } from "./rnn.ts";
import { trainRnnExercise } from "./train_rnn.ts";

export type { Case, Exercise } from "./exercise.ts";

/** The chapter's training text, as the sampler and end-to-end cases use it. */
export interface ChapterText {
  /** The prepared corpus characters (`corpus_chars[0:20000]`, newlines as spaces). */
  chars: string[];
}

/** The exercises in grading order, with their cases over the chapter's text. */
export function buildExercises(text: ChapterText): Exercise[] {
  const lyrics = encode(text.chars, buildVocab(text.chars));
  return [
    dataIterRandomExercise(lyrics),
    dataIterConsecutiveExercise(lyrics),
    getInputsExercise(),
    rnnExercise(),
    gradClippingExercise(),
    predictRnnExercise(),
    perplexityExercise(),
    trainRnnExercise(text.chars),
  ];
}
