// What a run shows (src/report/): the progress on a terminal, the plot, the machine it records.

import assert from "node:assert/strict";
import { environment } from "../src/run/environment.ts";
import { formatBytes, machineDescription } from "../src/run/machine.ts";
import { epochTicks, logTicks, perplexitySvg } from "../src/report/plot.ts";
import { Progress } from "../src/run/progress.ts";

/** What a terminal shows after `text`: `\r` returns to the line's start, `ESC[K` clears to its end. */
function screen(text: string): string[] {
  const lines = [""];
  let col = 0;
  for (let i = 0; i < text.length; i++) {
    const row = lines.length - 1;
    if (text.startsWith("\x1b[K", i)) {
      lines[row] = lines[row].slice(0, col);
      i += 2;
    } else if (text[i] === "\r") col = 0;
    else if (text[i] === "\n") {
      lines.push("");
      col = 0;
    } else {
      lines[row] = lines[row].slice(0, col) + text[i] + lines[row].slice(col + 1);
      col++;
    }
  }
  return lines;
}

Deno.test("progress on a terminal: one line per epoch stays above the bar", () => {
  let out = "";
  const progress = new Progress(2, { tty: true, write: (text) => out += text });
  for (let e = 1; e <= 2; e++) {
    for (let b = 1; b <= 3; b++) progress.batch(e, b, 3);
    progress.epoch(e, 100 / e, 0.5);
  }
  progress.batch(2, 1, 3); // a bar drawn after the last epoch line…
  progress.clear(); // …is cleared before anything else is printed
  const lines = screen(out);
  assert.deepEqual(lines.map((l) => l.replace(/ETA \S+/, "ETA")), [
    "epoch 1/2 perplexity 100.000000 0.50s ETA",
    "epoch 2/2 perplexity 50.000000 0.50s ETA",
    "",
  ]);
  // While it runs, the bar sits below the epochs done.
  const midway = screen(out.slice(0, out.lastIndexOf("\r\x1b[K")));
  assert.equal(midway.length, 3);
  assert.match(midway[2], /^\[#{20}\.{10}\] epoch 2\/2 batch 1\/3 ETA \S+$/);
});

Deno.test("progress into a file or a pipe: the epoch lines alone; a resumed run counts from its first epoch", () => {
  let out = "";
  const progress = new Progress(4, { tty: false, write: (text) => out += text, firstEpoch: 3 });
  progress.batch(3, 1, 2);
  progress.epoch(3, 10, 1);
  progress.clear();
  assert.match(out, /^epoch 3\/4 perplexity 10\.000000 1\.00s ETA \S+\n$/);
});

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

Deno.test("the environment names the machine and the software; the one-line description is made from it", () => {
  const env = environment();
  assert.equal(env.cores, navigator.hardwareConcurrency);
  assert.equal(env.deno, Deno.version.deno);
  assert.equal(env.tfjs, "4.22.0");
  assert.equal(env.onnxruntime, "1.29.0");
  assert.match(env.rnnlab, /^\d+\.\d+\.\d+$/);
  // A checkout with git (as here when it has one): the commit, and whether tracked files changed.
  const head = new Deno.Command("git", { args: ["rev-parse", "HEAD"], stdout: "piped" })
    .outputSync();
  if (head.success) {
    assert.equal(env.commit, new TextDecoder().decode(head.stdout).trim());
    assert.equal(typeof env.dirty, "boolean");
  }
  assert.ok(machineDescription(env).startsWith(`${env.os} ${env.arch}, ${env.cores} cores`));
});

Deno.test("sizes in bytes: GiB with a decimal (whole GiB on the machine line), MiB below a GiB", () => {
  assert.equal(formatBytes(12.34 * 2 ** 30), "12.3 GiB");
  assert.equal(formatBytes(456.2 * 2 ** 20), "457 MiB");
  const env = { ...environment(), os: "linux", arch: "x86_64", cores: 2, cpu: "AMD EPYC" };
  assert.equal(
    machineDescription({ ...env, memoryBytes: 23.6 * 2 ** 30, deno: "2.9.6" }),
    "linux x86_64, 2 cores (AMD EPYC), 24 GiB, Deno 2.9.6",
  );
});
