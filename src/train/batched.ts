/**
 * A faster trainer for the CPU backends (wasm and cpu): the chapter's math, arranged so the large
 * products run once per minibatch instead of once per step.
 *
 * - X_t·W_xh for all steps at once is a row gather of W_xh ({@linkcode gatherRows}), since X_t
 *   is one-hot;
 * - the output layer Y = H·W_hy + b_y runs once on the states of all steps stacked, in the row
 *   order the loss uses (t·batch + b);
 * - only the recurrence H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h) stays step by step.
 *
 * The loss, clipping and SGD are the reference's. The sums run in another order, so its curve
 * equals the reference's to float32 rounding, not bit for bit (`deno task bench` and the tests
 * state by how much).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { stepMajor } from "../data/step_major.ts";
import { gatherRows } from "../model/gather_rows.ts";
import type { Params } from "../model/params.ts";
import { sequenceLossStacked } from "./loss.ts";
import { type Forward, stepTrainer, type TrainerFactory } from "./train.ts";

/**
 * The forward pass over a minibatch, batched over steps: the logits of every step stacked
 * (rows t·batch + b, numSteps·batch × vocab) and the last state.
 */
export function rnnBatched(
  data: number[][],
  state: tf.Tensor2D,
  params: Params,
): { logits: tf.Tensor2D; state: tf.Tensor2D } {
  const numSteps = data[0].length;
  const { wXh, wHh, bH, wHy, bY } = params;
  const tokens = tf.tensor1d(stepMajor(data), "int32");
  const xw = gatherRows(wXh as tf.Tensor2D, tokens).split<tf.Tensor2D>(numSteps); // X_t W_xh, every t
  let h = state;
  const hs: tf.Tensor2D[] = [];
  for (const x of xw) {
    h = x.add(h.matMul(wHh)).add<tf.Tensor2D>(bH).tanh(); // H_t
    hs.push(h);
  }
  const logits = tf.concat(hs, 0).matMul(wHy).add<tf.Tensor2D>(bY); // Y = H W_hy + b_y, every step
  return { logits, state: h };
}

/** {@linkcode rnnBatched} as a {@linkcode Forward}: the stacked logits are one output. */
export const batchedForward: Forward = (params, state, data) => {
  const { logits, state: h } = rnnBatched(data, state, params);
  return { outputs: [logits], state: h };
};

/**
 * The batched trainer: {@linkcode batchedForward}, the loss over the stacked logits with its
 * gradient written out ({@linkcode sequenceLossStacked}), then the reference's clipping and SGD.
 */
export const batchedTrainer: TrainerFactory = stepTrainer(
  batchedForward,
  (outputs, label) => sequenceLossStacked(outputs[0], label),
);
