/**
 * ‖g‖² over all the gradients as one vector, the quantity In [16] `grad_clipping` takes the root
 * of, by a deterministic two-level tree: fixed slices of the concatenated gradients are reduced to
 * partial sums by one workgroup each, then one workgroup reduces the partial sums. No atomics.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import { GROUP_INDEX, groupGrid, runKernel } from "./kernel.ts";
import { treeReduceFn } from "./wgsl.ts";

/** Invocations per workgroup. */
const THREADS = 256;
/** Elements each invocation of the first level sums. */
const PER_THREAD = 8;
/** Elements each workgroup of the first level reduces. */
const SLICE = THREADS * PER_THREAD;

/** WGSL `fn at(i : i32) -> f32`: element i of `names`' arrays (of `sizes`) laid end to end. */
function concatenatedAt(names: string[], sizes: number[]): string {
  let offset = 0;
  const cases = names.map((name, k) => {
    const line = `if (i < ${offset + sizes[k]}) { return ${name}[i - ${offset}]; }`;
    offset += sizes[k];
    return line;
  });
  return `fn at(i : i32) -> f32 {\n  ${cases.join("\n  ")}\n  return 0.0;\n}`;
}

/** One workgroup per slice of the concatenation: the slice's Σ g². */
function partialSums(grads: tf.Tensor[]): tf.Tensor {
  const names = grads.map((_, k) => `g${k}`);
  const sizes = grads.map((g) => g.size);
  const total = sizes.reduce((a, b) => a + b, 0);
  const groups = Math.ceil(total / SLICE);
  return runKernel({
    key: `sqpart_${sizes.join("_")}`,
    inputs: names,
    outputShape: [groups],
    workgroup: [THREADS, 1, 1],
    dispatch: groupGrid(groups),
    code: `${concatenatedAt(names, sizes)}
${treeReduceFn("sum", THREADS, "a + b")}
fn kernel() {
  let w = ${GROUP_INDEX};
  var s = 0.0;
  for (var k = 0; k < ${PER_THREAD}; k = k + 1) {
    let i = w * ${SLICE} + k * ${THREADS} + i32(localIndex);
    if (i < ${total}) { let x = at(i); s = s + x * x; }
  }
  s = reduce_sum(s);
  if (localIndex == 0u && w < ${groups}) { result[w] = s; }
}`,
  }, grads);
}

/** One workgroup sums the partial sums: a scalar. */
function sumAll(partials: tf.Tensor): tf.Scalar {
  const n = partials.size;
  return runKernel({
    key: `sumall_${n}`,
    inputs: ["partials"],
    outputShape: [],
    workgroup: [THREADS, 1, 1],
    dispatch: [1, 1, 1],
    code: `${treeReduceFn("sum", THREADS, "a + b")}
fn kernel() {
  var s = 0.0;
  for (var i = i32(localIndex); i < ${n}; i = i + ${THREADS}) { s = s + partials[i]; }
  s = reduce_sum(s);
  if (localIndex == 0u) { result[0] = s; }
}`,
  }, [partials]) as tf.Scalar;
}

/** ‖g‖² of `grads` taken together (at most 7 tensors: one binding each), a scalar on the device. */
export function sumOfSquares(grads: tf.Tensor[]): tf.Scalar {
  const partials = partialSums(grads);
  const total = sumAll(partials);
  partials.dispose();
  return total;
}
