/**
 * `deno task bench` as a command: its flags read into a plan (every check made before any work),
 * then the protocol: the baseline and the fingerprint compared first, the machine's load
 * watched, the engines timed in interleaved rounds, the result written, and the gate's verdict
 * as the exit code.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { EXIT, UsageError } from "../errors.ts";
import { choiceFlag, numberFlag } from "../cli/flag_values.ts";
import type { parseFlags } from "../cli/flags.ts";
import { userPath } from "../cli/paths.ts";
import { exists, writableDir } from "../io/fs.ts";
import { loadTrainingData } from "../data/corpus.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { probeAdapter } from "../train/backend.ts";
import { wasmThreadsWanted } from "../train/gemm_threads.ts";
import { PRESETS } from "../train/config.ts";
import {
  TRAINER_CHOICES,
  TRAINER_NAMES,
  type TrainerChoice,
  type TrainerName,
} from "../train/trainers.ts";
import { runBench } from "./bench.ts";
import { benchMarkdown } from "./step_result.ts";
import { endToEndMarkdown, runEndToEnd } from "./end_to_end.ts";
import type { Fingerprint } from "./fingerprint.ts";
import { takeFingerprint } from "./take_fingerprint.ts";
import {
  baselineMismatch,
  DEFAULT_GATE_MARGIN,
  GATE_EXIT,
  type GatedResult,
  gateVerdict,
  readBaseline,
} from "./gate.ts";
import { LoadGuard } from "./quiet.ts";
import { BENCH_BACKENDS, type BenchBackend, type BenchCommon } from "./result.ts";
import { TORCH_IMPLS, torchFingerprint } from "./torch_baseline.ts";
import { findPython, noPythonWith, PYTHON_CANDIDATES } from "../io/python.ts";

/** The flags `deno task bench` takes (for `parseFlags`). */
export const BENCH_FLAGS = {
  preset: { type: "string", default: "chapter" },
  iters: { type: "string", default: "5" },
  warmup: { type: "string", default: "1" },
  repeat: { type: "string", default: "1" },
  backends: { type: "string" },
  trainers: { type: "string" },
  threads: { type: "string" },
  torch: { type: "string", default: "auto" },
  "torch-device": { type: "string" },
  "torch-impls": { type: "string", default: TORCH_IMPLS.join(",") },
  results: { type: "string" },
  "end-to-end": { type: "boolean" },
  epochs: { type: "string" },
  "require-quiet": { type: "boolean" },
  baseline: { type: "string" },
  "gate-margin": { type: "string" },
  "save-baseline": { type: "boolean" },
  json: { type: "boolean" },
} as const;

/** What the flags ask for, checked. */
interface BenchPlan {
  endToEnd: boolean;
  preset: string;
  iters: number;
  warmup: number;
  repeat: number;
  epochs?: number;
  trainers: string[];
  threads: number[];
  backends?: BenchBackend[];
  torch: string;
  torchDevice?: string;
  torchImpls: (typeof TORCH_IMPLS)[number][];
  results: string;
  requireQuiet: boolean;
  baseline?: string;
  /** The gate's margin, a fraction. */
  gateMargin: number;
  saveBaseline: boolean;
  json: boolean;
}

/** A comma-separated flag's values, each checked by `check`. */
function list<T>(raw: string | undefined, fallback: readonly T[], check: (v: string) => T): T[] {
  return raw === undefined ? [...fallback] : raw.split(",").map(check);
}

/** What `parseFlags` makes of {@linkcode BENCH_FLAGS}. */
export type BenchFlags = ReturnType<typeof parseFlags<typeof BENCH_FLAGS>>;

/** Checks the flags and reads them into a plan; nothing runs and nothing is written. */
function benchPlan(flags: BenchFlags): BenchPlan {
  const endToEnd = flags["end-to-end"] ?? false;
  if (!endToEnd && flags.epochs !== undefined) {
    throw new UsageError("--epochs goes with --end-to-end (steps are timed by --iters)");
  }
  const count = (name: string, raw: string, min: number) =>
    numberFlag(name, raw, { integer: true, min });
  // Whole runs take trainers as train's --trainer (auto); steps take each trainer by name.
  const trainerChoices: readonly string[] = endToEnd ? TRAINER_CHOICES : TRAINER_NAMES;
  return {
    endToEnd,
    preset: choiceFlag("preset", flags.preset, Object.keys(PRESETS)),
    iters: count("iters", flags.iters, 1),
    warmup: count("warmup", flags.warmup, 0),
    repeat: count("repeat", flags.repeat, 1),
    ...(flags.epochs !== undefined && { epochs: count("epochs", flags.epochs, 1) }),
    trainers: list(
      flags.trainers,
      endToEnd ? ["auto"] : TRAINER_NAMES,
      (t) => choiceFlag("trainers", t, trainerChoices),
    ),
    threads: list(flags.threads, [wasmThreadsWanted()], (t) => count("threads", t, 1)),
    ...(flags.backends !== undefined && {
      backends: list(flags.backends, [], (b) => choiceFlag("backends", b, BENCH_BACKENDS)),
    }),
    torch: flags.torch,
    torchDevice: flags["torch-device"],
    torchImpls: list(flags["torch-impls"], [], (i) => choiceFlag("torch-impls", i, TORCH_IMPLS)),
    results: flags.results === undefined ? join("runs", "bench") : userPath(flags.results),
    requireQuiet: flags["require-quiet"] ?? false,
    ...(flags.baseline !== undefined && { baseline: userPath(flags.baseline) }),
    gateMargin: gateMargin(flags),
    saveBaseline: flags["save-baseline"] ?? false,
    json: flags.json ?? false,
  };
}

/** `--gate-margin PCT` (percent, 0 to 100) as a fraction; it goes with `--baseline` only. */
function gateMargin(flags: BenchFlags): number {
  const raw = flags["gate-margin"];
  if (raw === undefined) return DEFAULT_GATE_MARGIN;
  if (flags.baseline === undefined) throw new UsageError("--gate-margin goes with --baseline FILE");
  return numberFlag("gate-margin", raw, { min: 0, max: 100 }) / 100;
}

/** The Python with torch that `--torch` names, or none (with `auto`, `log` says which were tried). */
async function torchPython(
  choice: string,
  log: (line: string) => void,
): Promise<string | undefined> {
  if (choice === "none") return undefined;
  const search = await findPython("torch", choice === "auto" ? PYTHON_CANDIDATES : [choice]);
  if (search.python !== undefined) return search.python;
  if (choice === "auto") log(`the PyTorch baseline is skipped: ${noPythonWith("torch", search)}`);
  else throw new UsageError(`--torch ${choice} cannot run PyTorch: ${search.tried[0]}`);
  return undefined;
}

/** The fingerprint now, PyTorch's included; refused when it differs from the baseline's. */
async function fingerprintAgainst(
  plan: BenchPlan,
  common: { config: BenchCommon["config"]; python?: string; torchDevice: string },
  baseline: GatedResult | undefined,
  log: (line: string) => void,
): Promise<Fingerprint> {
  const { python, torchDevice } = common;
  const torch = python ? await torchFingerprint(python, torchDevice, ".") : null;
  const now = await takeFingerprint({ torch });
  const kind = plan.endToEnd ? "e2e" : "train";
  const differences = baseline
    ? baselineMismatch(baseline, { kind, config: common.config, fingerprint: now })
    : [];
  if (differences.length > 0) {
    for (const line of differences) log(`  ${line}`);
    throw new UsageError(
      `not comparable with --baseline ${plan.baseline}: ${differences.length} difference(s), above`,
      GATE_EXIT.notComparable,
    );
  }
  return now;
}

/** `baseline-train-chapter-linux-x86_64-2c-intel-r-xeon-r-processor`: one per machine. */
function baselineName(kind: string, preset: string, f: Fingerprint): string {
  const cpu = (f.cpu ?? "cpu").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  return `baseline-${kind}-${preset}-${f.os}-${f.arch}-${f.cores}c-${cpu}`;
}

/** Runs `deno task bench` with `flags`; returns the exit code (the gate's, with --baseline). */
export async function benchTask(flags: BenchFlags): Promise<number> {
  const plan = benchPlan(flags);
  const log = (line: string) => console.error(line);
  const baseline = plan.baseline ? await readBaseline(plan.baseline) : undefined;
  const config = { ...PRESETS[plan.preset], ...(plan.epochs && { epochs: plan.epochs }) };
  const defaults: readonly BenchBackend[] = plan.endToEnd ? ["wasm", "webgpu"] : BENCH_BACKENDS;
  const python = await torchPython(plan.torch, log);
  const dir = await writableDir("--results", plan.results);
  const gpu = await probeAdapter();
  const hardwareGpu = gpu !== undefined && !gpu.software;
  const backends = plan.backends ?? defaults.filter((b) => b !== "webgpu" || hardwareGpu);
  const torchDevice = plan.torchDevice ?? (backends.includes("webgpu") ? "cuda" : "cpu");
  const fp = await fingerprintAgainst(plan, { config, python, torchDevice }, baseline, log);
  const guard = await LoadGuard.start();
  if (guard.busyAtStart.length > 0) {
    const why = guard.busyAtStart.join("; ");
    if (plan.requireQuiet) throw new UsageError(`the machine is not quiet: ${why}`, EXIT.busy);
    log(`the machine is not quiet (${why}): the result will be marked noisy`);
  }
  const common: BenchCommon = {
    preset: plan.preset,
    config,
    data: await loadTrainingData({}, config.corpusChars),
    backends,
    python,
    torchImpls: plan.torchImpls,
    torchDevice,
    fingerprint: fp,
    repeat: plan.repeat,
    threads: plan.threads,
    guard,
    log,
  };
  const { result, markdown } = await runPlan(plan, common);
  const path = await writeBenchResult(dir, result, markdown, {
    kind: result.kind,
    backends,
    preset: plan.preset,
  });
  console.log(plan.json ? JSON.stringify(result, null, 2) : markdown);
  log(`wrote ${path}.{json,md}`);
  if (plan.saveBaseline) await saveBaseline(dir, result, log);
  if (!baseline) return 0;
  const verdict = gateVerdict(baseline, result, plan.gateMargin);
  for (const line of verdict.lines) log(line);
  return verdict.exitCode;
}

/** Times what the plan asks: steps, or whole programs (their run folders in a temporary one). */
async function runPlan(plan: BenchPlan, common: BenchCommon) {
  if (!plan.endToEnd) {
    const result = await runBench({
      ...common,
      trainers: plan.trainers as TrainerName[],
      iters: plan.iters,
      warmup: plan.warmup,
    });
    return { result, markdown: benchMarkdown(result) };
  }
  const workDir = await Deno.makeTempDir({ prefix: "rnnlab-e2e-" });
  try {
    const result = await runEndToEnd({
      ...common,
      trainers: plan.trainers as TrainerChoice[],
      workDir,
      root: resolve("."),
    });
    return { result, markdown: endToEndMarkdown(result) };
  } finally {
    await Deno.remove(workDir, { recursive: true });
  }
}

/** Writes `result` as this machine's baseline in `dir`, unless it is noisy. */
async function saveBaseline(dir: string, result: GatedResult, log: (line: string) => void) {
  if (result.noisy) {
    throw new UsageError(
      "--save-baseline: a noisy result is not a baseline (kept as a result)",
      EXIT.busy,
    );
  }
  const path = join(dir, `${baselineName(result.kind, result.preset, result.fingerprint)}.json`);
  await writeFileAtomic(path, JSON.stringify(result, null, 2) + "\n");
  log(`wrote the baseline ${path}`);
}

/**
 * Writes `result` into `dir` as `<kind>-<date>-<time>-<backends>-<preset>.json` and its Markdown
 * as `.md`, with a suffix when those exist: a result is never overwritten. Returns the path
 * without the extension.
 */
export async function writeBenchResult(
  dir: string,
  result: { date: string },
  markdown: string,
  name: { kind: string; backends: readonly string[]; preset: string },
): Promise<string> {
  const stamp = result.date.slice(0, 19).replace("T", "-").replaceAll(":", "");
  const base = join(dir, `${name.kind}-${stamp}-${name.backends.join("-")}-${name.preset}`);
  let path = base;
  for (let n = 2; await exists(`${path}.json`) || await exists(`${path}.md`); n++) {
    path = `${base}-${n}`;
  }
  await writeFileAtomic(`${path}.json`, JSON.stringify(result, null, 2) + "\n");
  await writeFileAtomic(`${path}.md`, markdown);
  return path;
}
