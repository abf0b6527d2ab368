/**
 * The chapter's "Onehot编码" and "定义模型" cells (In [11] and [13]): the inputs as one-hot
 * matrices, and the recurrence
 *
 *     H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)
 *     Y_t = H_t W_hy + b_y
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { ParamTensors } from "./params.ts";

/**
 * In [11] `get_inputs`: a batch of `batch × numSteps` indices becomes `numSteps` one-hot matrices
 * of `batch × vocabSize` (`[nd.one_hot(X, vocab_size) for X in data.T]`).
 */
export function getInputs(data: number[][], vocabSize: number): tf.Tensor2D[] {
  const numSteps = data[0]?.length ?? 0;
  return Array.from({ length: numSteps }, (_, t) =>
    tf.tidy(() => {
      const column = tf.tensor1d(data.map((row) => row[t]), "int32");
      return tf.cast(tf.oneHot(column, vocabSize), "float32") as tf.Tensor2D;
    }));
}

/** The hidden state the chapter starts from: `nd.zeros(shape=(batch_size, hidden_dim))`. */
export function initState(batchSize: number, hidden: number): tf.Tensor2D {
  return tf.zeros([batchSize, hidden]);
}

/**
 * In [13] `rnn`: runs the recurrence over the steps; returns the `numSteps` outputs
 * (batch × vocab) and the last hidden state (batch × hidden).
 *
 * @example In [11] to [13]: one-hot inputs, a zero state, one output per step
 * ```ts
 * import assert from "node:assert/strict";
 * import { getInputs, initParams, initState, rnn, selectBackend } from "@rnnlab/rnnlab";
 *
 * await selectBackend("cpu");
 * const params = initParams(30, 8, 0); // vocabulary 30, hidden 8
 * const inputs = getInputs([[0, 1, 2], [15, 16, 17]], 30); // batch 2 × 3 steps
 * assert.equal(inputs.length, 3);
 * const { outputs, state } = rnn(inputs, initState(2, 8), params);
 * assert.deepEqual(outputs.map((y) => y.shape), [[2, 30], [2, 30], [2, 30]]);
 * assert.deepEqual(state.shape, [2, 8]);
 * ```
 */
export function rnn(
  inputs: tf.Tensor2D[],
  state: tf.Tensor2D,
  params: ParamTensors,
): { outputs: tf.Tensor2D[]; state: tf.Tensor2D } {
  const { wXh, wHh, bH, wHy, bY } = params;
  let h = state;
  const outputs: tf.Tensor2D[] = [];
  for (const x of inputs) {
    h = x.matMul(wXh).add(h.matMul(wHh)).add<tf.Tensor2D>(bH).tanh(); // H_t (nd.dot → matMul)
    outputs.push(h.matMul(wHy).add(bY)); // Y_t
  }
  return { outputs, state: h };
}
