/**
 * A fingerprint of what a benchmark really ran on, recorded with every result: the machine and
 * the software (`report/machine.ts`'s environment: the commit, Deno, V8, tfjs, …), the WebGPU
 * adapter in full (vendor, architecture, device, description, limits, features), wasm's SIMD and
 * threads, onnxruntime's execution provider when it ran, PyTorch as it ran (version, device, BLAS
 * library loaded and the kernel it chose, threads), and the environment variables that steer
 * them (`OPENBLAS_*`, `OMP_*`, …).
 *
 * Two results compare only when their fingerprints agree apart from the provenance (the commit,
 * whether the tree was dirty, rnnlab's version): that is the point of a regression gate, and a
 * result without a fingerprint is refused (`gate.ts`). Taking one here and now is
 * `take_fingerprint.ts`'s; this module describes and compares them, in Deno or a web page.
 *
 * @module
 */

import type { Environment } from "../run/machine.ts";

/** The WebGPU adapter, as it describes itself. */
export interface AdapterFingerprint {
  /** `GPUAdapterInfo.vendor`. */
  vendor: string;
  /** `GPUAdapterInfo.architecture`. */
  architecture: string;
  /** `GPUAdapterInfo.device`. */
  device: string;
  /** `GPUAdapterInfo.description`. */
  description: string;
  /** Whether it is a fallback (software) adapter, where Deno says. */
  isFallbackAdapter: boolean | null;
  /** Its features, sorted. */
  features: string[];
  /** Its limits, by name. */
  limits: Record<string, number>;
}

/** PyTorch as `bench/torch_rnn.py` ran it (its `fingerprint()`). */
export interface TorchFingerprint {
  /** `torch.__version__`. */
  version: string;
  /** The device it ran on (`cpu`, `cuda`). */
  device: string;
  /** `torch.get_num_threads()`. */
  threads: number;
  /** `torch.get_num_interop_threads()`. */
  interopThreads: number;
  /** The parallel backend of the build (OpenMP, …), where `torch.__config__` says. */
  parallelBackend: string | null;
  /** The CPU capability its kernels use (`AVX2`, `AVX512`, …), where it says. */
  cpuCapability: string | null;
  /** The build's BLAS (`generic`: whatever `libblas.so.3` is). */
  blasInfo: string | null;
  /** The BLAS libraries mapped into the process. */
  blasLibraries: string[];
  /** OpenBLAS's own report, when it is the BLAS: its build, the kernel it chose, its threads. */
  openblas: { config: string; core: string; threads: number } | null;
  /** `torch.version.cuda`, or `null` without CUDA. */
  cuda: string | null;
  /** cuDNN's version, or `null` without it. */
  cudnn: number | null;
  /** The GPU's name, or `null` on a CPU. */
  gpu: string | null;
}

/** What a benchmark ran on. */
export interface Fingerprint extends Environment {
  /** The WebGPU adapter, or `null` without one. */
  webgpu: AdapterFingerprint | null;
  /** Whether this wasm runs SIMD with shared memory, and the threads of its large products. */
  wasm: { simd: boolean; threads: number };
  /** onnxruntime's execution provider after its fallbacks, or `null` when it did not run. */
  onnxruntimeEp: string | null;
  /** PyTorch, or `null` when it did not run. */
  torch: TorchFingerprint | null;
  /** The environment variables that steer the engines' threads and kernels. */
  variables: Record<string, string>;
}

/** The fields that say where a result came from, not what it ran on: not compared. */
const PROVENANCE = new Set(["commit", "dirty", "rnnlab"]);

/** The adapter `navigator.gpu` gives, described in full, or `null`. */
export async function adapterFingerprint(): Promise<AdapterFingerprint | null> {
  const adapter = await navigator.gpu?.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) return null;
  const { vendor, architecture, device, description } = adapter.info;
  const limits: Record<string, number> = {};
  for (const name in adapter.limits) {
    limits[name] = adapter.limits[name as keyof GPUSupportedLimits] as number;
  }
  const fallback = (adapter.info as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return {
    vendor,
    architecture,
    device,
    description,
    isFallbackAdapter: fallback ?? null,
    features: [...adapter.features].sort(),
    limits,
  };
}

/** Plain objects (not arrays, not null) are compared key by key. */
function isRecord(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === "object" && !Array.isArray(x);
}

/** `path: was → now` for each leaf that differs (an object against null is one difference). */
function differences(was: unknown, now: unknown, path: string): string[] {
  if (isRecord(was) && isRecord(now)) {
    const keys = [...new Set([...Object.keys(was), ...Object.keys(now)])].sort();
    return keys.flatMap((k) => differences(was[k], now[k], path ? `${path}.${k}` : k));
  }
  const [a, b] = [JSON.stringify(was), JSON.stringify(now)];
  return a === b ? [] : [`${path}: ${a ?? "(none)"} → ${b ?? "(none)"}`];
}

/**
 * Where two fingerprints differ, apart from the provenance: one `key: was → now` line each (the
 * key dotted, the values as JSON), empty when they agree.
 */
export function fingerprintDifferences(was: Fingerprint, now: Fingerprint): string[] {
  const strip = (f: Fingerprint) =>
    Object.fromEntries(Object.entries(f).filter(([k]) => !PROVENANCE.has(k)));
  return differences(strip(was), strip(now), "");
}

/** OpenBLAS's generic kernels: what it falls back to on a CPU it does not know. */
const GENERIC_OPENBLAS =
  /^(Prescott|Katmai|Coppermine|Northwood|Banias|Core2|Penryn|Dunnington|Nehalem|Atom)$/i;

/**
 * What a reader of the result should know about how PyTorch ran: OpenBLAS on a generic kernel
 * (it does not recognise this CPU, so its products run on SSE3 where AVX2 or AVX-512 exist).
 */
export function torchWarnings(torch: TorchFingerprint | null): string[] {
  const core = torch?.openblas?.core;
  if (!core || !GENERIC_OPENBLAS.test(core)) return [];
  return [
    `PyTorch's OpenBLAS runs its generic ${core} kernels (it does not recognise this CPU): ` +
    `OPENBLAS_CORETYPE=Haswell, or SkylakeX on AVX-512, gives PyTorch its fast ones`,
  ];
}
