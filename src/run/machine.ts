/**
 * What a run or a measurement was made on, for run records, goldens and benchmarks: the machine
 * (CPU, cores, memory, OS) and the software (rnnlab and its git commit, Deno or the browser, tfjs,
 * onnxruntime), and how it is written. Reading it is `environment.ts`'s in Deno, and the web page's
 * own in a browser. Sizes in bytes are written as {@linkcode formatBytes} writes them.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import denoJson from "../../deno.json" with { type: "json" };

/** The machine and the software, as `run.json` and `deno task bench` record them. */
export interface Environment {
  /** rnnlab's version (deno.json). */
  rnnlab: string;
  /** The git commit of the checkout that ran, or `null` outside a checkout (or without git). */
  commit: string | null;
  /** Whether tracked files differed from that commit; `null` when `commit` is. */
  dirty: boolean | null;
  /** Deno's version; `null` in a browser. */
  deno: string | null;
  /** V8's version; `null` in a browser. */
  v8: string | null;
  /** TypeScript's version; `null` in a browser. */
  typescript: string | null;
  /** The browser and its version (`Chromium 131.0.6778.85`), when a web page ran. */
  browser?: string;
  /** tfjs's version. */
  tfjs: string;
  /** onnxruntime-node's version (as deno.json pins it). */
  onnxruntime: string;
  /** The OS (`linux`, `darwin`, `windows`). */
  os: string;
  /** The kernel's release, when readable. */
  osRelease: string | null;
  /** The CPU architecture. */
  arch: string;
  /** The CPU model, when readable. */
  cpu: string | null;
  /** Logical cores. */
  cores: number;
  /** Total memory in bytes, when readable. */
  memoryBytes: number | null;
}

/** The npm version deno.json pins for `name`. */
function pinned(name: string): string {
  const spec = (denoJson.imports as Record<string, string>)[name] ?? "";
  return spec.slice(spec.lastIndexOf("@") + 1);
}

/** The versions of rnnlab and of the libraries it pins, wherever it runs. */
export function softwareVersions(): Pick<Environment, "rnnlab" | "tfjs" | "onnxruntime"> {
  return {
    rnnlab: denoJson.version,
    tfjs: tf.version.tfjs,
    onnxruntime: pinned("onnxruntime-node"),
  };
}

/** `12.3 GiB` (with `gibDigits` decimals), or below a GiB `456 MiB` (rounded up). */
export function formatBytes(bytes: number, gibDigits = 1): string {
  return bytes >= 2 ** 30
    ? `${(bytes / 2 ** 30).toFixed(gibDigits)} GiB`
    : `${Math.ceil(bytes / 2 ** 20)} MiB`;
}

/**
 * `linux x86_64, 2 cores (AMD EPYC), 24 GiB, Deno 2.9.6`: OS, cores and CPU model where readable,
 * memory where readable, Deno's version (or the browser's).
 */
export function machineDescription(env: Environment): string {
  const cores = `${env.cores} cores${env.cpu ? ` (${env.cpu})` : ""}`;
  const memory = env.memoryBytes ? `, ${formatBytes(env.memoryBytes, 0)}` : "";
  return `${env.os} ${env.arch}, ${cores}${memory}, ${env.browser ?? `Deno ${env.deno}`}`;
}
