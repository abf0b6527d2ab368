/**
 * A sweep's summary: a row per run (the values that vary, the seed, the times, the final and best
 * perplexity, the status, the curve and the final predictions), and a second table over seeds
 * (mean ± sample standard deviation of each setting's complete runs), written as `summary.json`,
 * `summary.csv` and `summary.md`.
 *
 * Rows come from the run folders' `run.json` alone, so a summary made by the process that ran the
 * sweep and one collected from its shards are the same, bit for bit, but for the times.
 *
 * @module
 */

import { markdownTable } from "../report/markdown.ts";
import { bestEpoch, formatPerplexity, latestPredictions } from "../run/run_page.ts";
import type { RunRecord, RunStatus } from "../run/record.ts";

/** The value of `summary.json`'s `format` field. */
export const SUMMARY_FORMAT = "rnnlab-sweep-summary/1";

/**
 * Where a run of a sweep stands: a run's own status, or `pending` (not started), `failed` (its
 * process ended in an error; the row says which) or `missing` (its shard was not collected).
 */
export type RowStatus = RunStatus | "pending" | "failed" | "missing";

/** One run of a sweep. */
export interface SummaryRow {
  /** The run's name (its folder's). */
  name: string;
  /** Its folder, relative to the summary's. */
  dir: string;
  /** The values of the settings that vary between runs, the seed aside. */
  values: Record<string, string>;
  /** Its seed. */
  seed: number;
  /** Where it stands. */
  status: RowStatus;
  /** Why it failed, for a failed run. */
  error?: string;
  /** Epochs done. */
  epochs: number;
  /** Epochs it trains to. */
  targetEpochs: number;
  /** Seconds of training, summed over its epochs (all its sessions). */
  seconds: number;
  /** Seconds per epoch; `null` before the first epoch. */
  secondsPerEpoch: number | null;
  /** The last epoch's perplexity; `null` before the first. */
  finalPerplexity: number | null;
  /** The lowest perplexity of its curve; `null` before the first epoch. */
  bestPerplexity: number | null;
  /** The epoch of the lowest perplexity. */
  bestEpoch: number | null;
  /** Perplexity per epoch. */
  curve: number[];
  /** The trained model's predictions (complete runs), by prefix. */
  predictions: { prefix: string; text: string }[];
  /** The backend and the trainer it ran on. */
  backend: string | null;
  /** The trainer. */
  trainer: string | null;
}

/** Mean and sample standard deviation (`null` with fewer than two values). */
export interface Spread {
  /** The mean. */
  mean: number;
  /** The sample standard deviation (n − 1). */
  sd: number | null;
}

/** One setting over its seeds. */
export interface AggregateRow {
  /** The values that vary, the seed aside. */
  values: Record<string, string>;
  /** Its runs, and how many are complete (only those are aggregated). */
  runs: number;
  /** Complete runs. */
  complete: number;
  /** Over the complete runs; `null` when there are none. */
  finalPerplexity: Spread | null;
  /** The best perplexity. */
  bestPerplexity: Spread | null;
  /** Seconds per epoch. */
  secondsPerEpoch: Spread | null;
  /**
   * The mean perplexity of each epoch over the runs that reached it (for the plot): over the
   * complete runs, or over the runs begun while none is complete.
   */
  meanCurve: number[];
  /** How many runs {@linkcode AggregateRow.meanCurve} is the mean of. */
  meanOf: number;
}

/** `summary.json`. */
export interface Summary {
  /** {@linkcode SUMMARY_FORMAT}. */
  format: typeof SUMMARY_FORMAT;
  /** The plan's digest (`plan.json`). */
  plan: string;
  /** The settings that vary, the seed aside, in the columns' order. */
  varying: string[];
  /** A row per run, in the plan's order. */
  runs: SummaryRow[];
  /** A row per setting. */
  aggregate: AggregateRow[];
  /** What every run shares: so that the page says what its curves were trained with. */
  shared: SharedSettings;
}

/** What every run of a sweep shares. */
export interface SharedSettings {
  /** The train flags every run was given, as written (`--preset small --epochs 2`). */
  flags: string;
  /** Every setting with the same value in every run, as run (defaults filled in). */
  values: Record<string, string>;
}

/** A row for a run from its record (or its absence: `pending`, or a `failed` run's error). */
export function summaryRow(
  run: { name: string; dir: string; values: Record<string, string>; seed: number; epochs: number },
  varying: readonly string[],
  record: RunRecord | undefined,
  error?: string,
): SummaryRow {
  const curve = record?.curve ?? [];
  const best = bestEpoch(curve);
  const done = curve.length;
  const status: RowStatus = error !== undefined
    ? "failed"
    : record === undefined
    ? "pending"
    : record.status;
  return {
    name: run.name,
    dir: run.dir,
    values: Object.fromEntries(varying.filter((k) => k !== "seed").map((k) => [k, run.values[k]])),
    seed: run.seed,
    status,
    ...(error !== undefined && { error }),
    epochs: done,
    targetEpochs: run.epochs,
    seconds: record?.totalSeconds ?? 0,
    secondsPerEpoch: done > 0 ? record!.totalSeconds / done : null,
    finalPerplexity: record?.finalPerplexity ?? null,
    bestPerplexity: best?.perplexity ?? null,
    bestEpoch: best?.epoch ?? null,
    curve: curve.map((r) => r.perplexity),
    predictions: record ? latestPredictions(record)?.pairs ?? [] : [],
    backend: record?.backend.name ?? null,
    trainer: record?.trainer ?? null,
  };
}

/** Mean and sample standard deviation of `xs`, or `null` for none. */
export function spread(xs: readonly number[]): Spread | null {
  if (xs.length === 0) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length < 2
    ? null
    : Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
  return { mean, sd };
}

/** The rows grouped by their values (the seed aside), in the order each first appears. */
export function aggregate(rows: readonly SummaryRow[]): AggregateRow[] {
  const groups = new Map<string, SummaryRow[]>();
  for (const row of rows) {
    const key = JSON.stringify(row.values);
    groups.set(key, [...groups.get(key) ?? [], row]);
  }
  return [...groups.values()].map((group) => {
    const done = group.filter((r) => r.status === "complete");
    const used = done.length > 0 ? done : group.filter((r) => r.curve.length > 0);
    const length = Math.max(0, ...used.map((r) => r.curve.length));
    const meanCurve = Array.from({ length }, (_, e) => {
      const at = used.filter((r) => r.curve.length > e).map((r) => r.curve[e]);
      return at.reduce((a, b) => a + b, 0) / at.length;
    });
    return {
      values: group[0].values,
      runs: group.length,
      complete: done.length,
      finalPerplexity: spread(done.map((r) => r.finalPerplexity!)),
      bestPerplexity: spread(done.map((r) => r.bestPerplexity!)),
      secondsPerEpoch: spread(done.map((r) => r.secondsPerEpoch!)),
      meanCurve,
      meanOf: used.length,
    };
  });
}

/** Makes the summary of `rows`, whose runs share `shared`. */
export function makeSummary(
  plan: string,
  varying: readonly string[],
  rows: SummaryRow[],
  shared: SharedSettings,
): Summary {
  return {
    format: SUMMARY_FORMAT,
    plan,
    varying: varying.filter((k) => k !== "seed"),
    runs: rows,
    aggregate: aggregate(rows),
    shared,
  };
}

/** `--preset small --epochs 2 (iter random, hidden 256, …)`: what every run shares, in a line. */
export function sharedLine(shared: SharedSettings): string {
  const values = Object.entries(shared.values).map(([k, v]) => `${k} ${v}`).join(", ");
  return [shared.flags, values && `(${values})`].filter((s) => s !== "").join(" ") ||
    "nothing but the defaults";
}

/**
 * `140.9 ± 6.3`: the standard deviation to two significant digits and the mean to the same
 * decimal place; the mean alone (as `single` writes it) when there is one value.
 */
export function formatSpread(s: Spread | null, single: (x: number) => string): string {
  if (s === null) return "—";
  if (s.sd === null) return single(s.mean);
  const decimals = s.sd > 0 ? Math.max(0, 1 - Math.floor(Math.log10(s.sd))) : 2;
  return `${s.mean.toFixed(decimals)} ± ${s.sd.toFixed(decimals)}`;
}

/** Seconds with two decimals. */
const formatSeconds = (x: number): string => x.toFixed(2);

/** A CSV field: quoted when it holds a comma, a quote or a line break. */
function csvField(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The prefixes that the rows predicted from, in order of first appearance. */
function prefixesOf(rows: readonly SummaryRow[]): string[] {
  return [...new Set(rows.flatMap((r) => r.predictions.map((p) => p.prefix)))];
}

/** `summary.csv`: a row per run, numbers in full. */
export function summaryCsv(summary: Summary): string {
  const prefixes = prefixesOf(summary.runs);
  const head = [
    "name",
    ...summary.varying,
    "seed",
    "status",
    "epochs",
    "target_epochs",
    "seconds",
    "seconds_per_epoch",
    "final_perplexity",
    "best_perplexity",
    "best_epoch",
    "backend",
    "trainer",
    ...prefixes.map((p) => `prediction:${p}`),
    "error",
    "dir",
  ];
  const lines = summary.runs.map((r) =>
    [
      r.name,
      ...summary.varying.map((k) => r.values[k]),
      r.seed,
      r.status,
      r.epochs,
      r.targetEpochs,
      r.seconds,
      r.secondsPerEpoch,
      r.finalPerplexity,
      r.bestPerplexity,
      r.bestEpoch,
      r.backend,
      r.trainer,
      ...prefixes.map((p) => r.predictions.find((x) => x.prefix === p)?.text),
      r.error,
      r.dir,
    ].map(csvField).join(",")
  );
  return [head.map(csvField).join(","), ...lines].join("\n") + "\n";
}

/** The runs table's columns: name, values, seed, status, epochs, times, perplexities. */
export function runsTable(
  summary: Summary,
): { head: string[]; rows: string[][]; right: boolean[] } {
  const head = [
    "run",
    ...summary.varying,
    "seed",
    "status",
    "epochs",
    "time (s)",
    "s/epoch",
    "final ppl",
    "best ppl (epoch)",
  ];
  const rows = summary.runs.map((r) => [
    r.name,
    ...summary.varying.map((k) => r.values[k]),
    String(r.seed),
    r.status === "failed" && r.error ? `failed: ${r.error}` : r.status,
    `${r.epochs}/${r.targetEpochs}`,
    r.seconds.toFixed(1),
    r.secondsPerEpoch === null ? "—" : formatSeconds(r.secondsPerEpoch),
    formatPerplexity(r.finalPerplexity),
    r.bestPerplexity === null ? "—" : `${formatPerplexity(r.bestPerplexity)} (${r.bestEpoch})`,
  ]);
  const right = head.map((_, i) => i >= summary.varying.length + 4);
  return { head, rows, right };
}

/** The table over seeds: the values, the runs, and mean ± sd. */
export function aggregateTable(summary: Summary): { head: string[]; rows: string[][] } {
  const head = [
    ...summary.varying,
    "complete runs",
    "final ppl",
    "best ppl",
    "s/epoch",
  ];
  const rows = summary.aggregate.map((a) => [
    ...summary.varying.map((k) => a.values[k]),
    `${a.complete}/${a.runs}`,
    formatSpread(a.finalPerplexity, formatPerplexity),
    formatSpread(a.bestPerplexity, formatPerplexity),
    formatSpread(a.secondsPerEpoch, formatSeconds),
  ]);
  return { head, rows };
}

/** `summary.md`: the runs, the table over seeds, and the predictions. */
export function summaryMarkdown(summary: Summary, title: string): string {
  const runs = runsTable(summary);
  const over = aggregateTable(summary);
  const predictions = summary.runs.filter((r) => r.predictions.length > 0);
  const counts = countStatuses(summary.runs);
  return [
    `# ${title}`,
    "",
    `${summary.runs.length} runs: ${counts}. Varying: ${
      summary.varying.join(", ") || "the seed only"
    }.`,
    "",
    `Shared by every run: ${sharedLine(summary.shared)}.`,
    "",
    "## Runs",
    "",
    markdownTable(runs.head, runs.rows, runs.right),
    "",
    "## Over seeds (mean ± sd of the complete runs)",
    "",
    markdownTable(over.head, over.rows, over.head.map((_, i) => i >= summary.varying.length)),
    "",
    "## Predictions at the end",
    "",
    predictions.length === 0 ? "None yet." : markdownTable(
      ["run", "prefix", "prediction"],
      predictions.flatMap((r) => r.predictions.map((p) => [r.name, p.prefix, p.text])),
    ),
    "",
  ].join("\n");
}

/** `3 complete, 1 failed`: the rows' statuses, counted. */
export function countStatuses(rows: readonly SummaryRow[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n} ${s}`).join(", ");
}
