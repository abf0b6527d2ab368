/**
 * The chapter's loss and its perplexity (In [17]): softmax cross-entropy on every predicted
 * character, summed (MXNet's `loss.backward()` on a vector loss back-propagates the sum), and
 *
 *     perplexity = exp(train_loss / num_examples)
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { stepMajor } from "../data/step_major.ts";

/**
 * `softmax_cross_entropy(nd.concat(*outputs, dim=0), label.T.reshape((-1,)))`, summed: the
 * outputs are stacked step after step, so row `t * batch + b` holds step t of sequence b, which is
 * the order of the transposed labels. Returns a scalar.
 */
export function sequenceLoss(outputs: tf.Tensor2D[], label: number[][]): tf.Scalar {
  return tf.tidy(() => {
    const logits = tf.concat(outputs, 0);
    const oneHot = tf.oneHot(tf.tensor1d(stepMajor(label), "int32"), logits.shape[1]);
    // −Σ log softmax(Y)[target], written with the one-hot mask so every backend has its gradient.
    return tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits))));
  });
}

/**
 * {@linkcode sequenceLoss} of stacked logits (rows t·batch + b, as the batched trainer makes them)
 * with its gradient written out: −Σ_r log softmax(Y)[r, label_r], whose gradient with respect to
 * Y is softmax(Y) − onehot(label). The same values as `sequenceLoss`'s chain of ops and its
 * autograd, bit for bit on cpu and wasm (the sum of the picked log-probabilities is the sum of the
 * masked matrix without its zeros), in about half the passes over the logits.
 */
export function sequenceLossStacked(logits: tf.Tensor2D, label: number[][]): tf.Scalar {
  const [rows, vocab] = logits.shape;
  const targets = stepMajor(label);
  const loss = tf.customGrad(
    ((y: tf.Tensor, save: (tensors: tf.Tensor[]) => void) => {
      const logp = tf.logSoftmax(y);
      save([logp]);
      const at = tf.tensor1d(targets.map((t, r) => r * vocab + t), "int32");
      return {
        value: tf.neg(tf.sum(tf.gather(tf.reshape(logp, [rows * vocab, 1]), at))),
        gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => {
          const oneHot = tf.cast(tf.oneHot(tf.tensor1d(targets, "int32"), vocab), "float32");
          return tf.mul(dy, tf.sub(tf.exp(saved), oneHot)); // softmax(Y) − onehot
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0],
  );
  return loss(logits) as tf.Scalar;
}

/**
 * `exp(train_loss / num_examples)`: the chapter's perplexity of a summed loss over `count` characters.
 *
 * @example Uniform guesses over 30 characters: perplexity 30, the chapter's baseline
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs";
 * import { perplexity, selectBackend, sequenceLoss } from "@rnnlab/rnnlab";
 *
 * await selectBackend("cpu");
 * const outputs = [tf.zeros([2, 30]), tf.zeros([2, 30])] as tf.Tensor2D[]; // 2 steps, batch 2
 * const loss = sequenceLoss(outputs, [[3, 4], [7, 8]]); // summed over the 4 characters
 * assert.ok(Math.abs(perplexity(loss.dataSync()[0], 4) - 30) < 1e-4);
 * ```
 */
export function perplexity(lossSum: number, count: number): number {
  return Math.exp(lossSum / count);
}
