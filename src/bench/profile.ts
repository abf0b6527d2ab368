/**
 * Where a training step's time goes: one step under `tf.profile()` (or, for kernels tfjs's engine
 * does not see, with each WebGPU program timed on the GPU), its kernel times summed by kernel name
 * and by kernel and input shapes.
 *
 * While profiling, tfjs records every kernel it runs, the gradient's included (they run through the
 * same engine), with the time `backend.time()` measures: on wasm and cpu the wall time of the
 * synchronous kernel call, on webgpu the GPU time from timestamp queries (0 without them). It also
 * records each `tf.customGrad` call (this project's `gatherRows`, tfjs's `logSoftmax`) as
 * an entry named after its scope, whose time contains the kernels it ran, which are recorded too;
 * those entries are left out, so no time counts twice.
 *
 * The coverage, kernel time over the step's wall time, says how much of the step the kernels
 * explain; the rest is JavaScript around them (autograd's tape, tensor bookkeeping, the profiler's
 * own records).
 *
 * The fused trainer launches its kernels through tfjs-webgpu's program interface, past the engine,
 * so `tf.profile()` does not see them: {@linkcode profilePrograms} times every WebGPU program a
 * step launches, by the backend's timer alone.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import { markdownTable } from "../report/markdown.ts";

/** One kernel call as the profile recorded it. */
export interface KernelCall {
  /** The kernel's name (`BatchMatMul`, `SplitV`, …). */
  name: string;
  /** Its time in milliseconds. */
  ms: number;
  /** Its sizes: the input shapes (`1120×256 · 256×1465`), or a fused kernel's sizes. */
  shapes: string;
}

/** The time of a group of kernel calls. */
export interface KernelRow {
  /** The kernel's name, with its sizes in the by-shape table; `other` for the rest. */
  name: string;
  /** Summed kernel time, milliseconds. */
  ms: number;
  /** `ms` over the profiled step's wall time. */
  share: number;
  /** How many calls. */
  calls: number;
}

/** One step's profile. */
export interface KernelProfile {
  /** How the kernels were timed. */
  method: string;
  /** Wall time of the profiled step (profiling's own overhead included), milliseconds. */
  stepMs: number;
  /** The kernels' time, summed, milliseconds. */
  kernelMs: number;
  /** `kernelMs / stepMs`. */
  coverage: number;
  /** How many kernel calls. */
  calls: number;
  /** By kernel name, largest first: the top rows, then `other`. */
  byKernel: KernelRow[];
  /** By kernel name and sizes, largest first: the top rows, then `other`. */
  byShape: KernelRow[];
}

/** `1120×256 · 256×1465`: input shapes as a profile names them. */
export function shapesText(inputShapes: number[][]): string {
  return inputShapes.map((s) => s.length > 0 ? s.join("×") : "scalar").join(" · ");
}

/**
 * Sums `calls` by `key`, largest first: the `top` largest groups, then one `other` row for the rest
 * (none when nothing is left). Shares are of `stepMs`.
 */
function groupKernels(
  calls: readonly KernelCall[],
  key: (call: KernelCall) => string,
  stepMs: number,
  top: number,
): KernelRow[] {
  const groups = new Map<string, { ms: number; calls: number }>();
  for (const c of calls) {
    const g = groups.get(key(c)) ?? { ms: 0, calls: 0 };
    g.ms += c.ms;
    g.calls++;
    groups.set(key(c), g);
  }
  const sorted = [...groups].sort((a, b) => b[1].ms - a[1].ms);
  const rest = sorted.slice(top).reduce(
    (sum, [, g]) => ({ ms: sum.ms + g.ms, calls: sum.calls + g.calls }),
    { ms: 0, calls: 0 },
  );
  return [...sorted.slice(0, top), ...(rest.calls > 0 ? [["other", rest] as const] : [])]
    .map(([name, g]) => ({ name, ms: g.ms, share: g.ms / stepMs, calls: g.calls }));
}

/**
 * Summarises the kernel calls of a step that took `stepMs`, timed by `method`: totals, coverage,
 * the two tables.
 */
export function summarizeKernels(
  method: string,
  calls: readonly KernelCall[],
  stepMs: number,
  top = 10,
): KernelProfile {
  const kernelMs = calls.reduce((sum, c) => sum + c.ms, 0);
  return {
    method,
    stepMs,
    kernelMs,
    coverage: kernelMs / stepMs,
    calls: calls.length,
    byKernel: groupKernels(calls, (c) => c.name, stepMs, top),
    byShape: groupKernels(calls, (c) => `${c.name} ${c.shapes}`, stepMs, top),
  };
}

/**
 * Runs `step` once under `tf.profile()` on the active backend and summarises its kernels (the
 * `tf.customGrad` entries left out). A kernel time the backend could not measure counts as 0.
 */
export async function profileStep(
  step: () => Promise<unknown>,
  top = 10,
): Promise<KernelProfile> {
  const backend = tf.getBackend();
  const start = performance.now();
  const info = await tf.profile(async () => {
    await step();
    return [];
  });
  const stepMs = performance.now() - start;
  const calls = info.kernels
    .filter((k) => tf.getKernel(k.name, backend) !== undefined)
    .map((k) => ({
      name: k.name,
      ms: typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0, // tf.profile awaited them
      shapes: shapesText(k.inputShapes),
    }));
  return summarizeKernels("tf.profile()", calls, stepMs, top);
}

/**
 * Reads tfjs-webgpu's per-program times, which it gives only as text: `name: ms, name: ms, …`. A
 * fused kernel's name is its cache key, `<kernel>_<sizes>` (src/train/fused/kernel.ts); a tfjs
 * program's, its class (`SliceProgram`).
 */
export function parseProgramTimes(text: string): KernelCall[] {
  if (text === "") return [];
  return text.split(", ").map((entry) => {
    const colon = entry.lastIndexOf(": ");
    const program = entry.slice(0, colon);
    const ms = Number(entry.slice(colon + 2));
    if (colon < 0 || !Number.isFinite(ms)) throw new Error(`unreadable program time "${entry}"`);
    const cut = program.indexOf("_");
    return cut < 0
      ? { name: program, ms, shapes: "" }
      : { name: program.slice(0, cut), ms, shapes: program.slice(cut + 1) };
  });
}

/**
 * Runs `step` once on the webgpu backend with every WebGPU program it launches timed on the GPU
 * (tfjs-webgpu's `backend.time()`: a compute pass per program, with timestamp queries), and
 * summarises them. For kernels launched outside tfjs's engine, which `tf.profile()` does not see:
 * the fused trainer's. Each program then runs in a pass of its own, so the profiled step is slower
 * than a timed one; the kernel times are the GPU's own.
 */
export async function profilePrograms(step: () => void, top = 10): Promise<KernelProfile> {
  const backend = tf.backend() as WebGPUBackend;
  if (!backend.device?.features.has("timestamp-query")) {
    throw new Error(
      "the WebGPU device has no timestamp-query feature: its kernels cannot be timed",
    );
  }
  const start = performance.now();
  const timing = await backend.time(step);
  const stepMs = performance.now() - start;
  const calls = parseProgramTimes(timing.getExtraProfileInfo?.() ?? "");
  return summarizeKernels("timestamp queries, a pass per program", calls, stepMs, top);
}

/** Milliseconds for a profile table: four decimals below 1 ms (a GPU kernel's ~0.01), else one. */
function msText(ms: number): string {
  return ms.toFixed(ms < 1 ? 4 : 1);
}

/** A Markdown table of profile rows. */
function rowTable(header: string, rows: readonly KernelRow[]): string {
  return markdownTable(
    [header, "ms", "share of step", "calls"],
    rows.map((r) => [r.name, msText(r.ms), `${(100 * r.share).toFixed(1)} %`, String(r.calls)]),
  );
}

/**
 * A Markdown section for one profiled step: the totals and coverage, then the time by kernel and
 * by kernel and sizes. `timedMs` is the mean unprofiled step of the same run, for scale.
 */
export function profileMarkdown(title: string, p: KernelProfile, timedMs: number): string {
  return [
    `### ${title}`,
    "",
    `One step, timed by ${p.method}: ${p.stepMs.toFixed(1)} ms wall (the timed mean: ` +
    `${timedMs.toFixed(1)} ms); ${p.calls} kernel calls, ${msText(p.kernelMs)} ms of kernel ` +
    `time: coverage ${(100 * p.coverage).toFixed(0)} % of the profiled step, ` +
    `${(100 * p.kernelMs / timedMs).toFixed(0)} % of the timed mean.`,
    "",
    rowTable("kernel", p.byKernel),
    "",
    rowTable("kernel and sizes", p.byShape),
  ].join("\n");
}
