/**
 * Whether a config can fit before any work starts: an estimate of the memory training takes, set
 * against what the backend has. wasm's heap ends at 4 GiB; the cpu backend's arrays live in the
 * machine's memory; a WebGPU adapter limits each buffer's size (its total memory it does not say).
 *
 * The estimate counts float32 values in three kinds of tensors, with factors fitted to what
 * `bench/wasm_memory.ts` measures (the wasm heap's high-water mark after two steps, for models from
 * the chapter's to far larger; the estimate sits above every measurement, in `bench/results/`):
 *
 * - the parameters P = 2·V·H + H² + H + V, with their gradients and SGD's temporaries;
 * - the gradients autograd keeps for every step until the step ends: all of P per step for the
 *   reference trainer, which multiplies by every weight at every step; H² per step for the batched
 *   and fused ones, which multiply by W_xh (a gather) and W_hy once per minibatch;
 * - the activations, T·B·(V + H) per minibatch (one-hot inputs, states, logits, softmax), with
 *   their gradients.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { formatBytes } from "./machine.ts";
import type { BackendInfo } from "../train/backend.ts";
import type { TrainConfig } from "../train/config.ts";
import type { TrainerName } from "../train/trainers.ts";

/** The largest wasm heap tfjs-backend-wasm can grow to (emscripten's `getHeapMax()`). */
export const WASM_HEAP_BYTES = 4294901760;

/** What training a config takes, in bytes. */
export interface MemoryEstimate {
  /** All tensors at the peak of a step. */
  totalBytes: number;
  /** The largest single tensor (a WebGPU buffer must hold it). */
  largestBytes: number;
}

/** Estimates the memory a step of `config` takes with `trainer` and `vocabSize` characters. */
export function estimateMemory(
  config: Pick<TrainConfig, "hidden" | "batchSize" | "numSteps">,
  vocabSize: number,
  trainer: TrainerName,
): MemoryEstimate {
  const { hidden: h, batchSize: b, numSteps: t } = config;
  const v = vocabSize;
  const params = 2 * v * h + h * h + h + v;
  const activations = t * b * (v + h);
  const floats = trainer === "reference"
    ? 6 * params + 2.2 * t * params + 17 * activations
    : 8 * params + 2 * t * h * h + 15.5 * activations;
  const largest = Math.max(h * h, v * h, t * b * v, t * b * h);
  return { totalBytes: 4 * floats, largestBytes: 4 * largest };
}

/** What the active backend can hold. */
export interface BackendCapacity {
  /** Bytes all tensors together may take, when known. */
  totalBytes?: number;
  /** Where that bound comes from, for the message. */
  totalWhat?: string;
  /** Bytes one tensor may take, when known. */
  tensorBytes?: number;
  /** Where that bound comes from. */
  tensorWhat?: string;
}

/**
 * What the backend `info` can hold: wasm's heap, the adapter's buffer size (given its `device`),
 * the memory available to the cpu backend (`availableBytes`, when it could be read).
 */
export function backendCapacity(
  info: BackendInfo,
  { device, availableBytes }: { device?: GPUDevice; availableBytes?: number } = {},
): BackendCapacity {
  if (info.name === "wasm") return { totalBytes: WASM_HEAP_BYTES, totalWhat: "wasm's 4 GiB heap" };
  if (info.name === "webgpu") {
    if (!device) return {};
    const bytes = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
    return { tensorBytes: bytes, tensorWhat: `the adapter's ${formatBytes(bytes)} buffer limit` };
  }
  if (availableBytes === undefined) return {};
  return {
    totalBytes: availableBytes,
    totalWhat: `the ${formatBytes(availableBytes)} of memory available`,
  };
}

/**
 * Refuses a config that cannot fit, with one line that gives the estimate and the bound (a
 * {@linkcode UsageError}, exit code 2).
 */
export function checkFits(
  config: TrainConfig,
  vocabSize: number,
  trainer: TrainerName,
  backend: BackendInfo,
  capacity: BackendCapacity,
): void {
  const need = estimateMemory(config, vocabSize, trainer);
  const setting = `hidden ${config.hidden}, vocab ${vocabSize}, batch ${config.batchSize} × ` +
    `${config.numSteps} steps, ${trainer} trainer`;
  const advice = "lower --hidden, --batch-size or --num-steps";
  if (capacity.totalBytes !== undefined && need.totalBytes > capacity.totalBytes) {
    throw new UsageError(
      `this config needs about ${formatBytes(need.totalBytes)} on ${backend.name} (${setting}), ` +
        `more than ${capacity.totalWhat}; ${advice}`,
    );
  }
  if (capacity.tensorBytes !== undefined && need.largestBytes > capacity.tensorBytes) {
    throw new UsageError(
      `this config needs a ${formatBytes(need.largestBytes)} tensor on ${backend.name} ` +
        `(${setting}), more than ${capacity.tensorWhat}; ${advice}`,
    );
  }
}
