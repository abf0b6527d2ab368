import assert from "node:assert/strict";
import { epochTicks, logTicks, perplexitySvg } from "./plot.ts";

Deno.test("plot: x over the run's own epochs in whole epochs, log ticks without decimals, the legend whole", async () => {
  assert.deepEqual(epochTicks(1), [1]);
  assert.deepEqual(epochTicks(2), [1, 2]);
  assert.deepEqual(epochTicks(20), Array.from({ length: 20 }, (_, i) => i + 1));
  assert.deepEqual(epochTicks(200), [20, 40, 60, 80, 100, 120, 140, 160, 180, 200]);
  assert.deepEqual(logTicks([150, 290]), [100, 200, 500, 1000]);
  assert.deepEqual(logTicks([2.2, 991]), [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);

  const curve = [{ epoch: 1, perplexity: 290.1 }, { epoch: 2, perplexity: 151.3 }];
  const chapter = [{ epoch: 20, perplexity: 219.4 }, { epoch: 40, perplexity: 84.4 }];
  const title = "reference trainer, small preset, cpu, seed 0";
  const svg = await perplexitySvg({ title, curve, chapter });
  /** The labels of the axis whose description starts with `axis`. */
  const labels = (s: string, axis: "X" | "Y") => {
    const at = s.indexOf(`aria-label="${axis}-axis`);
    const start = s.indexOf('role-axis-label"', at);
    const group = s.slice(start, s.indexOf("</g>", start));
    return [...group.matchAll(/>([^<]+)<\/text>/g)].map((m) => m[1]);
  };
  assert.match(
    svg,
    /aria-label="X-axis titled 'epoch' for a linear scale with values from 1 to 2"/,
  );
  assert.deepEqual(labels(svg, "X"), ["1", "2"]);
  assert.deepEqual(labels(svg, "Y"), ["100", "200", "500", "1k"]);
  assert.doesNotMatch(svg, />the chapter/, "no chapter points within the run's epochs: no legend");
  assert.match(svg, new RegExp(title));

  const long = await perplexitySvg({
    title: "t",
    curve: Array.from({ length: 40 }, (_, i) => ({ epoch: i + 1, perplexity: 300 - 5 * i })),
    chapter,
  });
  assert.deepEqual(labels(long, "X"), ["5", "10", "15", "20", "25", "30", "35", "40"]);
  assert.match(long, />the chapter \(MXNet, 2017\)</, "the legend is not cut");
  const runColour = (s: string) =>
    s.match(/<path[^>]*stroke="(#[0-9a-f]{6})"[^>]*stroke-width="2"/)?.[1];
  assert.equal(
    runColour(long),
    runColour(svg),
    "the run's colour does not depend on the chapter's",
  );
});

Deno.test("plot: a diverged run says so, with a rule at the epoch", async () => {
  const svg = await perplexitySvg({
    title: "t",
    curve: [{ epoch: 1, perplexity: 290 }],
    diverged: { epoch: 2, reason: "the loss of batch 3 is not finite" },
  });
  assert.match(svg, /diverged in epoch 2: the loss of batch 3 is not finite/);
  assert.match(svg, /stroke="#d62728"/);
  const empty = await perplexitySvg({
    title: "t",
    curve: [],
    diverged: { epoch: 1, reason: "the perplexity is not finite" },
  });
  assert.match(empty, /no epoch finished/);
});
