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
