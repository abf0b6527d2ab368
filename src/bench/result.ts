/**
 * What both kinds of benchmark share (steps timed, `bench.ts`; whole programs, `end_to_end.ts`):
 * their options, the header of their results (the machine, its fingerprint, the load it ran
 * under, the rounds) and the Markdown around their tables. No file access here: the web page's
 * benchmark mode builds its results with it too.
 *
 * @module
 */

import type { TrainingData } from "../data/read_corpus.ts";
import { machineDescription } from "../run/machine.ts";
import type { TrainConfig } from "../train/config.ts";
import { type Fingerprint, torchWarnings } from "./fingerprint.ts";
import { loadLine, type LoadRecord } from "./load.ts";
import type { LoadGuard } from "./quiet.ts";
import type { Summary } from "./stats.ts";
import type { TorchImpl } from "./torch_baseline.ts";

/** The backends `deno task bench` can time. */
export const BENCH_BACKENDS = ["wasm", "cpu", "webgpu"] as const;

/** A `--backends` value. */
export type BenchBackend = typeof BENCH_BACKENDS[number];

/** What both kinds of benchmark take. */
export interface BenchCommon {
  /** The preset's name, as the note and the file names give it (and `deno task train --preset`). */
  preset: string;
  /** Its config (with the epochs to run, for whole runs). */
  config: TrainConfig;
  /** The corpus (PyTorch gets its indices, and its vocabulary for predictions). */
  data: TrainingData;
  /** rnnlab's backends, in order. */
  backends: readonly BenchBackend[];
  /** The Python that imports torch, or `undefined` to skip PyTorch. */
  python?: string;
  /** PyTorch's implementations, in order (PyTorch eager's row is the ratios' yardstick). */
  torchImpls: readonly TorchImpl[];
  /** PyTorch's device (`cpu`, `cuda`). */
  torchDevice: string;
  /** What runs: the machine, the software, the adapter, PyTorch. */
  fingerprint: Fingerprint;
  /** Rounds: each engine runs once per round, interleaved. */
  repeat: number;
  /** On wasm, the thread counts of the large products to time (an engine each). */
  threads: readonly number[];
  /** Watches the load; checkpointed after every run. */
  guard: LoadGuard;
  /** Where progress lines go. */
  log: (line: string) => void;
}

/** One rnnlab engine: a backend, a trainer and, on wasm, the threads of the large products. */
export interface RnnlabRun<T extends string> {
  backend: BenchBackend;
  trainer: T;
  threads?: number;
}

/**
 * Every rnnlab engine asked for: each backend with each trainer that `runsOn` it, wasm's once per
 * thread count.
 */
export function rnnlabRuns<T extends string>(
  opts: { backends: readonly BenchBackend[]; threads: readonly number[] },
  trainers: readonly T[],
  runsOn: (trainer: T, backend: BenchBackend) => boolean = () => true,
): RnnlabRun<T>[] {
  return opts.backends.flatMap((backend) =>
    trainers.filter((trainer) => runsOn(trainer, backend)).flatMap((trainer): RnnlabRun<T>[] =>
      backend === "wasm"
        ? opts.threads.map((threads) => ({ backend, trainer, threads }))
        : [{ backend, trainer }]
    )
  );
}

/** `wasm/batched/2`, `webgpu/fused`: an engine's name in keys. */
export function runName(run: RnnlabRun<string>): string {
  return [run.backend, run.trainer, ...(run.threads ? [run.threads] : [])].join("/");
}

/** `, 2 threads` (or `, 1 thread`) on wasm; nothing elsewhere. */
export function threadsText(threads: number | undefined): string {
  return threads === undefined ? "" : `, ${threads} thread${threads === 1 ? "" : "s"}`;
}

/** What every result starts with. */
export interface ResultHeader {
  /** `train` (steps) or `e2e` (whole programs). */
  kind: "train" | "e2e";
  /** The machine, in words. */
  machine: string;
  /** When it ran (ISO). */
  date: string;
  /** What ran, in full. */
  fingerprint: Fingerprint;
  /** The load it ran under; `null` where it cannot be read (a web page). */
  load: LoadRecord | null;
  /** Whether the load makes it noisy (as `load.noisy`); `null` when the load is unknown. */
  noisy: boolean | null;
  /** Rounds. */
  repeat: number;
  /** The preset's name. */
  preset: string;
  /** The config timed. */
  config: TrainConfig;
  /** What a reader should know about how the engines ran (PyTorch's BLAS kernel, …). */
  warnings: string[];
  /** How to read the table. */
  note: string;
}

/** What a result's header says besides its kind and note. */
export interface HeaderInput {
  fingerprint: Fingerprint;
  backends: readonly string[];
  preset: string;
  config: TrainConfig;
  repeat: number;
  /** The load, or `null` where it cannot be read. */
  load: LoadRecord | null;
}

/** The header of a result of `kind`, dated now, with `note`. */
export function resultHeader(
  kind: ResultHeader["kind"],
  h: HeaderInput,
  note: string,
): ResultHeader {
  const { fingerprint, config, repeat, load } = h;
  const gpu = fingerprint.webgpu && h.backends.includes("webgpu")
    ? `, GPU ${fingerprint.webgpu.description || fingerprint.webgpu.vendor}`
    : "";
  return {
    kind,
    machine: machineDescription(fingerprint) + gpu,
    date: new Date().toISOString(),
    fingerprint,
    load,
    noisy: load?.noisy ?? null,
    repeat,
    preset: h.preset,
    config,
    warnings: torchWarnings(fingerprint.torch),
    note,
  };
}

/** `12.3 [11.9, 13.0]`: a median with its 95 % interval, or a dash. */
export function intervalText(s: Summary | undefined, digits = 1): string {
  if (!s) return "–";
  const f = (x: number) => x.toFixed(digits);
  return s.samples.length > 1 ? `${f(s.median)} [${f(s.ci95[0])}, ${f(s.ci95[1])}]` : f(s.median);
}

/** A ratio with its interval, two decimals. */
export function ratioText(s: Summary | undefined): string {
  return intervalText(s, 2);
}

/** `±12 %`: the spread, (max − min) / median. */
export function spreadText(s: Summary | undefined): string {
  return s && s.samples.length > 1 ? `±${(50 * s.spread).toFixed(0)} %` : "–";
}

/**
 * The Markdown above a result's table: the load line (NOISY first when it is), the machine, the
 * warnings, the note, and the fingerprint's essentials.
 */
export function headerMarkdown(h: ResultHeader): string {
  const f = h.fingerprint;
  const torch = f.torch
    ? `PyTorch ${f.torch.version} (${f.torch.device}, ${f.torch.threads} threads, BLAS ` +
      `${f.torch.openblas ? `OpenBLAS ${f.torch.openblas.core} kernels` : f.torch.blasInfo})`
    : "no PyTorch";
  const variables = Object.entries(f.variables).map(([k, v]) => `${k}=${v}`).join(" ");
  const load = h.load ? loadLine(h.load) : "load unknown: this machine's load could not be read";
  return [
    `**${load}**`,
    "",
    `Machine: ${h.machine}. Software: rnnlab ${f.commit?.slice(0, 7) ?? "(no commit)"}` +
    `${f.dirty ? " (dirty)" : ""}, ${
      f.browser ?? `Deno ${f.deno}, V8 ${f.v8}`
    }, tfjs ${f.tfjs}, wasm ` +
    `${f.wasm.simd ? "SIMD" : "no SIMD"}; ${torch}${variables ? `; ${variables}` : ""}.`,
    ...h.warnings.map((w) => `\n**Note:** ${w}.`),
    "",
    h.note,
    "",
  ].join("\n");
}
