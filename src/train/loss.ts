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

/** `exp(train_loss / num_examples)`: the chapter's perplexity of a summed loss over `count` characters. */
export function perplexity(lossSum: number, count: number): number {
  return Math.exp(lossSum / count);
}
