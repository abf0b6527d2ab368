/**
 * A sweep on disk, and running it. A sweep folder holds:
 *
 * - `plan.json`: the expanded plan (`plan.ts`): the same plan in the same folder, or no run starts;
 * - `sweep.json`: which shard of the plan the folder runs (`null`: all of it), and the runs whose
 *   last worker failed, with the error;
 * - `runs/<name>/`: a run folder per run, as `deno task train --out` writes it;
 * - `logs/<name>.log`: what each run's worker wrote on stderr (the chapter's lines, an error);
 * - `summary.json`, `summary.csv`, `summary.md`, `curves.svg` (each setting's mean curve) and
 *   `report.html`, rewritten as each run ends;
 * - `run.lock` while a sweep process works in it (one at a time).
 *
 * Running it again continues it: complete and diverged runs are skipped, interrupted ones resume
 * from their checkpoint, failed and pending ones start (again). A shard (`--shard I/N`) is a sweep
 * folder of its own, `shard-I-of-N/` under `--out`; `--collect` merges shard folders' runs into one
 * summary, the same as one process would have written but for the times.
 *
 * @module
 */

import { basename, dirname, join, relative, resolve } from "node:path";
import { EXIT, UsageError } from "../errors.ts";
import { shellWord } from "../cli/flag_values.ts";
import { exists, fsReason, makeDir, readJson } from "../io/fs.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { formatBytes } from "../run/machine.ts";
import { estimateMemory } from "../run/limits.ts";
import { lockRunDir, type RunLock } from "../run/lock.ts";
import { prepareRun } from "../run/run.ts";
import { readRecord } from "../run/run_dir.ts";
import { RUN_FILES, type RunRecord } from "../run/record.ts";
import type { Environment } from "../run/machine.ts";
import { selectBackend } from "../train/backend.ts";
import { sharedValues } from "../run/train_flags.ts";
import {
  expandPlan,
  flagsToArgs,
  type Plan,
  planJson,
  type PlannedRun,
  readPlanFile,
  sharedFlags,
} from "./plan.ts";
import { type PoolJob, type PoolResult, runPool, SweepDisplay } from "./pool.ts";
import { sweepPlot, sweepReportHtml } from "./sweep_page.ts";
import type { Shard } from "../cli/shard.ts";
import { inShard, shardFolderName } from "./shard_runs.ts";
import {
  makeSummary,
  type Summary,
  summaryCsv,
  summaryMarkdown,
  type SummaryRow,
  summaryRow,
} from "./summary.ts";
import "../train/wasm_threads.ts"; // wasm's large products on every core

/** The value of `sweep.json`'s `format` field. */
export const SWEEP_FORMAT = "rnnlab-sweep/1";

/** The files of a sweep folder. */
export const SWEEP_FILES = {
  plan: "plan.json",
  state: "sweep.json",
  runs: "runs",
  logs: "logs",
  summaryJson: "summary.json",
  summaryCsv: "summary.csv",
  summaryMd: "summary.md",
  plot: "curves.svg",
  report: "report.html",
} as const;

/** `sweep.json`. */
export interface SweepState {
  /** {@linkcode SWEEP_FORMAT}. */
  format: typeof SWEEP_FORMAT;
  /** The shard this folder runs, `null` for the whole plan. */
  shard: Shard | null;
  /** The runs whose last worker failed, with its error. */
  failures: Record<string, string>;
}

/** The runs of `plan` checked before any starts, with the memory each needs. */
export interface CheckedPlan {
  /** The plan. */
  plan: Plan;
  /** Each checked run's memory estimate in bytes, by its index in the plan. */
  memoryBytes: number[];
}

/**
 * Checks every run of `plan` as train would before training: its corpus, prefixes, batch sizes,
 * backend, trainer and memory (each backend started once). Throws the first problem as one line,
 * naming the run.
 */
export async function checkPlan(plan: Plan, shard?: Shard): Promise<CheckedPlan> {
  const memoryBytes: number[] = [];
  const named = (run: PlannedRun) => (err: unknown) => {
    throw err instanceof UsageError ? new UsageError(`run ${run.name}: ${err.message}`) : err;
  };
  let active: { choice: string; started: Awaited<ReturnType<typeof selectBackend>> } | undefined;
  // Grouped by backend, so that each starts once; the estimates keep the plan's order.
  const order = plan.runs.filter((r) => inShard(r.index, shard)).sort((a, b) =>
    a.choices.backend.localeCompare(b.choices.backend)
  );
  for (const run of order) {
    const choice = run.choices.backend;
    if (active?.choice !== choice) {
      active = { choice, started: await selectBackend(choice).catch(named(run)) };
    }
    const { data, engine } = await prepareRun(run.config, run.choices, active.started)
      .catch(named(run));
    memoryBytes[run.index] =
      estimateMemory(run.config, data.vocab.idxToChar.length, engine.trainer).totalBytes;
  }
  return { plan, memoryBytes };
}

/**
 * A warning when `workers` runs at a time may not fit in the memory available (the largest runs'
 * estimates, summed), or `undefined`.
 */
export function memoryWarning(checked: CheckedPlan, workers: number): string | undefined {
  const perRun = checked.memoryBytes.filter((m) => m !== undefined).sort((a, b) => b - a);
  const need = perRun.slice(0, workers).reduce((a, b) => a + b, 0);
  const sys = Deno.permissions.querySync({ name: "sys", kind: "systemMemoryInfo" }).state;
  if (sys !== "granted") return undefined;
  const available = Deno.systemMemoryInfo().available;
  if (need <= available) return undefined;
  return `${workers} workers may need about ${formatBytes(need)} at once, more than the ` +
    `${formatBytes(available)} available; a lower --jobs may be faster`;
}

/**
 * Reads `plan.json` in `dir`, or `undefined` when there is none. Its digest is recomputed from the
 * runs it lists, so an edited plan is another plan.
 */
export async function readFolderPlan(dir: string): Promise<Plan | undefined> {
  const path = join(dir, SWEEP_FILES.plan);
  if (!(await exists(path))) return undefined;
  return await expandPlan(await readPlanFile(path, path), path);
}

/** Writes `plan.json` into `dir` (created), or checks that the one there is the same plan. */
export async function writeFolderPlan(dir: string, plan: Plan): Promise<void> {
  const there = await readFolderPlan(await makeDir("--out", dir));
  if (there === undefined) {
    await writeFileAtomic(join(dir, SWEEP_FILES.plan), planJson(plan.runs));
  } else if (there.digest !== plan.digest) {
    throw new UsageError(
      `--out ${dir} holds another sweep (its plan.json has ${there.runs.length} runs, this plan ` +
        `${plan.runs.length}, and they differ); choose another --out, or rerun it with its own ` +
        `plan: deno task sweep --out ${shellWord(dir)}`,
    );
  }
}

/** A sweep folder opened to run its plan (or its shard of it). */
export interface SweepFolder {
  /** The folder. */
  dir: string;
  /** Its plan. */
  plan: Plan;
  /** Its shard, if it is one. */
  shard: Shard | null;
  /** Its lock. */
  lock: RunLock;
  /** `sweep.json` as it stands. */
  state: SweepState;
}

/**
 * Opens the sweep folder for `plan` under `out` (`out` itself, or its shard's folder): creates it,
 * locks it, and writes the plan, or checks it is the plan already there. A folder that holds
 * anything but a sweep is refused.
 */
export async function openSweepFolder(
  out: string,
  plan: Plan,
  shard: Shard | undefined,
): Promise<SweepFolder> {
  const dir = shard ? join(out, shardFolderName(shard)) : out;
  const lock = await lockRunDir(await makeDir("--out", dir), "sweep folder");
  try {
    const names: string[] = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    if (names.includes(RUN_FILES.record)) {
      throw new UsageError(`--out ${dir} holds a run, not a sweep; choose another --out`);
    }
    const own = new Set<string>([...Object.values(SWEEP_FILES), RUN_FILES.lock]);
    const shardsInside = names.some((n) => /^shard-\d+-of-\d+$/.test(n));
    if (!names.includes(SWEEP_FILES.plan) && names.some((n) => !own.has(n) && !n.startsWith("."))) {
      throw new UsageError(
        `--out ${dir} is not empty and holds no sweep (no ${SWEEP_FILES.plan}); choose another --out`,
      );
    }
    if (!shard && shardsInside) {
      throw new UsageError(
        `--out ${dir} holds shards of this sweep; run it by shard (--shard), or collect them ` +
          `(--collect ${dir})`,
      );
    }
    await writeFolderPlan(dir, plan);
    const statePath = join(dir, SWEEP_FILES.state);
    const state = await readJson<SweepState>(statePath) ??
      { format: SWEEP_FORMAT, shard: shard ?? null, failures: {} };
    const same = JSON.stringify(state.shard) === JSON.stringify(shard ?? null);
    if (!same) {
      throw new UsageError(
        `${dir} runs ${
          state.shard ? `shard ${state.shard.index} of ${state.shard.count}` : "all"
        }` +
          ` of its plan, not ${shard ? `shard ${shard.index} of ${shard.count}` : "all of it"}`,
      );
    }
    await writeFileAtomic(statePath, JSON.stringify(state, null, 2) + "\n");
    return { dir, plan, shard: shard ?? null, lock, state };
  } catch (err) {
    lock.release();
    throw err;
  }
}

/** The run folder of `run` in the sweep folder `dir`. */
export function runDir(dir: string, run: Pick<PlannedRun, "name">): string {
  return join(dir, SWEEP_FILES.runs, run.name);
}

/** A run's record in its folder, or `undefined` when it has none (yet). */
async function recordOf(dir: string): Promise<RunRecord | undefined> {
  if (!(await exists(join(dir, RUN_FILES.record)))) return undefined;
  return await readRecord(dir);
}

/** A summary row, with the record it was made from (`undefined` when there is none). */
interface RecordedRow {
  row: SummaryRow;
  record: RunRecord | undefined;
}

/** The summary row of `run`, whose folder is `dir`, for a summary written in `summaryDir`. */
async function rowOf(
  run: PlannedRun,
  varying: readonly string[],
  dir: string,
  summaryDir: string,
  error: string | undefined,
): Promise<RecordedRow> {
  const record = await recordOf(dir);
  const row = summaryRow(
    {
      name: run.name,
      dir: relative(summaryDir, dir) || ".",
      values: run.values,
      seed: run.config.seed,
      epochs: run.config.epochs,
    },
    varying,
    record,
    error,
  );
  return { row, record };
}

/** A sweep's summary, and the environments of its runs begun, which its report lists. */
interface Summarised {
  summary: Summary;
  environments: Environment[];
}

/** The summary of `plan` from its rows, each read once. */
function summarised(plan: Plan, rows: readonly RecordedRow[]): Summarised {
  return {
    summary: makeSummary(plan.digest, plan.varying, rows.map((r) => r.row), {
      flags: sharedFlags(plan.runs),
      values: sharedValues(plan.runs),
    }),
    environments: rows.flatMap(({ record }) =>
      record !== undefined && record.curve.length > 0 ? [record.environment] : []
    ),
  };
}

/** Writes the summary files, the plot and the report into `dir`, each atomically. */
async function writeSummary(dir: string, { summary, environments }: Summarised): Promise<void> {
  const title = `Sweep ${basename(resolve(dir))}`;
  await writeFileAtomic(
    join(dir, SWEEP_FILES.summaryJson),
    JSON.stringify(summary, null, 2) + "\n",
  );
  await writeFileAtomic(join(dir, SWEEP_FILES.summaryCsv), summaryCsv(summary));
  await writeFileAtomic(join(dir, SWEEP_FILES.summaryMd), summaryMarkdown(summary, title));
  const plot = await sweepPlot(summary, title);
  await writeFileAtomic(join(dir, SWEEP_FILES.plot), plot.wide);
  await writeFileAtomic(
    join(dir, SWEEP_FILES.report),
    sweepReportHtml(summary, title, plot, environments),
  );
}

/** The runs of a folder's share of its plan, in order. */
function share(folder: Pick<SweepFolder, "plan" | "shard">): PlannedRun[] {
  return folder.plan.runs.filter((r) => inShard(r.index, folder.shard ?? undefined));
}

/** The summary of a sweep folder as it stands. */
async function summarise(folder: SweepFolder): Promise<Summarised> {
  const rows = await Promise.all(
    share(folder).map((r) =>
      rowOf(
        r,
        folder.plan.varying,
        runDir(folder.dir, r),
        folder.dir,
        folder.state.failures[r.name],
      )
    ),
  );
  return summarised(folder.plan, rows);
}

/** What a sweep session did. */
export interface SweepOutcome {
  /** The summary written at the end. */
  summary: Summary;
  /** Whether it was stopped by the signal. */
  interrupted: boolean;
}

/** The line a finished run leaves: its name, status, epochs, perplexities and time. */
function endLine(row: SummaryRow): string {
  const ppl = (p: number | null) => p === null ? "—" : p.toFixed(3);
  const what = row.status === "failed"
    ? `failed: ${row.error}`
    : `${row.status}, ${row.epochs}/${row.targetEpochs} epochs`;
  const numbers = row.epochs > 0
    ? `, perplexity ${ppl(row.finalPerplexity)} (best ${ppl(row.bestPerplexity)}), ` +
      `${row.secondsPerEpoch!.toFixed(2)} s/epoch`
    : "";
  return `${row.name}: ${what}${numbers}`;
}

/**
 * Runs the folder's share of its plan on `workers` processes, skipping what is finished and
 * resuming what was interrupted, and keeps the summary up to date as runs end. Releases the lock.
 */
export async function runSweep(
  folder: SweepFolder,
  opts: {
    workers: number;
    signal: AbortSignal;
    print?: (l: string) => void;
  },
): Promise<SweepOutcome> {
  const { dir, plan, state } = folder;
  const print = opts.print ?? (() => {});
  try {
    const jobs: PoolJob[] = [];
    let skipped = 0;
    for (const run of share(folder)) {
      const at = runDir(dir, run);
      const record = await recordOf(at);
      const done = record?.curve.length ?? 0;
      const finished = record !== undefined && (record.status === "diverged" ||
        (record.status === "complete" && done >= run.config.epochs));
      if (finished) {
        skipped++;
        delete state.failures[run.name];
        continue;
      }
      // The corpus path as the plan's process resolved it: a worker may run elsewhere.
      const flags = {
        ...run.flags,
        ...(run.choices.corpus.data && { data: run.choices.corpus.data }),
      };
      jobs.push({
        name: run.name,
        dir: at,
        args: flagsToArgs(flags),
        mode: record !== undefined ? "resume" : (await exists(at)) ? "fresh" : "new",
        epochsDone: done,
        epochs: run.config.epochs,
      });
    }
    if (skipped > 0) print(`${skipped} of ${share(folder).length} runs are finished already`);
    await Deno.mkdir(join(dir, SWEEP_FILES.logs), { recursive: true });
    const display = new SweepDisplay(
      jobs.length,
      jobs.reduce((n, j) => n + j.epochs - j.epochsDone, 0),
    );
    const onResult = async (result: PoolResult) => {
      const run = plan.runs.find((r) => r.name === result.name)!;
      const ended: number[] = [EXIT.ok, EXIT.diverged, EXIT.sigint, EXIT.sigterm];
      const failed = !ended.includes(result.code);
      if (failed) state.failures[run.name] = result.error ?? `exit code ${result.code}`;
      else delete state.failures[run.name];
      await writeFileAtomic(join(dir, SWEEP_FILES.state), JSON.stringify(state, null, 2) + "\n");
      const now = await summarise(folder);
      display.ended(run.name, endLine(now.summary.runs.find((r) => r.name === run.name)!));
      await writeSummary(dir, now);
    };
    await runPool(jobs, {
      workers: opts.workers,
      logDir: join(dir, SWEEP_FILES.logs),
      signal: opts.signal,
      display,
      onResult,
    });
    display.close();
    const end = await summarise(folder);
    await writeSummary(dir, end);
    return { summary: end.summary, interrupted: opts.signal.aborted };
  } finally {
    folder.lock.release();
  }
}

/** The shard folders that `dir` is or holds. */
async function shardFolders(dir: string): Promise<string[]> {
  if (await exists(join(dir, SWEEP_FILES.state))) return [dir];
  const found: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isDirectory && await exists(join(dir, e.name, SWEEP_FILES.state))) {
        found.push(join(dir, e.name));
      }
    }
  } catch (err) {
    throw new UsageError(`--collect ${dir} cannot be read: ${fsReason(err)}`);
  }
  if (found.length === 0) throw new UsageError(`--collect ${dir} holds no sweep folder`);
  return found.sort();
}

/** Where `--collect DIR...` writes by default: the first DIR when it holds shards, else its parent. */
export async function defaultCollectOut(dirs: readonly string[]): Promise<string> {
  return await exists(join(dirs[0], SWEEP_FILES.state)) ? dirname(resolve(dirs[0])) : dirs[0];
}

/**
 * Merges the runs of the sweep folders found in `dirs` (shard folders, or folders holding them)
 * into one summary written into `out`, with the plan. The folders must share one plan; a run no
 * folder covers is `missing`, and a shard given twice is refused. Returns the summary.
 */
export async function collectSweep(dirs: readonly string[], out: string): Promise<Summary> {
  const folders = (await Promise.all(dirs.map(shardFolders))).flat();
  let plan: Plan | undefined;
  const covered = new Map<number, { dir: string; failures: Record<string, string> }>();
  for (const dir of folders) {
    const own = await readFolderPlan(dir);
    const state = await readJson<SweepState>(join(dir, SWEEP_FILES.state));
    if (own === undefined || state?.format !== SWEEP_FORMAT) {
      throw new UsageError(`--collect: ${dir} is not a sweep folder (no plan.json or sweep.json)`);
    }
    if (plan !== undefined && own.digest !== plan.digest) {
      throw new UsageError(`--collect: ${dir} ran another plan than ${folders[0]}`);
    }
    plan ??= own;
    for (const run of own.runs) {
      if (!inShard(run.index, state.shard ?? undefined)) continue;
      if (covered.has(run.index)) {
        throw new UsageError(
          `--collect: run ${run.name} is in both ${covered.get(run.index)!.dir} and ${dir} ` +
            `(a shard given twice?)`,
        );
      }
      covered.set(run.index, { dir, failures: state.failures ?? {} });
    }
  }
  await writeFolderPlan(out, plan!);
  const rows = await Promise.all(plan!.runs.map(async (run): Promise<RecordedRow> => {
    const from = covered.get(run.index);
    if (from === undefined) {
      const row = summaryRow(
        {
          name: run.name,
          dir: "",
          values: run.values,
          seed: run.config.seed,
          epochs: run.config.epochs,
        },
        plan!.varying,
        undefined,
      );
      return { row: { ...row, status: "missing" }, record: undefined };
    }
    return await rowOf(run, plan!.varying, runDir(from.dir, run), out, from.failures[run.name]);
  }));
  const collected = summarised(plan!, rows);
  await writeSummary(out, collected);
  return collected.summary;
}
