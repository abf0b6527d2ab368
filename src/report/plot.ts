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
import type { Plot } from "./html.ts";

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
  /** The plotting area's width in pixels (560 by default; a phone's: {@linkcode PHONE_WIDTH}). */
  width?: number;
}

/** The plotting area's width on a phone's page, in pixels. */
export const PHONE_WIDTH = 290;

/** The series' names in a run's plot, and their colours, the same in every plot. */
const SERIES = { run: "this run", chapter: "the chapter (MXNet, 2017)" } as const;
/** Vega's `category10`: the run first, the chapter second, then more runs of an overlay. */
const COLOURS = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];
const DIVERGED_COLOUR = "#d62728";

/**
 * Tick values for an epoch axis up to `last`: every epoch up to `most` (20), else a round step
 * giving about half as many.
 */
export function epochTicks(last: number, most = 20): number[] {
  const rough = last <= most ? 1 : last / (most / 2);
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

/** One named curve of an overlay. */
export interface PlotSeries {
  /** Its name in the legend. */
  name: string;
  /** Its points. */
  curve: readonly CurvePoint[];
  /** Drawn as points only (a curve printed every few epochs, as the chapter's), not a line. */
  pointsOnly?: boolean;
}

/** What an overlay of curves shows. */
export interface CurvesInput extends Omit<PlotInput, "curve" | "chapter"> {
  /** The curves, in the legend's order (colours follow it). */
  series: readonly PlotSeries[];
  /** What the series' names say (`iter · state-init`), above them in the legend. */
  legendTitle?: string;
}

/** Renders a run's curve, beside the chapter's printed points when given, as an SVG document. */
export function perplexitySvg(input: PlotInput): Promise<string> {
  const { curve, chapter = [], ...rest } = input;
  return curvesSvg({
    ...rest,
    series: [
      { name: SERIES.run, curve },
      ...(chapter.length > 0 ? [{ name: SERIES.chapter, curve: chapter, pointsOnly: true }] : []),
    ],
  });
}

/** A point of a series, as the plot's data. */
type Datum = CurvePoint & { series: string };

/** The plot's encodings: x the epochs up to `lastEpoch`, y the perplexity (log), colour the series. */
function encodings(values: Datum[], names: string[], lastEpoch: number, input: CurvesInput) {
  const narrow = (input.width ?? 560) < 400;
  const xTicks = epochTicks(lastEpoch, narrow ? 10 : 20);
  // One epoch has no span: centre it. Otherwise from the first epoch to the last, with ticks on
  // whole epochs only, and room for the points at either end.
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
    title: input.legendTitle ?? null,
    scale: { domain: names, range: names.map((_, i) => COLOURS[i % COLOURS.length]) },
    // Many names take a column, one under another, rather than a row wider than the plot.
    legend: {
      orient: "bottom",
      labelLimit: 0,
      ...((narrow || names.length > 3) && { columns: 1 }),
    },
  } as const;
  return { x, y, color };
}

/** The plot's layers: the lines, the points, and what says there is nothing or it diverged. */
function layers(
  values: Datum[],
  series: readonly PlotSeries[],
  encoding: ReturnType<typeof encodings>,
  diverged: CurvesInput["diverged"],
): Extract<vl.TopLevelSpec, { layer: unknown }>["layer"] {
  // A line per curve, with a point on every epoch when there are few; a curve printed every few
  // epochs is points only, drawn over the lines.
  const lines = new Set(series.filter((s) => !s.pointsOnly).map((s) => s.name));
  const pointed = new Set(
    series.filter((s) => s.pointsOnly || s.curve.length <= 40).map((s) => s.name),
  );
  const list: Extract<vl.TopLevelSpec, { layer: unknown }>["layer"] = [
    {
      data: { values: values.filter((v) => lines.has(v.series)) },
      mark: { type: "line" },
      encoding,
    },
    {
      data: { values: values.filter((v) => pointed.has(v.series)) },
      mark: { type: "point", filled: true, size: 40, opacity: 1 },
      encoding,
    },
  ];
  if (values.length === 0) {
    list.push({
      data: { values: [{ text: "no epoch finished" }] },
      mark: { type: "text", color: "#888", fontSize: 14 },
      encoding: { text: { field: "text" } },
    });
  }
  if (diverged) {
    list.push({
      data: { values: [{ epoch: diverged.epoch }] },
      mark: { type: "rule", color: DIVERGED_COLOUR, strokeDash: [6, 4], strokeWidth: 2 },
      encoding: { x: encoding.x },
    });
  }
  return list;
}

/** The plot's title and subtitle: what ran, then how it stands (in red when it diverged). */
function title(input: CurvesInput): vl.TopLevelSpec["title"] | undefined {
  const { diverged } = input;
  const subtitle = [
    ...(diverged ? [`diverged in epoch ${diverged.epoch}: ${diverged.reason}`] : []),
    ...(input.subtitle ? [input.subtitle] : []),
  ];
  // Without a title (a page that has its own), the subtitle, if any, takes its place.
  const text = [input.title].flat().filter((t) => t !== "");
  const [heading, under] = text.length > 0 ? [text, subtitle] : [subtitle, []];
  if (heading.length === 0) return undefined;
  return {
    text: heading,
    ...(under.length > 0 && { subtitle: under }),
    ...(diverged && { [text.length > 0 ? "subtitleColor" : "color"]: DIVERGED_COLOUR }),
    anchor: "start",
    fontSize: 12,
  };
}

/** Renders curves overlaid on one log-scale plot (runs to compare, say) as an SVG document. */
export async function curvesSvg(input: CurvesInput): Promise<string> {
  const { diverged } = input;
  const lines = input.series.filter((s) => !s.pointsOnly);
  const lastEpoch = Math.max(
    input.epochs ?? 0,
    ...lines.map((s) => s.curve[s.curve.length - 1]?.epoch ?? 0),
    diverged?.epoch ?? 0,
    1,
  );
  // A curve printed every few epochs shows only the points within the others' epochs.
  const series = input.series
    .map((s) => s.pointsOnly ? { ...s, curve: s.curve.filter((p) => p.epoch <= lastEpoch) } : s)
    .filter((s) => s.curve.length > 0 || !s.pointsOnly);
  const values = series.flatMap((s) => s.curve.map((p) => ({ ...p, series: s.name })));
  const encoding = encodings(values, series.map((s) => s.name), lastEpoch, input);
  const heading = title(input);
  const width = input.width ?? 560;
  const spec: vl.TopLevelSpec = {
    ...(heading !== undefined && { title: heading }),
    width,
    height: width < 400 ? 220 : 300,
    layer: layers(values, series, encoding, diverged),
    config: { font: "sans-serif" },
  };
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * A page's plot (a run's, or curves overlaid), in both sizes: as `input` says for a laptop, and
 * untitled (the page has its title) and {@linkcode PHONE_WIDTH} wide for a phone.
 */
export async function plotPair(input: PlotInput | CurvesInput): Promise<Plot> {
  const render = (i: PlotInput | CurvesInput) => "series" in i ? curvesSvg(i) : perplexitySvg(i);
  return {
    wide: await render(input),
    narrow: await render({ ...input, title: [], width: PHONE_WIDTH }),
  };
}
