/**
 * A sweep's `report.html`: what all its runs share, the curves of its settings overlaid (each the mean over its seeds), the
 * table over seeds, a row per run with a link to its own report, the predictions, and the machines
 * and software the runs ran on. Self-contained (`../report/html.ts`).
 *
 * @module
 */

import {
  type Cell,
  chinese,
  escapeHtml,
  figure,
  type Html,
  htmlPage,
  htmlTable,
  keyValues,
  num,
  type Plot,
  raw,
  type Section,
  statusCell,
} from "../report/html.ts";
import { plotPair, type PlotSeries } from "../report/plot.ts";
import { type Environment, machineDescription } from "../run/machine.ts";
import { environmentList } from "../run/run_page.ts";
import {
  aggregateTable,
  countStatuses,
  runsTable,
  type SharedSettings,
  type Summary,
  type SummaryRow,
} from "./summary.ts";

/**
 * A curve per setting begun, named by its values (`random · epoch`, or `all runs` when only the
 * seed varies): its mean curve over its seeds, from the summary's table over seeds (the complete
 * runs', or the runs begun while none is complete).
 */
function settingCurves(summary: Summary): PlotSeries[] {
  return summary.aggregate.filter((a) => a.meanCurve.length > 0).map((a) => {
    const label = Object.values(a.values).join(" · ") || "all runs";
    return {
      name: a.meanOf > 1 ? `${label} (mean of ${a.meanOf})` : label,
      curve: a.meanCurve.map((perplexity, e) => ({ epoch: e + 1, perplexity })),
    };
  });
}

/**
 * What every run shares, for the top of a page (the sweep's, compare's): the flags they were all
 * given, as written, then every setting with one value in all, so that a short smoke test (`--preset
 * small`, 2 epochs) is never taken for the chapter's results.
 */
export function sharedSection(shared: SharedSettings): Section {
  const values = Object.entries(shared.values);
  return {
    heading: "Shared by every run",
    body: keyValues([
      ...(shared.flags === "" ? [] : [["flags given", shared.flags] as const]),
      ...(values.length === 0 ? [["settings", "none: every one differs"] as const] : values),
    ]),
  };
}

/** A link to a run's own report, relative to the sweep's page. */
function runLink(row: SummaryRow): Html {
  if (row.dir === "") return raw(escapeHtml(row.name));
  const href = `${row.dir.split("/").map(encodeURIComponent).join("/")}/report.html`;
  return raw(`<a href="${escapeHtml(href)}">${escapeHtml(row.name)}</a>`);
}

/** The machines the runs ran on, with how many runs each, and the software of the first. */
function machines(environments: readonly Environment[]): Html[] {
  if (environments.length === 0) return [keyValues([["machines", "no run has started yet"]])];
  const counts = new Map<string, number>();
  for (const env of environments) {
    const machine = machineDescription(env);
    counts.set(machine, (counts.get(machine) ?? 0) + 1);
  }
  return [
    htmlTable(["machine", "runs"], [...counts].map(([m, n]) => [m, n])),
    environmentList(environments[0]),
  ];
}

/** The sweep's plot: each setting's curve, the mean over its seeds, for a laptop and a phone. */
export async function sweepPlot(summary: Summary, title: string): Promise<Plot> {
  const series = settingCurves(summary);
  const legendTitle = summary.varying.join(" · ") || undefined;
  const heading = [title, "perplexity by setting (mean over seeds)"];
  return await plotPair({ title: heading, series, legendTitle });
}

/**
 * The sweep's page, with its plot, and the machines and software that `environments` (those of
 * the runs begun, in the summary's order) name.
 */
export function sweepReportHtml(
  summary: Summary,
  title: string,
  plot: Plot,
  environments: readonly Environment[],
): string {
  const runs = runsTable(summary);
  const over = aggregateTable(summary);
  const numeric = (cells: string[], right: boolean[]): Cell[] =>
    cells.map((c, i) => right[i] ? num(c) : c);
  const withPredictions = summary.runs.filter((r) => r.predictions.length > 0);
  const sections: Section[] = [
    sharedSection(summary.shared),
    { heading: "Perplexity", body: figure(plot) },
    {
      heading: "Over seeds (mean ± sd of the complete runs)",
      body: htmlTable(
        over.head,
        over.rows.map((r) => numeric(r, over.head.map((_, i) => i >= summary.varying.length))),
      ),
    },
    {
      heading: "Runs",
      body: htmlTable(
        runs.head,
        summary.runs.map((row, i) => {
          const cells = numeric(runs.rows[i], runs.right);
          cells[0] = runLink(row);
          cells[summary.varying.length + 2] = row.status === "failed"
            ? raw(escapeHtml(`failed: ${row.error ?? ""}`), "status-failed")
            : statusCell(row.status);
          return cells;
        }),
      ),
    },
    {
      heading: "Predictions at the end",
      body: withPredictions.length === 0 ? keyValues([["predictions", "none yet"]]) : htmlTable(
        ["run", "prefix", "prediction"],
        withPredictions.flatMap((r) =>
          r.predictions.map((p) => [r.name, chinese(p.prefix), chinese(p.text)])
        ),
        { stack: true },
      ),
    },
    { heading: "Machines and software", body: machines(environments) },
  ];
  return htmlPage({
    title,
    subtitle: `${summary.runs.length} runs: ${countStatuses(summary.runs)} · varying: ${
      summary.varying.join(", ") || "the seed only"
    } · plan ${summary.plan.slice(0, 12)}`,
    sections,
  });
}
