/**
 * The chapter's loss (In [17]), summed softmax cross-entropy over every predicted character, and
 * its gradient with respect to the logits, dY = softmax(Y) − onehot(label), in three kernels:
 * each row's log-sum-exp, the step's summed loss, and dY.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import { type Dims, dimsKey, GROUP_INDEX, groupGrid, perElementSpec, runKernel } from "./kernel.ts";
import { treeReduceFn } from "./wgsl.ts";

/** Invocations per workgroup of the reductions here. */
const THREADS = 128;

/** log Σ_v exp(Y[r, v]) per row, as max + log Σ exp(Y − max): one workgroup a row. */
function rowLogSumExp(logits: tf.Tensor, d: Dims): tf.Tensor {
  const rows = d.steps * d.batch;
  const V = d.vocab;
  return runKernel({
    key: `lse_${dimsKey(d)}`,
    inputs: ["logits"],
    outputShape: [rows],
    workgroup: [THREADS, 1, 1],
    dispatch: groupGrid(rows),
    code: `${treeReduceFn("max", THREADS, "max(a, b)")}
${treeReduceFn("sum", THREADS, "a + b")}
fn kernel() {
  let row = min(${GROUP_INDEX}, ${rows - 1}); // a grid's spare workgroups redo the last row
  let li = i32(localIndex);
  var m = -3.402823e38;
  for (var v = li; v < ${V}; v = v + ${THREADS}) { m = max(m, logits[row * ${V} + v]); }
  m = reduce_max(m);
  var s = 0.0;
  for (var v = li; v < ${V}; v = v + ${THREADS}) { s = s + exp(logits[row * ${V} + v] - m); }
  s = reduce_sum(s);
  if (li == 0) { result[row] = m + log(s); }
}`,
  }, [logits]);
}

/** Σ_r (lse[r] − Y[r, label[r]]): the step's summed loss, a scalar. */
function lossSum(logits: tf.Tensor, lse: tf.Tensor, labels: tf.Tensor, d: Dims): tf.Scalar {
  const rows = d.steps * d.batch;
  return runKernel({
    key: `loss_${dimsKey(d)}`,
    inputs: ["logits", "lse", "labels"],
    outputShape: [],
    workgroup: [THREADS, 1, 1],
    dispatch: [1, 1, 1],
    code: `${treeReduceFn("sum", THREADS, "a + b")}
fn kernel() {
  let li = i32(localIndex);
  var s = 0.0;
  for (var r = li; r < ${rows}; r = r + ${THREADS}) {
    s = s + (lse[r] - logits[r * ${d.vocab} + labels[r]]);
  }
  s = reduce_sum(s);
  if (li == 0) { result[0] = s; }
}`,
  }, [logits, lse, labels]) as tf.Scalar;
}

/** dY[r, v] = exp(Y[r, v] − lse[r]) − [v = label[r]]: softmax minus the one-hot label. */
function logitsGrad(logits: tf.Tensor, lse: tf.Tensor, labels: tf.Tensor, d: Dims): tf.Tensor {
  const rows = d.steps * d.batch;
  const V = d.vocab;
  const body = `let r = i / ${V};
  let v = i - r * ${V};
  result[i] = exp(logits[i] - lse[r]) - select(0.0, 1.0, v == labels[r]);`;
  return runKernel(
    perElementSpec(`dlogits_${dimsKey(d)}`, ["logits", "lse", "labels"], [rows, V], body),
    [
      logits,
      lse,
      labels,
    ],
  );
}

/**
 * The step's summed softmax cross-entropy of `logits` (steps·batch × vocab) against `labels`
 * (int32, step-major), and its gradient dY with respect to the logits.
 */
export function softmaxCrossEntropy(
  logits: tf.Tensor,
  labels: tf.Tensor,
  d: Dims,
): { loss: tf.Scalar; dY: tf.Tensor } {
  const lse = rowLogSumExp(logits, d);
  const loss = lossSum(logits, lse, labels, d);
  const dY = logitsGrad(logits, lse, labels, d);
  lse.dispose();
  return { loss, dY };
}
