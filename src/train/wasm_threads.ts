/**
 * Offers `gemm_threads.ts`'s threads to the wasm kernels (`wasm_kernels.ts`): import this module
 * where threads can start, as every command-line path that trains does (`run/run.ts`, verify,
 * bench). The kernels themselves stay free of `node:worker_threads`, so a browser runs them on
 * one thread.
 *
 * @module
 */

import {
  gemmThreads,
  parallelMatMul,
  setGemmThreads,
  tileCounts,
  wasmThreadsWanted,
} from "./gemm_threads.ts";
import { provideThreadedProducts } from "./wasm_kernels.ts";

provideThreadedProducts({
  wanted: wasmThreadsWanted,
  start: setGemmThreads,
  threads: gemmThreads,
  matMul: parallelMatMul,
  tileCounts,
});
