/**
 * Exercise 4, In [13] `rnn`: the recurrence over all time steps, from a given state.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import type { Value } from "../codec.ts";
import type { RnnParams } from "../contract.ts";
import { NumpyRandomState } from "../../random/numpy_random.ts";
import * as staff from "../staff_solution.ts";
import { type Exercise, FLOAT, hiddenCase, publicCase } from "./exercise.ts";
import { argsOf, asReceived, indices, normal, oneHots, params, tensor } from "./values.ts";

/** A case's sizes and seed. */
interface RnnCase {
  seed: number;
  batch: number;
  steps: number;
  vocab: number;
  hiddenDim: number;
  /** Start from zeros, or from a random state. */
  state: "zero" | "random";
}

/** The arguments of a case: one-hot inputs of random indices, a state, parameters. */
function rnnArgs({ seed, batch, steps, vocab, hiddenDim, state }: RnnCase): Record<string, Value> {
  return {
    inputs: oneHots(indices({ seed, rows: batch, cols: steps, below: vocab }), vocab),
    state: state === "zero"
      ? tensor("float32", [batch, hiddenDim], new Array(batch * hiddenDim).fill(0))
      : normal(new NumpyRandomState(seed + 1000), [batch, hiddenDim], 0.5),
    params: params({ seed, vocab, hiddenDim, scale: 0.5 }),
  };
}

/** The exercise. */
export function rnnExercise(): Exercise {
  return {
    name: "rnn",
    title: "In [13] rnn",
    points: 15,
    timeoutS: 30,
    tolerance: FLOAT,
    hint: "In [13]: start from the given state; at each step H = tanh(X W_xh + H W_hh + b_h) and " +
      "Y = H W_hy + b_y; return [outputs (one per step), the last H].",
    place: (path) =>
      path.length === 0
        ? "the returned [outputs, state]"
        : path[0] === 1
        ? "state"
        : path.length === 1
        ? "outputs"
        : `outputs[${path[1]}]`,
    cases: [
      publicCase(
        "batch 2, steps 3, vocab 5, hidden 4, zero state",
        rnnArgs({ seed: 31, batch: 2, steps: 3, vocab: 5, hiddenDim: 4, state: "zero" }),
      ),
      publicCase(
        "batch 3, steps 4, vocab 8, hidden 6, a given state",
        rnnArgs({ seed: 32, batch: 3, steps: 4, vocab: 8, hiddenDim: 6, state: "random" }),
      ),
      hiddenCase(
        "batch 1, steps 5",
        rnnArgs({ seed: 33, batch: 1, steps: 5, vocab: 6, hiddenDim: 3, state: "random" }),
      ),
      hiddenCase(
        "steps 1",
        rnnArgs({ seed: 34, batch: 2, steps: 1, vocab: 5, hiddenDim: 4, state: "random" }),
      ),
      hiddenCase(
        "vocab 30, hidden 16, batch 4, steps 6",
        rnnArgs({ seed: 35, batch: 4, steps: 6, vocab: 30, hiddenDim: 16, state: "random" }),
      ),
    ],
    expected: (c) => {
      const a = argsOf<{ inputs: tf.Tensor2D[]; state: tf.Tensor2D; params: RnnParams }>(c);
      return asReceived(staff.rnn(a.inputs, a.state, a.params));
    },
  };
}
