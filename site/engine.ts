/// <reference lib="dom" />
/**
 * Where the page trains: the browser's WebGPU with the fused trainer, falling back to wasm, as
 * `deno task train --backend auto` chooses (`selectBackend`: a hardware adapter, never a software
 * one), and when WebGPU does not start, wasm all the same, saying why. What the adapter is (its
 * vendor, architecture and limits) is shown, since that is what a reader compares across machines.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import type { TrainingData } from "../src/data/read_corpus.ts";
import { backendCapacity } from "../src/run/limits.ts";
import { type Engine, engineFor } from "../src/run/preflight.ts";
import { type BackendChoice, type BackendInfo, selectBackend } from "../src/train/backend.ts";
import type { TrainConfig } from "../src/train/config.ts";
import type { TrainerChoice } from "../src/train/trainers.ts";

/** The adapter's limits the trainers depend on, by their WebGPU names. */
const LIMITS = [
  "maxBufferSize",
  "maxStorageBufferBindingSize",
  "maxComputeWorkgroupStorageSize",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupsPerDimension",
] as const;

/** What the page shows of the GPU it trains on. */
export interface AdapterFacts {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** The device's limits the trainers depend on. */
  limits: Record<(typeof LIMITS)[number], number>;
}

/** Starts the backend for `choice`; with `auto`, wasm when WebGPU fails to start. */
async function startBackend(choice: BackendChoice): Promise<BackendInfo> {
  try {
    return await selectBackend(choice);
  } catch (err) {
    if (choice !== "auto") throw err;
    const wasm = await selectBackend("wasm");
    return { ...wasm, reason: `WebGPU did not start (${(err as Error).message})` };
  }
}

/** The adapter and the device's limits of the active webgpu backend. */
function adapterFacts(): AdapterFacts {
  const backend = tf.backend() as WebGPUBackend;
  const info: Partial<GPUAdapterInfo> = backend.device.adapterInfo ?? {};
  const limits = Object.fromEntries(LIMITS.map((l) => [l, backend.device.limits[l]]));
  return {
    vendor: info.vendor ?? "",
    architecture: info.architecture ?? "",
    device: info.device ?? "",
    description: info.description ?? "",
    limits: limits as AdapterFacts["limits"],
  };
}

/**
 * Starts the backend `choice` names, picks the trainer, and checks the config fits there (as
 * `deno task train` does before it trains); returns the engine and, on webgpu, the adapter.
 */
export async function startEngine(
  choice: BackendChoice,
  trainer: TrainerChoice,
  config: TrainConfig,
  data: TrainingData,
): Promise<{ engine: Engine; adapter?: AdapterFacts }> {
  const backend = await startBackend(choice);
  const device = backend.name === "webgpu" ? (tf.backend() as WebGPUBackend).device : undefined;
  const engine = engineFor(backend, trainer, config, data, backendCapacity(backend, { device }));
  return { engine, adapter: device ? adapterFacts() : undefined };
}

/** Why this browser has no WebGPU adapter, or `undefined` when it has one. */
export async function webGpuMissing(): Promise<string | undefined> {
  if (!("gpu" in navigator)) return "this browser has no WebGPU (navigator.gpu is missing)";
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: "high-performance" });
  return adapter ? undefined : "this browser's WebGPU found no adapter";
}
