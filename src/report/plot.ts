/**
 * The perplexity curve as a picture: a Vega-Lite line chart on a log scale, with the chapter's own
 * printed points beside the run's, rendered to SVG headless by Vega.
 *
 * The x axis spans the run's own epochs (the chapter's points beyond them are left out), its ticks
 * are whole epochs, the run keeps its colour whether or not the chapter is drawn, and a run that
 * diverged says so in its subtitle and with a rule at the epoch where it did.
 *
 * @module
 */

import * as vega from "vega";
import * as vl from "vega-lite";

/** One point of a curve. */
export interface CurvePoint {
  /** The epoch. */
  epoch: number;
  /** The perplexity after it. */
  perplexity: number;
}

/** What the plot shows. */
export interface PlotInput {
  /** The title: what ran (config, trainer, backend, seed), a line each up to ~50 characters. */
  title: string | string[];
  /** The run's curve. */
  curve: readonly CurvePoint[];
  /** The chapter's printed points, when the run is of the chapter's setting. */
  chapter?: readonly CurvePoint[];
  /** The epochs the x axis spans, at least the curve's (a run still going plots its target). */
  epochs?: number;
  /** Where and why the run diverged, when it did. */
  diverged?: { epoch: number; reason: string };
  /** A second title line: how the run stands (`interrupted after epoch 3 of 20`, …). */
  subtitle?: string;
}

/** The series' names and colours, the same in every plot. */
const SERIES = { run: "this run", chapter: "the chapter (MXNet, 2017)" } as const;
const COLOURS = ["#1f77b4", "#ff7f0e"];
const DIVERGED_COLOUR = "#d62728";

/** Tick values for an epoch axis up to `last`: every epoch up to 20, else a round step. */
export function epochTicks(last: number): number[] {
  const rough = last <= 20 ? 1 : last / 10;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  return Array.from({ length: Math.floor(last / step) }, (_, i) => (i + 1) * step);
}

/**
 * Tick values for a log axis over `values`: 1, 2 and 5 times each power of ten they span, or over
 * many decades, every power of ten (or every few) so that there are at most ten.
 */
export function logTicks(values: readonly number[]): number[] {
  const finite = values.filter((v) => v > 0 && Number.isFinite(v));
  const lo = Math.floor(Math.log10(finite.length ? Math.min(...finite) : 1));
  const hi = Math.ceil(Math.log10(finite.length ? Math.max(...finite) : 1000));
  const decades = hi - lo;
  const mantissas = decades <= 3 ? [1, 2, 5] : [1];
  const stride = [1, 2, 5, 10, 20, 50, 100].find((s) => decades / s <= 10) ?? 100;
  const ticks = [];
  for (let e = Math.ceil(lo / stride) * stride; e <= hi; e += stride) {
    for (const m of mantissas) ticks.push(m * 10 ** e);
  }
  return ticks.filter((t) => t <= 10 ** hi).map((t) => Number(t.toPrecision(1)));
}

/** Renders the curves as an SVG document. */
export async function perplexitySvg(input: PlotInput): Promise<string> {
  const { curve, diverged } = input;
  const lastEpoch = Math.max(
    input.epochs ?? 0,
    curve[curve.length - 1]?.epoch ?? 0,
    diverged?.epoch ?? 0,
    1,
  );
  const chapter = (input.chapter ?? []).filter((p) => p.epoch <= lastEpoch);
  const series = chapter.length > 0 ? [SERIES.run, SERIES.chapter] : [SERIES.run];
  const values = [
    ...curve.map((p) => ({ ...p, series: SERIES.run })),
    ...chapter.map((p) => ({ ...p, series: SERIES.chapter })),
  ];
  // One epoch has no span: centre it. Otherwise from the first epoch to the last, with ticks on
  // whole epochs only, and room for the points at either end.
  const xTicks = epochTicks(lastEpoch);
  const x = {
    field: "epoch",
    type: "quantitative",
    title: "epoch",
    scale: { domain: lastEpoch === 1 ? [0.5, 1.5] : [1, lastEpoch], nice: false, padding: 8 },
    // Vega thins even explicit values to fit (last − first) / tickMinStep ticks, which Vega-Lite
    // sets to 1 for whole numbers: 1, 2, 3 would lose its 2.
    axis: { values: xTicks, tickMinStep: 0.5, format: "d", grid: false },
  } as const;
  const ticks = logTicks(values.map((v) => v.perplexity));
  const y = {
    field: "perplexity",
    type: "quantitative",
    title: "perplexity (log scale)",
    scale: { type: "log", ...(values.length === 0 && { domain: [1, 1000] }) },
    // SI prefixes (1k, 10M) stop at 1e24: a run going astray gets powers of ten (1e+120).
    axis: { values: ticks, format: ticks[ticks.length - 1] < 1e15 ? "~s" : ".0e" },
  } as const;
  const color = {
    field: "series",
    type: "nominal",
    title: null,
    scale: { domain: series, range: COLOURS.slice(0, series.length) },
    legend: { orient: "bottom", labelLimit: 0 },
  } as const;
  // The run is a line, with a point on every epoch when there are few; the chapter printed every
  // 20th epoch only, so it is points, drawn over the line.
  const line = values.filter((v) => v.series === SERIES.run);
  const pointed = values.filter((v) => v.series === SERIES.chapter || curve.length <= 40);
  const layers: Extract<vl.TopLevelSpec, { layer: unknown }>["layer"] = [
    { data: { values: line }, mark: { type: "line" }, encoding: { x, y, color } },
    {
      data: { values: pointed },
      mark: { type: "point", filled: true, size: 40, opacity: 1 },
      encoding: { x, y, color },
    },
  ];
  if (values.length === 0) {
    layers.push({
      data: { values: [{ text: "no epoch finished" }] },
      mark: { type: "text", color: "#888", fontSize: 14 },
      encoding: { text: { field: "text" } },
    });
  }
  if (diverged) {
    layers.push({
      data: { values: [{ epoch: diverged.epoch }] },
      mark: { type: "rule", color: DIVERGED_COLOUR, strokeDash: [6, 4], strokeWidth: 2 },
      encoding: { x },
    });
  }
  const subtitle = [
    ...(diverged ? [`diverged in epoch ${diverged.epoch}: ${diverged.reason}`] : []),
    ...(input.subtitle ? [input.subtitle] : []),
  ];
  const spec: vl.TopLevelSpec = {
    title: {
      text: input.title,
      ...(subtitle.length > 0 && { subtitle }),
      subtitleColor: diverged ? DIVERGED_COLOUR : undefined,
      anchor: "start",
      fontSize: 12,
    },
    width: 560,
    height: 300,
    layer: layers,
    config: { font: "sans-serif" },
  };
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
