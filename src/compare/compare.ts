/**
 * Runs side by side (`deno task compare`): the settings they share and those in which they differ, how far each got
 * (final and best perplexity, time), where each ran (backend, trainer), their predictions, and
 * their curves overlaid on a log scale; for the terminal as tables, and as a self-contained page.
 *
 * A folder given may be a run folder or a sweep folder, which stands for all its runs.
 *
 * @module
 */

import { basename, join, relative, resolve } from "node:path";
import { UsageError } from "../errors.ts";
import { exists, readJson } from "../io/fs.ts";
import {
  chinese,
  figure,
  htmlPage,
  htmlTable,
  num,
  raw,
  type Section,
  statusCell,
} from "../report/html.ts";
import { plotPair } from "../report/plot.ts";
import { machineDescription } from "../run/machine.ts";
import {
  bestEpoch,
  environmentList,
  formatPerplexity,
  latestPredictions,
} from "../run/run_page.ts";
import { readRecord } from "../run/run_dir.ts";
import { RUN_FILES, type RunRecord } from "../run/record.ts";
import { configFlagValues, differingKeys, sharedValues } from "../run/train_flags.ts";
import { SWEEP_FILES } from "../sweep/sweep.ts";
import { sharedSection } from "../sweep/sweep_page.ts";
import { type Summary, SUMMARY_FORMAT } from "../sweep/summary.ts";

/** A run to compare. */
export interface ComparedRun {
  /** Its name in the tables and the legend. */
  label: string;
  /** Its folder. */
  dir: string;
  /** Its `run.json`. */
  record: RunRecord;
  /** Its settings by flag name, with the backend, the trainer and the corpus version. */
  values: Record<string, string>;
}

/** The settings of a record by flag name (the backend as it ran, not as asked). */
function recordValues(record: RunRecord): Record<string, string> {
  return {
    ...configFlagValues(record.config),
    backend: record.backend.name,
    trainer: record.trainer,
    dataset: record.dataset.version ?? record.dataset.sha256.slice(0, 12),
  };
}

/** The run folders a folder stands for: itself, or a sweep's runs (in its summary's order). */
async function runFolders(dir: string): Promise<string[]> {
  if (await exists(join(dir, RUN_FILES.record))) return [dir];
  const summaryPath = join(dir, SWEEP_FILES.summaryJson);
  const summary = await readJson<Summary>(summaryPath);
  if (summary !== undefined) {
    if (summary?.format !== SUMMARY_FORMAT) {
      throw new UsageError(`${summaryPath} is not an ${SUMMARY_FORMAT} summary`);
    }
    const dirs = summary.runs.filter((r) => r.dir !== "").map((r) => join(dir, r.dir));
    const found = [];
    for (const d of dirs) if (await exists(join(d, RUN_FILES.record))) found.push(d);
    return found;
  }
  const runs = join(dir, SWEEP_FILES.runs);
  if (await exists(runs)) {
    const found = [];
    for await (const e of Deno.readDir(runs)) {
      if (e.isDirectory && await exists(join(runs, e.name, RUN_FILES.record))) {
        found.push(join(runs, e.name));
      }
    }
    return found.sort();
  }
  if (!(await exists(dir))) throw new UsageError(`${dir} does not exist`);
  throw new UsageError(`${dir} is neither a run folder (no run.json) nor a sweep folder`);
}

/**
 * Reads the runs that `dirs` stand for (run folders, sweep folders), labelled by their folder's
 * name, or by a longer part of their path where names repeat.
 */
export async function loadRuns(dirs: readonly string[]): Promise<ComparedRun[]> {
  const folders = (await Promise.all(dirs.map(runFolders))).flat();
  if (folders.length === 0) throw new UsageError(`no run to compare in ${dirs.join(", ")}`);
  const names = folders.map((d) => basename(resolve(d)));
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  return await Promise.all(folders.map(async (dir, i) => {
    const record = await readRecord(dir);
    const label = repeated.includes(names[i])
      ? relative(Deno.cwd(), resolve(dir)) || "."
      : names[i];
    return { label, dir, record, values: recordValues(record) };
  }));
}

/** The comparison table: the runs, the settings that differ, the results and where they ran. */
export function comparisonTable(runs: readonly ComparedRun[]): {
  head: string[];
  rows: string[][];
  right: boolean[];
} {
  const keys = differingKeys(runs).filter((k) => k !== "backend" && k !== "trainer");
  const head = [
    "run",
    ...keys,
    "status",
    "epochs",
    "final ppl",
    "best ppl (epoch)",
    "time (s)",
    "s/epoch",
    "backend",
    "trainer",
  ];
  const rows = runs.map(({ label, record, values }) => {
    const best = bestEpoch(record.curve);
    const done = record.curve.length;
    return [
      label,
      ...keys.map((k) => values[k]),
      record.status,
      `${done}/${record.config.epochs}`,
      formatPerplexity(record.finalPerplexity),
      best ? `${formatPerplexity(best.perplexity)} (${best.epoch})` : "—",
      record.totalSeconds.toFixed(1),
      done > 0 ? (record.totalSeconds / done).toFixed(2) : "—",
      values.backend,
      values.trainer,
    ];
  });
  const right = head.map((_, i) => i > keys.length + 1 && i < head.length - 2);
  return { head, rows, right };
}

/** The predictions side by side: a row per prefix and run (`undefined` text: none yet). */
export function predictionRows(runs: readonly ComparedRun[]): {
  prefix: string;
  run: string;
  text: string | undefined;
  epoch: number | "end" | undefined;
}[] {
  const prefixes = [...new Set(runs.flatMap((r) => r.record.config.prefixes))];
  return prefixes.flatMap((prefix) =>
    runs.map((r) => {
      const latest = latestPredictions(r.record);
      const text = latest?.pairs.find((p) => p.prefix === prefix)?.text;
      return { prefix, run: r.label, text, epoch: text === undefined ? undefined : latest!.epoch };
    })
  );
}

/** The comparison's page: what the runs share, the curves, the table, the predictions, the machines. */
export async function comparisonHtml(runs: readonly ComparedRun[]): Promise<string> {
  const series = runs.map((r) => ({
    name: r.label,
    curve: r.record.curve.map(({ epoch, perplexity }) => ({ epoch, perplexity })),
  }));
  const plot = await plotPair({ title: "perplexity", series });
  const table = comparisonTable(runs);
  const statusAt = table.head.indexOf("status");
  const machines = new Map<string, string[]>();
  for (const r of runs) {
    const m = machineDescription(r.record.environment);
    machines.set(m, [...machines.get(m) ?? [], r.label]);
  }
  const sections: Section[] = [
    sharedSection({ flags: "", values: sharedValues(runs) }),
    { heading: "Perplexity", body: figure(plot) },
    {
      heading: "Runs",
      body: htmlTable(
        table.head,
        table.rows.map((row) =>
          row.map((c, i) => i === statusAt ? statusCell(c) : table.right[i] ? num(c) : c)
        ),
      ),
    },
    {
      heading: "Predictions",
      body: htmlTable(
        ["prefix", "run", "prediction"],
        predictionRows(runs).map((p) => [
          chinese(p.prefix),
          p.run,
          p.text === undefined ? null : raw(
            `${chinese(p.text).html}${
              p.epoch === "end" ? "" : ` <span class="none">(epoch ${p.epoch})</span>`
            }`,
          ),
        ]),
        { stack: true },
      ),
    },
    {
      heading: "Machines and software",
      body: [
        htmlTable(
          ["machine", "runs"],
          [...machines].map(([m, labels]) => [m, labels.join(", ")]),
        ),
        environmentList(runs[0].record.environment),
      ],
    },
  ];
  const keys = differingKeys(runs);
  return htmlPage({
    title: `Comparison of ${runs.length} runs`,
    subtitle: keys.length > 0 ? `differing in ${keys.join(", ")}` : "with the same settings",
    sections,
  });
}
