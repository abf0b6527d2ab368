/**
 * The shape of a kernel replaced on tfjs-backend-wasm, shared by the faster kernels
 * (`wasm_kernels.ts`) and the accurate reductions (`wasm_reductions.ts`), which the first installs.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";

/** What tfjs passes a kernel. */
export type KernelArgs = Parameters<tf.KernelFunc>[0];
/** What a kernel returns. */
export type Outputs = tf.TensorInfo | tf.TensorInfo[];
/** A replacement for a kernel, given tfjs's own; `undefined` hands the case to tfjs's. */
export type KernelPath = (args: KernelArgs, original: tf.KernelFunc) => Outputs | undefined;

/**
 * Large products on several threads, as a module that can start threads provides them
 * (`gemm_threads.ts`, with `node:worker_threads`); the kernels here stay free of it, so that a
 * browser can run them.
 */
export interface ThreadedProducts {
  /** The threads to use when none are asked for (the cores, or what the environment says). */
  wanted(): number;
  /** Starts `threads` threads (this one and workers): how many run, and why fewer if so. */
  start(threads: number): Promise<{ threads: number; reason?: string }>;
  /** How many threads run now. */
  threads(): number;
  /**
   * C = A·B (row-major float32, m × k by k × n; `b` holds Bᵀ, n × k, when `transposeB`) on every
   * thread into `out`; false: not done.
   */
  matMul(
    a: Float32Array,
    b: Float32Array,
    m: number,
    k: number,
    n: number,
    out: Float32Array,
    transposeB: boolean,
  ): boolean;
  /** The product tiles run so far, and of those by this thread. */
  tileCounts(): { tiles: number; here: number };
}
