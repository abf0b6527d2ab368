/**
 * Two kernels of tfjs-backend-wasm 4.22 that copy far more than they need, replaced on the cases
 * the trainers use by plain row copies from heap to heap (bit for bit the same results):
 *
 * - `SplitV` along the first axis: tfjs cuts each piece with its `Slice`, which first copies the
 *   whole input out of the wasm heap (`readSync`), so N pieces copy the input N times. The
 *   gradient of every `concat` is such a split: the reference trainer's split of the 1120×1465
 *   logits gradient into 35 steps took ~250 ms of its ~1.4 s step (`deno task bench --profile`).
 * - `GatherV2` of whole rows of a matrix: tfjs's C++ gather took ~20 ms to pick 1120 rows of 256
 *   (the batched trainer's X·W_xh), a few hundred microseconds as row copies.
 *
 * Any other case (another axis, rank, dtype, batch dimensions) runs tfjs's own kernel.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Outputs = tf.TensorInfo | tf.TensorInfo[];

/** `SplitV` along axis 0: each piece is a run of whole rows, copied once. */
function splitFirstAxis({ inputs, attrs, backend }: KernelArgs): Outputs | undefined {
  const x = inputs.x as tf.TensorInfo;
  const { numOrSizeSplits, axis } = attrs as unknown as tf.SplitVAttrs;
  if (x.dtype === "string" || tf.util.parseAxisParam(axis, x.shape)[0] !== 0) return undefined;
  const wasm = backend as BackendWasm;
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, 0);
  const outs = sizes.map((rows) => wasm.makeOutput([rows, ...x.shape.slice(1)], x.dtype));
  const src = wasm.typedArrayFromHeap(x); // after the allocations, which may move the heap
  let offset = 0;
  for (const out of outs) {
    const dst = wasm.typedArrayFromHeap(out);
    dst.set(src.subarray(offset, offset + dst.length));
    offset += dst.length;
  }
  return outs;
}

/** `GatherV2` of rows of a matrix by int32 indices: one row copy per index. */
function gatherMatrixRows({ inputs, attrs, backend }: KernelArgs): Outputs | undefined {
  const { x, indices } = inputs as unknown as { x: tf.TensorInfo; indices: tf.TensorInfo };
  const { axis, batchDims } = attrs as unknown as tf.GatherV2Attrs;
  if (
    x.shape.length !== 2 || x.dtype === "string" || indices.shape.length !== 1 ||
    indices.dtype !== "int32" || batchDims !== 0 || tf.util.parseAxisParam(axis, x.shape)[0] !== 0
  ) return undefined;
  const wasm = backend as BackendWasm;
  const [rows, cols] = x.shape;
  const bad = wasm.typedArrayFromHeap(indices).find((row) => row < 0 || row >= rows);
  if (bad !== undefined) {
    throw new Error(`GatherV2: the index value ${bad} is not in [0, ${rows - 1}]`);
  }
  const out = wasm.makeOutput([indices.shape[0], cols], x.dtype);
  const [src, idx, dst] = [x, indices, out].map((t) => wasm.typedArrayFromHeap(t)); // heap may move
  idx.forEach((row, i) => dst.set(src.subarray(row * cols, (row + 1) * cols), i * cols));
  return out;
}

const FAST_PATHS: Record<string, (args: KernelArgs) => Outputs | undefined> = {
  SplitV: splitFirstAxis,
  GatherV2: gatherMatrixRows,
};

let installed = false;

/**
 * Registers the faster `SplitV` and `GatherV2` for the wasm backend (once per process; the wasm
 * backend's kernels must be registered already, i.e. `@tensorflow/tfjs-backend-wasm` imported).
 */
export function installWasmKernels(): void {
  if (installed) return;
  installed = true;
  for (const [name, fast] of Object.entries(FAST_PATHS)) {
    const original = tf.getKernel(name, "wasm");
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel({
      ...original,
      kernelFunc: (args) => fast(args) ?? original.kernelFunc(args),
    });
  }
}
