/**
 * A run's `report.html`: its curve, its numbers, its predictions, its config, and the machine and
 * software it ran on, in one self-contained page (`../report/html.ts`), rewritten with the plot
 * after every epoch.
 *
 * @module
 */

import {
  chinese,
  figure,
  type Html,
  htmlPage,
  htmlTable,
  keyValues,
  num,
  type Plot,
  type Section,
  statusCell,
} from "../report/html.ts";
import type { EpochRecord } from "../train/train.ts";
import { type Environment, formatBytes } from "./machine.ts";
import type { RunRecord } from "./record.ts";
import { configFlagValues } from "./train_flags.ts";

/** The machine and the software a run recorded, as a list. */
export function environmentList(env: Environment): Html {
  return keyValues([
    ["CPU", env.cpu === null ? `${env.cores} cores` : `${env.cpu}, ${env.cores} cores`],
    ["memory", env.memoryBytes === null ? null : formatBytes(env.memoryBytes)],
    ["OS", `${env.os} ${env.arch}${env.osRelease ? ` (${env.osRelease})` : ""}`],
    [
      "rnnlab",
      `${env.rnnlab}${env.commit ? ` at ${env.commit.slice(0, 12)}` : ""}${
        env.dirty ? " (with uncommitted changes)" : ""
      }`,
    ],
    env.browser === undefined
      ? ["Deno", `${env.deno} (V8 ${env.v8}, TypeScript ${env.typescript})`]
      : ["browser", env.browser],
    ["tfjs", env.tfjs],
    ["onnxruntime-node", env.onnxruntime],
  ]);
}

/** The lowest perplexity of a curve and its epoch, or `undefined` for an empty curve. */
export function bestEpoch(curve: readonly EpochRecord[]): EpochRecord | undefined {
  return curve.reduce<EpochRecord | undefined>(
    (best, r) => best === undefined || r.perplexity < best.perplexity ? r : best,
    undefined,
  );
}

/** A perplexity as the tables show it: six significant digits. */
export function formatPerplexity(p: number | null | undefined): string {
  return p === null || p === undefined ? "—" : Number(p.toPrecision(6)).toString();
}

/**
 * The predictions a run shows: the final ones once complete, else the last printed epoch's, with
 * the epoch they come from (`undefined` when there are none).
 */
export function latestPredictions(
  record: Pick<RunRecord, "predictions" | "curve" | "config">,
): { epoch: number | "end"; pairs: { prefix: string; text: string }[] } | undefined {
  if (record.predictions.length > 0) return { epoch: "end", pairs: record.predictions };
  const printed = record.curve.findLast((r) => r.predictions !== undefined);
  if (!printed?.predictions) return undefined;
  return {
    epoch: printed.epoch,
    pairs: printed.predictions.map((text, i) => ({ prefix: record.config.prefixes[i], text })),
  };
}

/** The page for one run, as it stands. */
export function runReportHtml(
  record: Omit<RunRecord, "params">,
  plot: Plot,
  title: string[],
): string {
  const { config, curve } = record;
  const done = curve.length;
  const best = bestEpoch(curve);
  const perEpoch = done > 0 ? record.totalSeconds / done : null;
  const overview: [string, string | Html][] = [
    ["status", statusCell(record.status)],
    ["epochs", `${done} of ${config.epochs}`],
    ["final perplexity", formatPerplexity(record.finalPerplexity)],
    ["best perplexity", best ? `${formatPerplexity(best.perplexity)} (epoch ${best.epoch})` : "—"],
    [
      "time",
      perEpoch === null
        ? "—"
        : `${record.totalSeconds.toFixed(1)} s (${perEpoch.toFixed(2)} s/epoch)`,
    ],
    ["backend", `${record.backend.name} (${record.backend.adapter})`],
    ["trainer", record.trainer],
  ];
  if (record.divergence) {
    overview.push([
      "diverged",
      `in epoch ${record.divergence.epoch}: ${record.divergence.reason}`,
    ]);
  }
  const predictions = latestPredictions(record);
  const sections: Section[] = [
    { heading: "Perplexity", body: [figure(plot), keyValues(overview)] },
    {
      heading: predictions === undefined
        ? "Predictions"
        : predictions.epoch === "end"
        ? "Predictions of the trained model"
        : `Predictions at epoch ${predictions.epoch}`,
      body: predictions === undefined ? keyValues([["predictions", "none yet"]]) : htmlTable(
        ["prefix", "prediction"],
        predictions.pairs.map((p) => [chinese(p.prefix), chinese(p.text)]),
        { stack: true },
      ),
    },
    {
      heading: "Config",
      body: keyValues(Object.entries(configFlagValues(config)).map(([k, v]) => [`--${k}`, v])),
    },
    {
      heading: "Every epoch",
      body: htmlTable(
        ["epoch", "perplexity", "seconds"],
        curve.map((r) => [r.epoch, num(formatPerplexity(r.perplexity)), num(r.seconds.toFixed(2))]),
      ),
    },
    {
      heading: "Corpus",
      body: keyValues([
        ["version", record.dataset.version],
        ["sha256", record.dataset.sha256],
        ["file", record.dataset.path],
        ["vocabulary", `${record.vocab.length} characters`],
      ]),
    },
    { heading: "Machine and software", body: environmentList(record.environment) },
  ];
  if (record.sessions && record.sessions.length > 0) {
    sections.push({
      heading: "Sessions",
      body: htmlTable(
        ["started", "ended", "epochs", "status", "machine"],
        record.sessions.map((s) => [
          s.startedAt,
          s.endedAt,
          `${s.fromEpoch} → ${s.toEpoch}`,
          statusCell(s.status),
          s.machine,
        ]),
      ),
    });
  }
  return htmlPage({
    title: `rnnlab run: ${title[0]}`,
    subtitle: [...title.slice(1), `started ${record.startedAt}`].join(" · "),
    sections,
  });
}
