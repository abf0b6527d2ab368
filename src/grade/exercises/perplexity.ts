/**
 * Exercise 7, the chapter's perplexity: `exp` of the mean softmax cross-entropy.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import type { Value } from "../codec.ts";
import { NumpyRandomState } from "../../random/numpy_random.ts";
import * as staff from "../staff_solution.ts";
import { type Exercise, FLOAT, hiddenCase, publicCase } from "./exercise.ts";
import { argsOf, indices, normal, range, tensor } from "./values.ts";

/** The arguments of a case: `steps` outputs of random logits × `scale`, random labels. */
function perplexityArgs(
  { seed, batch, steps, vocab, scale }: {
    seed: number;
    batch: number;
    steps: number;
    vocab: number;
    scale: number;
  },
): Record<string, Value> {
  const state = new NumpyRandomState(seed);
  return {
    outputs: range(steps).map(() => normal(state, [batch, vocab], scale)),
    label: indices({ seed, rows: batch, cols: steps, below: vocab }),
  };
}

/** The exercise. */
export function perplexityExercise(): Exercise {
  return {
    name: "perplexity",
    title: "In [17] perplexity",
    points: 10,
    timeoutS: 30,
    tolerance: FLOAT,
    hint:
      "The perplexity is exp of the mean softmax cross-entropy. The outputs are one per time step: " +
      "concatenate them along axis 0 and flatten the label as label.T.reshape(-1) so that they line up.",
    place: () => "the perplexity",
    cases: [
      publicCase(
        "batch 2, steps 3, vocab 5",
        perplexityArgs({ seed: 61, batch: 2, steps: 3, vocab: 5, scale: 1 }),
      ),
      publicCase("the chapter's baseline: uniform predictions over 30 characters give 30", {
        outputs: range(4).map(() => tensor("float32", [2, 30], new Array(60).fill(0))),
        label: indices({ seed: 62, rows: 2, cols: 4, below: 30 }),
      }),
      hiddenCase(
        "batch 1, steps 4",
        perplexityArgs({ seed: 63, batch: 1, steps: 4, vocab: 6, scale: 1 }),
      ),
      hiddenCase(
        "steps 1, batch 3",
        perplexityArgs({ seed: 64, batch: 3, steps: 1, vocab: 6, scale: 1 }),
      ),
      hiddenCase(
        "confident outputs: batch 3, steps 5, vocab 12, logits × 5",
        perplexityArgs({ seed: 65, batch: 3, steps: 5, vocab: 12, scale: 5 }),
      ),
    ],
    expected: (c) => {
      const a = argsOf<{ outputs: tf.Tensor2D[]; label: tf.Tensor2D }>(c);
      return staff.perplexity(a.outputs, a.label);
    },
  };
}
