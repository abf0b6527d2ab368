/**
 * The fingerprint of this machine and process now (`fingerprint.ts` says what it holds): the
 * environment as `run.json` records it, the WebGPU adapter, wasm's SIMD and the threads of its
 * large products, the variables that steer the engines, and PyTorch's and onnxruntime's as they
 * ran (given).
 *
 * @module
 */

import { environment } from "../run/environment.ts";
import { wasmThreadsWanted } from "../train/gemm_threads.ts";
import { gemmModuleBytes } from "../train/wasm_gemm.ts";
import { adapterFingerprint, type Fingerprint, type TorchFingerprint } from "./fingerprint.ts";

/** Environment variables that change how the engines run. */
const STEERING =
  /^(OPENBLAS_|GOTO_|OMP_|GOMP_|KMP_|MKL_|CUDA_VISIBLE_DEVICES$|RNNLAB_WASM_THREADS$)/;

/** The steering variables set now (none readable without `--allow-env`). */
function steeringVariables(): Record<string, string> {
  if (Deno.permissions.querySync({ name: "env" }).state !== "granted") return {};
  return Object.fromEntries(
    Object.entries(Deno.env.toObject()).filter(([k]) => STEERING.test(k)).sort(),
  );
}

/** The fingerprint now, with PyTorch's and onnxruntime's as they ran (or `null`). */
export async function takeFingerprint(
  { torch = null, onnxruntimeEp = null }: {
    torch?: TorchFingerprint | null;
    onnxruntimeEp?: string | null;
  } = {},
): Promise<Fingerprint> {
  return {
    ...environment(),
    webgpu: await adapterFingerprint(),
    wasm: { simd: WebAssembly.validate(gemmModuleBytes()), threads: wasmThreadsWanted() },
    onnxruntimeEp,
    torch,
    variables: steeringVariables(),
  };
}
