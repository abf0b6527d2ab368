/**
 * The chapter's "梯度剪裁" cell (In [16], `grad_clipping`) and its optimiser (`utils.SGD`).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

/**
 * In [16] `grad_clipping`: with g all gradients as one vector,
 * g ← min(θ / ‖g‖, 1) · g. Computed on the device (no readback); returns new gradients and the
 * norm ‖g‖ as a scalar tensor.
 *
 * @example One norm over all gradients: [3, 0] and [4] have norm 5, clipped to θ = 1
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs";
 * import { gradClipping, selectBackend } from "@rnnlab/rnnlab";
 *
 * await selectBackend("cpu");
 * const { grads, norm } = gradClipping([tf.tensor([3, 0]), tf.tensor([4])], 1);
 * assert.equal(norm.dataSync()[0], 5);
 * assert.deepEqual(grads.map((g) => Array.from(g.dataSync())), [
 *   [Math.fround(0.6), 0],
 *   [Math.fround(0.8)],
 * ]);
 * ```
 */
export function gradClipping(
  grads: tf.Tensor[],
  theta: number,
): { grads: tf.Tensor[]; norm: tf.Scalar } {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
    const scale = tf.minimum(tf.scalar(1), tf.div(tf.scalar(theta), norm));
    return { grads: grads.map((g) => tf.mul(g, scale)), norm };
  });
}

/** `utils.SGD(params, lr)` of 2017: `param[:] = param - lr * param.grad`, no division by batch size. */
export function sgd(params: tf.Variable[], grads: tf.Tensor[], lr: number): void {
  tf.tidy(() => {
    params.forEach((p, i) => p.assign(tf.sub(p, tf.mul(grads[i], lr))));
  });
}
