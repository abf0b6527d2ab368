/**
 * In [16] `grad_clipping` and `utils.SGD` in one kernel per parameter, written into the
 * parameter's own buffer:
 *
 *     p ← p − lr · (min(θ / ‖g‖, 1) · g)
 *
 * with ‖g‖ the norm of all the gradients together (`sumOfSquares` in `norm.ts`).
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import { perElementSpec, runKernel } from "./kernel.ts";

/**
 * Updates `param` in place from its gradient `grad` and the squared norm `sumSq` of all the
 * gradients: the clipped SGD step, in the reference's order of operations (scale, then lr).
 */
export function clipSgdUpdate(
  param: tf.Variable,
  grad: tf.Tensor,
  sumSq: tf.Scalar,
  lr: number,
  theta: number,
): void {
  const body = `let scale = min(1.0, uniforms.theta / sqrt(sumSq[0]));
  result[i] = result[i] - (grad[i] * scale) * uniforms.lr;`;
  runKernel(
    perElementSpec(
      `clipsgd_${param.size}`,
      ["grad", "sumSq"],
      param.shape,
      body,
      "lr : f32, theta : f32,",
    ),
    [grad, sumSq],
    [{ type: "float32", data: [lr] }, { type: "float32", data: [theta] }],
    param,
  );
}
