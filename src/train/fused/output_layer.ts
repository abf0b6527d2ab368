/**
 * The output layer over all steps at once: Y = H W_hy + b_y for every H_t in one product, and the
 * gradient it sends back to the hidden states, dH = dY W_hyᵀ.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import { type Dims, dimsKey } from "./kernel.ts";
import { microTile, runMatmul } from "./matmul.ts";

/**
 * Y_t = H_t W_hy + b_y for t = 1..steps (In [13]), from `hAll`'s blocks 1..steps: the logits,
 * steps·batch × vocab.
 */
export function outputLogits(hAll: tf.Tensor, wHy: tf.Tensor, bY: tf.Tensor, d: Dims): tf.Tensor {
  const { vocab: V, hidden: H, batch: B } = d;
  return runMatmul(`logits_${dimsKey(d)}`, {
    m: d.steps * B,
    n: V,
    k: H,
    ...microTile(4, 4),
    aLayout: "rowMajor",
    bLayout: "rowMajor",
    readA: `return hAll[(m + ${B}) * ${H} + k];`, // row m of the logits is H of hAll row m + batch
    readB: `return wHy[k * ${V} + n];`,
    write: `result[m * ${V} + n] = acc + bY[n];`,
  }, [["hAll", hAll], ["wHy", wHy], ["bY", bY]]);
}

/** dH = dY W_hyᵀ: the loss's gradient with respect to each H_t through Y_t (steps·batch × hidden). */
export function hiddenGradFromOutput(dY: tf.Tensor, wHy: tf.Tensor, d: Dims): tf.Tensor {
  const { vocab: V, hidden: H } = d;
  return runMatmul(`dhout_${dimsKey(d)}`, {
    m: d.steps * d.batch,
    n: H,
    k: V,
    ...microTile(2, 2),
    aLayout: "rowMajor",
    bLayout: "colMajor",
    readA: `return dY[m * ${V} + k];`,
    readB: `return wHy[n * ${V} + k];`, // W_hyᵀ
    write: `result[m * ${H} + n] = acc;`,
  }, [["dY", dY], ["wHy", wHy]]);
}
