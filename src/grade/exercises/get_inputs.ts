/**
 * Exercise 3, In [11] `get_inputs`: one-hot encoding, one matrix per time step.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import * as staff from "../staff_solution.ts";
import { type Exercise, hiddenCase, publicCase } from "./exercise.ts";
import { argsOf, asReceived, indices, tensor } from "./values.ts";

/** The exercise. */
export function getInputsExercise(): Exercise {
  return {
    name: "getInputs",
    title: "In [11] get_inputs",
    points: 10,
    timeoutS: 30,
    tolerance: null,
    hint:
      "In [11]: one one-hot matrix per time step, i.e. per column of data (iterate over data.T): " +
      "num_steps float32 tensors of batch_size × vocab_size.",
    place: (path) => path.length === 0 ? "the list of inputs" : `inputs[${path[0]}]`,
    cases: [
      publicCase("the chapter's toy batch [[0, 1, 2], [15, 16, 17]], vocab 30", {
        data: tensor("int32", [2, 3], [0, 1, 2, 15, 16, 17]),
        vocabSize: 30,
      }),
      publicCase("batch 3, steps 4, vocab 10", {
        data: indices({ seed: 21, rows: 3, cols: 4, below: 10 }),
        vocabSize: 10,
      }),
      hiddenCase("batch 1, steps 5, vocab 7", {
        data: indices({ seed: 22, rows: 1, cols: 5, below: 7 }),
        vocabSize: 7,
      }),
      hiddenCase("steps 1, batch 4, vocab 5", {
        data: indices({ seed: 23, rows: 4, cols: 1, below: 5 }),
        vocabSize: 5,
      }),
      hiddenCase("the chapter's vocabulary of 1465, batch 2, steps 3", {
        data: tensor("int32", [2, 3], [0, 1464, 885, 594, 1099, 279]),
        vocabSize: 1465,
      }),
    ],
    expected: (c) => {
      const a = argsOf<{ data: tf.Tensor2D; vocabSize: number }>(c);
      return asReceived(staff.getInputs(a.data, a.vocabSize));
    },
  };
}
