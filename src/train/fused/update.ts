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
import { groupGrid, runKernel } from "./kernel.ts";

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
  const n = param.size;
  runKernel(
    {
      key: `clipsgd_${n}`,
      inputs: ["grad", "sumSq"],
      outputShape: param.shape,
      workgroup: [256, 1, 1],
      dispatch: groupGrid(Math.ceil(n / 256)),
      uniforms: "lr : f32, theta : f32,",
      code: `
fn kernel() {
  let i = getGlobalIndex();
  if (i >= ${n}) { return; }
  let scale = min(1.0, uniforms.theta / sqrt(sumSq[0]));
  result[i] = result[i] - (grad[i] * scale) * uniforms.lr;
}`,
    },
    [grad, sumSq],
    [{ type: "float32", data: [lr] }, { type: "float32", data: [theta] }],
    param,
  );
}
