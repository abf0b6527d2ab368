/**
 * Exercise 1, In [6] `data_iter_random`: the random sampler, over several epochs from one
 * generator. The expected batches come from the project's sampler (`src/data/iterators.ts`).
 *
 * @module
 */

import { dataIterRandom } from "../../data/iterators.ts";
import { PyRandom } from "../../random/py_random.ts";
import { type Exercise, hiddenCase, publicCase } from "./exercise.ts";
import { argsOf, batchesAsTensors, batchesPlace, batchesShown, range } from "./values.ts";

interface Args {
  corpusIndices: number[];
  batchSize: number;
  numSteps: number;
  seed: number;
  epochs: number;
}

/** Names a place in the epochs of batches: `epoch 2, batch 3, label`. */
const place = (path: number[]) =>
  path.length === 0 ? "the epochs" : `epoch ${path[0] + 1}, ${batchesPlace(path.slice(1))}`;

/** The exercise, its lyrics cases drawn from `lyrics` (the chapter's corpus as indices). */
export function dataIterRandomExercise(lyrics: number[]): Exercise {
  return {
    name: "dataIterRandom",
    title: "In [6] data_iter_random",
    points: 10,
    timeoutS: 30,
    tolerance: null,
    hint:
      "In [6]: num_examples = (len(corpus_indices) - 1) // num_steps (the -1 leaves room for the " +
      "label), epoch_size = num_examples // batch_size; shuffle the list of example indices with " +
      "rng.shuffle once per call, then take batch_size of them per batch; example j starts at " +
      "j * num_steps and its label one character later. Yield int32 tensors.",
    place,
    shown: batchesShown(1, place),
    cases: [
      publicCase("the chapter's In [7]: 0..29, batch 2, steps 3", {
        corpusIndices: range(30),
        batchSize: 2,
        numSteps: 3,
        seed: 20030,
        epochs: 1,
      }),
      publicCase("lyrics[0:200], batch 4, steps 7, two epochs from one generator", {
        corpusIndices: lyrics.slice(0, 200),
        batchSize: 4,
        numSteps: 7,
        seed: 1,
        epochs: 2,
      }),
      hiddenCase("batch 1: 0..49, steps 6, two epochs", {
        corpusIndices: range(50),
        batchSize: 1,
        numSteps: 6,
        seed: 7,
        epochs: 2,
      }),
      hiddenCase("a corpus that leaves a remainder: 0..102, batch 3, steps 5", {
        corpusIndices: range(103),
        batchSize: 3,
        numSteps: 5,
        seed: 11,
        epochs: 1,
      }),
      hiddenCase("steps 1: lyrics[0:40], batch 5", {
        corpusIndices: lyrics.slice(0, 40),
        batchSize: 5,
        numSteps: 1,
        seed: 3,
        epochs: 1,
      }),
    ],
    expected: (c) => {
      const a = argsOf<Args>(c);
      const rng = new PyRandom(a.seed);
      return range(a.epochs).map(() =>
        batchesAsTensors(dataIterRandom(a.corpusIndices, a.batchSize, a.numSteps, rng))
      );
    },
  };
}
