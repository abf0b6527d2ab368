/**
 * The perplexity curve as a picture: a Vega-Lite line chart on a log scale, with the chapter's own
 * printed points beside the run's, rendered to SVG headless by Vega.
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

/** Renders the run's curve and, when given, the chapter's printed points as an SVG document. */
export async function perplexitySvg(
  title: string,
  ours: readonly CurvePoint[],
  chapter: readonly CurvePoint[] = [],
): Promise<string> {
  const values = [
    ...ours.map((p) => ({ ...p, series: "this run" })),
    ...chapter.map((p) => ({ ...p, series: "chapter (MXNet, 2017)" })),
  ];
  const spec: vl.TopLevelSpec = {
    title,
    width: 520,
    height: 300,
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "epoch", type: "quantitative", title: "epoch" },
      y: {
        field: "perplexity",
        type: "quantitative",
        title: "perplexity (log scale)",
        scale: { type: "log" },
      },
      color: { field: "series", type: "nominal", title: null },
    },
  };
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
