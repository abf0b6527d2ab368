/**
 * What a run or a measurement was made on, for run records, goldens and benchmarks: the machine
 * (CPU, cores, memory, OS) and the software (rnnlab and its git commit, Deno, tfjs, onnxruntime).
 *
 * Each part is read where the task's permissions allow, and left `null` where they do not.
 Sizes in bytes are written as {@linkcode formatBytes} writes them.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { fileURLToPath } from "node:url";
import denoJson from "../../deno.json" with { type: "json" };

/** The machine and the software, as `run.json` and `deno task bench` record them. */
export interface Environment {
  /** rnnlab's version (deno.json). */
  rnnlab: string;
  /** The git commit of the checkout that ran, or `null` outside a checkout (or without git). */
  commit: string | null;
  /** Whether tracked files differed from that commit; `null` when `commit` is. */
  dirty: boolean | null;
  /** Deno's version. */
  deno: string;
  /** V8's version. */
  v8: string;
  /** TypeScript's version. */
  typescript: string;
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

function granted(descriptor: Deno.PermissionDescriptor): boolean {
  return Deno.permissions.querySync(descriptor).state === "granted";
}

/** Runs a command and returns its standard output, or `null` when it cannot run or fails. */
function output(command: string, args: string[]): string | null {
  if (!granted({ name: "run", command })) return null;
  try {
    const out = new Deno.Command(command, { args, stdout: "piped", stderr: "null" }).outputSync();
    return out.success ? new TextDecoder().decode(out.stdout) : null;
  } catch {
    return null;
  }
}

/** The CPU model: from /proc/cpuinfo (Deno grants it only with --allow-all), else from `lscpu`. */
function cpuModel(): string | null {
  try {
    return Deno.readTextFileSync("/proc/cpuinfo").match(/^model name\s*:\s*(.+)$/m)?.[1] ?? null;
  } catch {
    // not readable under these permissions: ask lscpu, when running it is allowed
  }
  return output("lscpu", [])?.match(/^Model name:\s*(.+)$/m)?.[1]?.trim() ?? null;
}

/** The commit of the checkout this module lives in, and whether tracked files differ from it. */
function gitState(): { commit: string | null; dirty: boolean | null } {
  if (!import.meta.url.startsWith("file:")) return { commit: null, dirty: null };
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const commit = output("git", ["-C", root, "rev-parse", "HEAD"])?.trim() || null;
  if (commit === null) return { commit, dirty: null };
  const status = output("git", ["-C", root, "status", "--porcelain", "--untracked-files=no"]);
  return { commit, dirty: status === null ? null : status.trim() !== "" };
}

/** The npm version deno.json pins for `name`. */
function pinned(name: string): string {
  const spec = (denoJson.imports as Record<string, string>)[name] ?? "";
  return spec.slice(spec.lastIndexOf("@") + 1);
}

/** Reads the machine and the software now. */
export function environment(): Environment {
  const sys = (name: "systemMemoryInfo" | "osRelease") => granted({ name: "sys", kind: name });
  return {
    rnnlab: denoJson.version,
    ...gitState(),
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    tfjs: tf.version.tfjs,
    onnxruntime: pinned("onnxruntime-node"),
    os: Deno.build.os,
    osRelease: sys("osRelease") ? Deno.osRelease() : null,
    arch: Deno.build.arch,
    cpu: cpuModel()?.trim() || null,
    cores: navigator.hardwareConcurrency,
    memoryBytes: sys("systemMemoryInfo") ? Deno.systemMemoryInfo().total : null,
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
 * memory where readable, Deno version.
 */
export function machineDescription(env: Environment = environment()): string {
  const cores = `${env.cores} cores${env.cpu ? ` (${env.cpu})` : ""}`;
  const memory = env.memoryBytes ? `, ${formatBytes(env.memoryBytes, 0)}` : "";
  return `${env.os} ${env.arch}, ${cores}${memory}, Deno ${env.deno}`;
}
