/**
 * Exercise 2, In [8] `data_iter_consecutive`: the consecutive sampler. The expected batches come
 * from the project's sampler (`src/data/iterators.ts`).
 *
 * @module
 */

import { dataIterConsecutive } from "../../data/iterators.ts";
import { type Exercise, hiddenCase, publicCase } from "./exercise.ts";
import { argsOf, batchesAsTensors, batchesPlace, batchesShown, range } from "./values.ts";

interface Args {
  corpusIndices: number[];
  batchSize: number;
  numSteps: number;
}

/** The exercise, its lyrics case drawn from `lyrics` (the chapter's corpus as indices). */
export function dataIterConsecutiveExercise(lyrics: number[]): Exercise {
  return {
    name: "dataIterConsecutive",
    title: "In [8] data_iter_consecutive",
    points: 10,
    timeoutS: 30,
    tolerance: null,
    hint:
      "In [8]: batch_len = len(corpus_indices) // batch_size; lay corpus_indices[:batch_size * " +
      "batch_len] out as batch_size rows; epoch_size = (batch_len - 1) // num_steps; batch i is " +
      "columns [i * num_steps, (i + 1) * num_steps) and its label the same columns plus one. " +
      "Yield int32 tensors.",
    place: batchesPlace,
    shown: batchesShown(0, batchesPlace),
    cases: [
      publicCase("the chapter's In [9]: 0..29, batch 2, steps 3", {
        corpusIndices: range(30),
        batchSize: 2,
        numSteps: 3,
      }),
      publicCase("lyrics[0:300], batch 4, steps 7", {
        corpusIndices: lyrics.slice(0, 300),
        batchSize: 4,
        numSteps: 7,
      }),
      hiddenCase("batch 1: 0..39, steps 6", {
        corpusIndices: range(40),
        batchSize: 1,
        numSteps: 6,
      }),
      hiddenCase("a corpus that leaves a remainder: 0..102, batch 3, steps 5", {
        corpusIndices: range(103),
        batchSize: 3,
        numSteps: 5,
      }),
      hiddenCase("labels that reach the end of each row: 0..31, batch 2, steps 5", {
        corpusIndices: range(32),
        batchSize: 2,
        numSteps: 5,
      }),
    ],
    expected: (c) => {
      const a = argsOf<Args>(c);
      return batchesAsTensors(dataIterConsecutive(a.corpusIndices, a.batchSize, a.numSteps));
    },
  };
}
