/**
 * Exercise 5, In [16] `grad_clipping`: clipping by the norm of all the gradients together.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import { NumpyRandomState } from "../../random/numpy_random.ts";
import * as staff from "../staff_solution.ts";
import { type Exercise, FLOAT, hiddenCase, publicCase } from "./exercise.ts";
import { argsOf, asReceived, normal, params, tensor } from "./values.ts";

/** The five gradients of a small model (vocab 6, hidden 4), drawn with `scale`. */
const grads = (seed: number, scale: number) => params({ seed, vocab: 6, hiddenDim: 4, scale });

/** The exercise. */
export function gradClippingExercise(): Exercise {
  return {
    name: "gradClipping",
    title: "In [16] grad_clipping",
    points: 10,
    timeoutS: 30,
    tolerance: FLOAT,
    hint:
      "In [16]: the norm is over all the gradients together, the square root of the sum of every " +
      "squared element; scale every gradient by θ / norm only when norm > θ, else return them unchanged.",
    place: (path) => path.length === 0 ? "the list of gradients" : `grads[${path[0]}]`,
    cases: [
      publicCase("global norm above θ: the five gradients of a model, θ = 1", {
        grads: grads(41, 1),
        theta: 1,
      }),
      publicCase("global norm below θ: unchanged, θ = 100", { grads: grads(42, 0.5), theta: 100 }),
      hiddenCase("norm exactly θ: [[3, 0]] and [4], θ = 5", {
        grads: [tensor("float32", [1, 2], [3, 0]), tensor("float32", [2], [4, 0])],
        theta: 5,
      }),
      hiddenCase("a single gradient, θ = 0.5", {
        grads: [normal(new NumpyRandomState(43), [3, 3], 1)],
        theta: 0.5,
      }),
      hiddenCase("the chapter's θ = 5 with large gradients", { grads: grads(44, 3), theta: 5 }),
    ],
    expected: (c) => {
      const a = argsOf<{ grads: tf.Tensor[]; theta: number }>(c);
      return asReceived(staff.gradClipping(a.grads, a.theta));
    },
  };
}
