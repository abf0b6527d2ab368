/**
 * Accurate sums for tfjs-backend-wasm: every reduction on the trainers' path, each output summed
 * in float64 and rounded to float32 once.
 *
 * tfjs-backend-wasm 4.22 sums in float32, one term after another, so the rounding error of a long
 * sum grows with its length. The gradient norm of the chapter's model is such a sum (the squares
 * of all 375,040 gradient entries), and the global-norm clip multiplies every update by θ/‖g‖,
 * so the error enters every step and training carries it forward: wasm's curve drifted visibly
 * from every other engine's (the measurements: golden/README.md). Here each output is the float32
 * rounding of a float64 sum taken in index order over the wasm heap, as tfjs's cpu backend sums
 * too; a float64 sum of float32 terms is exact to far below half a float32 ulp for any length the
 * trainers use, so the result is the exact sum, rounded once (bar a tie within ~1e-10 of it).
 *
 * - `Sum` over any axes: the loss's sum, the row sums of log-softmax (and of its gradient), the
 *   squares of the gradient norm, and the bias gradients (the column sums of dY and dZ);
 * - `Mean` over any axes: the float64 sum divided by the count, then rounded;
 * - `AddN`: the gradient norm's per-parameter sums added, and autograd's sums of gradients;
 * - `ScatterNd`, which sums the updates that land on the same index: the batched trainer's
 *   segment sum of dZ's rows into the rows of dW_xh (the gradient of `gatherRows`).
 *
 * Other dtypes run tfjs's own kernels (integer sums are exact there). `Max` and `ArgMax` need no
 * care: they round nothing.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { KernelArgs, KernelPath, Outputs } from "./wasm_kernel_types.ts";

/**
 * `dst[o·inner + i] = Σ_k src[(o·size + k)·inner + i] / divisor` for every o < outer, i < inner,
 * each sum in float64 over k in order, rounded to float32 once by the store.
 */
function sumRuns(
  src: tf.TypedArray,
  dst: tf.TypedArray,
  outer: number,
  size: number,
  inner: number,
  divisor: number,
): void {
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let sum = 0;
      for (let k = o * size, end = k + size; k < end; k++) sum += src[k];
      dst[o] = sum / divisor;
    }
    return;
  }
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    for (let k = 0; k < size; k++) {
      const row = (o * size + k) * inner;
      for (let i = 0; i < inner; i++) acc[i] += src[row + i];
    }
    for (let i = 0; i < inner; i++) dst[o * inner + i] = acc[i] / divisor;
  }
}

/** `x` (float32) summed over `axis` in float64, divided by the count for a mean. */
function reduce(
  args: KernelArgs,
  { axis, keepDims }: tf.SumAttrs,
  mean: boolean,
): Outputs | undefined {
  const x = args.inputs.x as tf.TensorInfo;
  if (x.dtype !== "float32") return undefined;
  const wasm = args.backend as BackendWasm;
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(axis, x.shape).slice().sort((a, b) => a - b);
  const [outShape, reduceShape] = tf.backend_util.computeOutAndReduceShapes(x.shape, axes);
  const size = tf.util.sizeFromShape(reduceShape);
  // Reduced axes side by side make runs of `size` blocks of `inner` values; others go last first.
  const contiguous = axes.every((a, i) => a === axes[0] + i);
  const perm = contiguous ? null : tf.backend_util.getAxesPermutation(axes, rank);
  const input = perm
    ? tf.getKernel("Transpose", "wasm").kernelFunc({
      inputs: { x },
      attrs: { perm },
      backend: wasm,
    }) as tf.TensorInfo
    : x;
  const first = perm ? rank - axes.length : axes[0] ?? rank;
  const last = perm ? rank - 1 : axes.at(-1) ?? rank - 1;
  const outer = tf.util.sizeFromShape(input.shape.slice(0, first));
  const inner = tf.util.sizeFromShape(input.shape.slice(last + 1));
  const out = wasm.makeOutput(
    keepDims ? tf.backend_util.expandShapeToKeepDim(outShape, axes) : outShape,
    "float32",
  );
  const [src, dst] = [input, out].map((t) => wasm.typedArrayFromHeap(t)); // after the allocations
  sumRuns(src, dst, outer, size, inner, mean ? size : 1);
  if (input !== x) wasm.disposeData(input.dataId);
  return out;
}

/** `AddN` of float32 tensors: each element summed over the inputs, in order, in float64. */
function addN({ inputs, backend }: KernelArgs): Outputs | undefined {
  const xs = inputs as unknown as tf.TensorInfo[];
  if (xs.some((x) => x.dtype !== "float32")) return undefined;
  const wasm = backend as BackendWasm;
  const out = wasm.makeOutput(xs[0].shape, "float32");
  const acc = new Float64Array(tf.util.sizeFromShape(out.shape));
  for (const x of xs) {
    const src = wasm.typedArrayFromHeap(x);
    for (let i = 0; i < acc.length; i++) acc[i] += src[i];
  }
  wasm.typedArrayFromHeap(out).set(acc); // each element rounded to float32 once
  return out;
}

/** `ScatterNd` of float32 updates: the updates that land on one index summed in float64, in order. */
function scatterNd({ inputs, attrs, backend }: KernelArgs): Outputs | undefined {
  const { indices, updates } = inputs as unknown as tf.ScatterNdInputs & {
    indices: tf.TensorInfo;
    updates: tf.TensorInfo;
  };
  const { shape } = attrs as unknown as tf.ScatterNdAttrs;
  if (updates.dtype !== "float32") return undefined;
  const wasm = backend as BackendWasm;
  const { sliceRank, numUpdates, sliceSize, strides, outputSize } = tf.scatter_util
    .calculateShapes(updates, indices, shape);
  const slices = outputSize / sliceSize;
  const at = new Int32Array(numUpdates); // each update's slice
  const idx = wasm.typedArrayFromHeap(indices) as Int32Array;
  for (let n = 0; n < numUpdates; n++) {
    const index = idx.subarray(n * sliceRank, (n + 1) * sliceRank);
    at[n] = index.reduce((flat: number, dim: number, j: number) => flat + dim * strides[j], 0);
    if (at[n] < 0 || at[n] >= slices) {
      throw new Error(`Invalid indices: ${index} does not index into ${shape}`); // as tfjs's cpu says
    }
  }
  const out = wasm.makeOutput(shape, "float32");
  const acc = new Float64Array(outputSize);
  const src = wasm.typedArrayFromHeap(updates);
  for (let n = 0; n < numUpdates; n++) {
    const [from, to] = [n * sliceSize, at[n] * sliceSize];
    for (let k = 0; k < sliceSize; k++) acc[to + k] += src[from + k];
  }
  wasm.typedArrayFromHeap(out).set(acc); // each element rounded to float32 once
  return out;
}

/** The accurate reductions by kernel name, for `installWasmKernels`. */
export const ACCURATE_REDUCTIONS: Record<string, KernelPath> = {
  Sum: (args) => reduce(args, args.attrs as unknown as tf.SumAttrs, false),
  Mean: (args) => reduce(args, args.attrs as unknown as tf.MeanAttrs, true),
  AddN: addN,
  ScatterNd: scatterNd,
};
