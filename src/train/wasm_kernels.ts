/**
 * Three kernels of tfjs-backend-wasm 4.22 that do far more work than they need (or, for the large
 * products, run on one thread only), replaced on the cases the trainers use (bit for bit the same
 * results; what each cost before and after is in bench/results/README.md, from `deno task
 * bench`'s profiled step):
 *
 * - `SplitV` along the first axis: tfjs cuts each piece with its `Slice`, which first copies the
 *   whole input out of the wasm heap (`readSync`), so N pieces copy the input N times. The
 *   gradient of every `concat` is such a split (the reference trainer splits the logits' gradient
 *   into its 35 steps). Here: plain row copies from heap to heap.
 * - `GatherV2` of whole rows of a matrix (the batched trainer's X·W_xh): tfjs's C++ gather is
 *   slow at it; here, one row copy per index.
 * - `BatchMatMul` with a transposed operand, which every matMul gradient has (dA = dC·Bᵀ,
 *   dB = Aᵀ·dC): tfjs's wasm product reads a transposed operand far more slowly than a plain one.
 *   Here: that operand transposed first (tfjs's `Transpose`), then the plain product, the same
 *   kernels, in the same order, as writing the transposes out.
 * - `BatchMatMul`'s large products (the output layer's three, forward and backward, and the
 *   recurrence's): on every thread of `gemm_threads.ts` when there are several, with tfjs's bits;
 *   a transposed B is packed as it lies, not transposed first.
 *
 * Any other case (another axis, rank, dtype, batch dimensions) runs tfjs's own kernel. The
 * reductions are replaced too, by accurate ones that change the bits (`wasm_reductions.ts`).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { KernelArgs, KernelPath, Outputs, ThreadedProducts } from "./wasm_kernel_types.ts";
import { ACCURATE_REDUCTIONS } from "./wasm_reductions.ts";

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

/**
 * Products smaller than this many multiply-adds stay on tfjs's kernel (the copies would not pay);
 * the recurrence's, H·W_hh and its gradients (32 × 256 × 256 in the chapter), are just this size.
 */
const MIN_THREADED_PRODUCT = 2 ** 21;

let threaded: ThreadedProducts | undefined;

/** Registers the threads large products may use (`gemm_threads.ts` does, where it can run). */
export function provideThreadedProducts(products: ThreadedProducts): void {
  threaded = products;
}

/** The registered threads, if any. */
export function threadedProducts(): ThreadedProducts | undefined {
  return threaded;
}

/**
 * The plain product A·B on every thread (`gemm_threads.ts`), when there are several, the operands
 * are float32 without batch dimensions, and the product is large: the output layer's three
 * products and the recurrence's. With `transposeB`, `b` holds Bᵀ, packed as it lies. Returns
 * `undefined` to leave it to tfjs's kernel.
 */
function threadedProduct(
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  wasm: BackendWasm,
  transposeB = false,
) {
  if (!threaded || threaded.threads() < 2) return undefined;
  if (a.dtype !== "float32" || b.dtype !== "float32") return undefined;
  const [m, k] = a.shape.slice(-2);
  const [kb, n] = transposeB ? b.shape.slice(-2).reverse() : b.shape.slice(-2);
  const [outerA, outerB] = [a.shape.slice(0, -2), b.shape.slice(0, -2)];
  const batch = tf.util.sizeFromShape(outerA) * tf.util.sizeFromShape(outerB);
  if (batch !== 1 || k !== kb || m * k * n < MIN_THREADED_PRODUCT) return undefined;
  const outer = tf.backend_util.assertAndGetBroadcastShape(outerA, outerB);
  const out = wasm.makeOutput([...outer, m, n], "float32");
  const [x, y, z] = [a, b, out].map((t) => wasm.typedArrayFromHeap(t) as Float32Array); // after makeOutput
  if (threaded.matMul(x, y, m, k, n, z, transposeB)) return out;
  wasm.disposeData(out.dataId); // too large for the shared memory
  return undefined;
}

/**
 * `BatchMatMul`: a transposed operand transposed first (tfjs's `Transpose`), then the plain
 * product, on every thread when it is large, else tfjs's kernel: the same kernels, in the same
 * order, as writing the transposes out.
 */
function batchMatMul(args: KernelArgs, original: tf.KernelFunc): Outputs | undefined {
  const { a, b } = args.inputs as unknown as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
  const wasm = args.backend as BackendWasm;
  if (!transposeA) { // A·B, or A·Bᵀ with Bᵀ packed as it is, on every thread when large
    const out = threadedProduct(a, b, wasm, transposeB);
    if (out || !transposeB) return out;
  }
  const transpose = tf.getKernel("Transpose", "wasm").kernelFunc;
  const flip = (x: tf.TensorInfo) => {
    const perm = x.shape.map((_, i) => i < x.shape.length - 2 ? i : 2 * x.shape.length - 3 - i);
    return transpose({ inputs: { x }, attrs: { perm }, backend: wasm }) as tf.TensorInfo;
  };
  const flipped = [transposeA ? flip(a) : a, transposeB ? flip(b) : b];
  const out = threadedProduct(flipped[0], flipped[1], wasm) ?? original({
    inputs: { a: flipped[0], b: flipped[1] },
    attrs: { ...args.attrs, transposeA: false, transposeB: false },
    backend: wasm,
  });
  for (const t of flipped) {
    if (t !== a && t !== b) wasm.disposeData(t.dataId);
  }
  return out;
}

/** Each replaced kernel's fast path. */
const FAST_PATHS: Record<string, KernelPath> = {
  SplitV: splitFirstAxis,
  GatherV2: gatherMatrixRows,
  BatchMatMul: batchMatMul,
};

let installed = false;

/**
 * Registers the faster `SplitV`, `GatherV2` and `BatchMatMul`, and the accurate reductions of
 * `wasm_reductions.ts`, for the wasm backend (once per process; the wasm backend's kernels must be
 * registered already, i.e. `@tensorflow/tfjs-backend-wasm` imported).
 */
export function installWasmKernels(): void {
  if (installed) return;
  installed = true;
  for (const [name, fast] of Object.entries({ ...FAST_PATHS, ...ACCURATE_REDUCTIONS })) {
    const original = tf.getKernel(name, "wasm");
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel({
      ...original,
      kernelFunc: (args) => fast(args, original.kernelFunc) ?? original.kernelFunc(args),
    });
  }
}
