/**
 * Choosing where tfjs runs: WebGPU on a hardware GPU, else wasm; cpu (tfjs's plain JavaScript
 * kernels, ~50× slower than wasm) only when asked for.
 *
 * `auto` never trains on a software WebGPU adapter (llvmpipe, lavapipe, SwiftShader: a few
 * GFLOP/s), though `--backend webgpu` may ask for one explicitly, e.g. to test the kernels.
 * Activating wasm first replaces some of its kernels: three by faster ones with the same results,
 * its large products by ones that run on every core (`gemm_threads.ts`), and its sums by accurate
 * ones (`wasm_kernels.ts`).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { UsageError } from "../errors.ts";
import { installWasmKernels, threadedProducts } from "./wasm_kernels.ts";

/** A `--backend` value. */
export type BackendChoice = "auto" | "webgpu" | "wasm" | "cpu";

/** The `--backend` values. */
export const BACKEND_CHOICES: readonly BackendChoice[] = ["auto", "webgpu", "wasm", "cpu"];

/** What a run used, as printed and recorded. */
export interface BackendInfo {
  /** The tfjs backend: webgpu, wasm or cpu. */
  name: "webgpu" | "wasm" | "cpu";
  /** A description of the device: the GPU adapter, or the wasm features. */
  adapter: string;
  /** Why `auto` chose it, or `"requested"`. */
  reason: string;
}

/** What Deno's WebGPU reports about its adapter, if it has one. */
export interface AdapterReport {
  /** `vendor / architecture / device / description`, as the adapter reports them. */
  description: string;
  /** Whether it renders in software (fallback adapter, or a known software rasterizer). */
  software: boolean;
}

const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader|software|softpipe/i;

/** `vendor / architecture / device / description` of an adapter's info. */
function describeAdapter(info: GPUAdapterInfo): string {
  const { vendor, architecture, device, description } = info;
  return [vendor, architecture, device, description].filter(Boolean).join(" / ");
}

/** Whether an adapter renders in software (fallback adapter, or a known software rasterizer). */
export function isSoftwareAdapter(info: GPUAdapterInfo): boolean {
  const fallback = (info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  return fallback || SOFTWARE_ADAPTER.test(describeAdapter(info));
}

/** Describes the adapter `navigator.gpu` gives, or returns `undefined` when there is none. */
export async function probeAdapter(): Promise<AdapterReport | undefined> {
  const adapter = await navigator.gpu?.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) return undefined;
  return { description: describeAdapter(adapter.info), software: isSoftwareAdapter(adapter.info) };
}

/**
 * Registers tfjs-backend-webgpu with a device request Deno accepts: the package asks for
 * `requiredFeatures` as a nested array, which Deno rejects, so the request is made here with a
 * flat list of the features the adapter has.
 */
async function registerWebGpu(): Promise<void> {
  const { WebGPUBackend } = await import("@tensorflow/tfjs-backend-webgpu");
  tf.removeBackend("webgpu");
  tf.registerBackend("webgpu", async () => {
    const adapter = await navigator.gpu.requestAdapter({ powerPreference: "high-performance" });
    if (!adapter) throw new Error("no WebGPU adapter");
    const wanted: GPUFeatureName[] = ["timestamp-query", "bgra8unorm-storage"];
    const l = adapter.limits;
    const device = await adapter.requestDevice({
      requiredFeatures: wanted.filter((f) => adapter.features.has(f)),
      requiredLimits: {
        maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
        maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
        maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
        maxBufferSize: l.maxBufferSize,
        maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
        maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      },
    });
    // deno-lint-ignore no-explicit-any
    return new WebGPUBackend(device, adapter.info as any);
  }, 3);
}

async function activate(name: BackendInfo["name"]): Promise<void> {
  if (name === "webgpu") await registerWebGpu();
  if (name === "wasm") installWasmKernels();
  if (!(await tf.setBackend(name))) throw new UsageError(`backend ${name} failed to initialise`);
  await tf.ready();
}

/**
 * Picks and initialises the backend for `choice` (on wasm, with `threads` for the large products
 * where threads can start: by default what `gemm_threads.ts` wants, the cores). Throws a
 * {@linkcode UsageError} when an explicit choice cannot run here.
 *
 * @example tfjs's cpu backend, which runs anywhere
 * ```ts
 * import assert from "node:assert/strict";
 * import { selectBackend } from "@rnnlab/rnnlab";
 *
 * const backend = await selectBackend("cpu");
 * assert.equal(backend.name, "cpu");
 * ```
 */
export async function selectBackend(
  choice: BackendChoice,
  { threads }: { threads?: number } = {},
): Promise<BackendInfo> {
  tf.enableProdMode(); // no debug checks, and no "install tfjs-node" notice
  if (choice === "cpu") {
    await activate("cpu");
    return { name: "cpu", adapter: "JavaScript kernels", reason: "requested" };
  }
  const gpu = choice === "wasm" ? undefined : await probeAdapter();
  if (choice === "webgpu" || (choice === "auto" && gpu && !gpu.software)) {
    if (!gpu) throw new UsageError("backend webgpu is unavailable: no WebGPU adapter found");
    await activate("webgpu");
    return {
      name: "webgpu",
      adapter: `${gpu.description}${gpu.software ? " (software)" : ""}`,
      reason: choice === "auto" ? "hardware WebGPU adapter" : "requested",
    };
  }
  await activate("wasm");
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  const products = threadedProducts();
  const asked = threads ?? products?.wanted() ?? 1;
  const started = products ? await products.start(asked) : { threads: 1 };
  const why = "reason" in started ? ` (${asked} asked: ${started.reason})` : "";
  return {
    name: "wasm",
    adapter: `wasm${simd ? " simd" : ""}, large products on ${started.threads} ${
      started.threads === 1 ? "thread" : "threads"
    }${why}`,
    reason: choice === "wasm"
      ? "requested"
      : gpu
      ? `WebGPU adapter is software (${gpu.description}), not used`
      : "no WebGPU adapter",
  };
}
