// deno task compare (src/compare/): runs and sweep folders side by side, in the terminal and a page.

import assert from "node:assert/strict";
import { join } from "node:path";
import type { TrainConfig } from "../mod.ts";
import { loadRuns } from "../src/compare/compare.ts";
import { differingKeys } from "../src/run/train_flags.ts";
import { runTraining } from "../src/run/run.ts";
import { runTask, tinyConfig } from "./_helpers.ts";
import { EXIT } from "../src/errors.ts";

const TINY = tinyConfig();

/** Trains `config` into `dir` on cpu. */
async function train(dir: string, config: TrainConfig): Promise<void> {
  await runTraining(config, { corpus: { fetch: null }, backend: "cpu", out: dir });
}

Deno.test("deno task compare: the settings that differ, the results and the predictions, for runs and a sweep folder; a page with the curves", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-compare-" });
  await train(join(dir, "a"), TINY);
  await train(join(dir, "b"), { ...TINY, lr: 0.5, stateInit: "epoch" });
  // A sweep folder: its runs/ hold run folders.
  await train(join(dir, "sweep", "runs", "0_seed=0"), TINY);
  await train(join(dir, "sweep", "runs", "1_seed=1"), { ...TINY, seed: 1 });

  const runs = await loadRuns([join(dir, "a"), join(dir, "b"), join(dir, "sweep")]);
  assert.deepEqual(runs.map((r) => r.label), ["a", "b", "0_seed=0", "1_seed=1"]);
  assert.deepEqual(differingKeys(runs), ["state-init", "seed", "lr"]);

  const out = join(dir, "cmp");
  const res = await runTask("compare", [join(dir, "a"), join(dir, "b"), "--out", out]);
  assert.equal(res.code, EXIT.ok, res.stderr);
  const [table, predictions] = res.stdout.split("\n\n");
  const lines = table.split("\n");
  assert.match(
    lines[0],
    /^run +state-init +lr +status +epochs +final ppl +best ppl \(epoch\) +time \(s\) +s\/epoch +backend +trainer$/,
  );
  assert.match(
    lines[2],
    /^a +batch +0\.2 +complete +2\/2 +\d+\.\d+ +\d+\.\d+ \(\d\) +\d+\.\d +\d+\.\d\d +cpu +batched$/,
  );
  assert.match(lines[3], /^b +epoch +0\.5 +complete /);
  assert.match(predictions, /^prefix +run +prediction\n-+ +-+ +-+\n分开 +a +分开.*\n分开 +b +分开/);
  const html = await Deno.readTextFile(join(out, "report.html"));
  assert.match(html, /<h1>Comparison of 2 runs<\/h1>/);
  assert.match(html, /differing in state-init, lr/);
  const shared = html.indexOf("<h2>Shared by every run</h2>");
  assert.ok(shared >= 0 && shared < html.indexOf("<h2>Perplexity</h2>"), "shared settings first");
  assert.match(html.slice(shared), /<dt>epochs<\/dt><dd>2<\/dd>/);
  assert.match(html.slice(shared), /<dt>hidden<\/dt><dd>8<\/dd>/);
  assert.doesNotMatch(html.slice(shared, html.indexOf("<h2>Perplexity</h2>")), /<dt>lr<\/dt>/);
  assert.equal(html.match(/<svg /g)?.length, 2); // the laptop's plot and the phone's
  assert.match(html, /aria-label="[^"]*log scale/);

  const sweep = await runTask("compare", [join(dir, "sweep")]);
  assert.equal(sweep.code, EXIT.ok, sweep.stderr);
  assert.match(sweep.stdout, /^run +seed +status/);

  // A sweep folder whose summary.json is not JSON (over lines), or is not a summary.
  await Deno.mkdir(join(dir, "corrupt"));
  await Deno.writeTextFile(join(dir, "corrupt", "summary.json"), '{\n  "runs": [\n    {\n');
  await Deno.mkdir(join(dir, "other"));
  await Deno.writeTextFile(join(dir, "other", "summary.json"), "[]\n");
  const cases: [string[], RegExp][] = [
    [[], /^error: give the run or sweep folders to compare$/],
    [[join(dir, "none")], /^error: .*none does not exist$/],
    [[join(dir, "sweep", "runs")], /^error: .*runs is neither a run folder/],
    [[join(dir, "corrupt")], /^error: .*corrupt\/summary\.json is not valid JSON$/],
    [
      [join(dir, "other")],
      /^error: .*other\/summary\.json is not an rnnlab-sweep-summary\/1 summary$/,
    ],
  ];
  for (const [args, pattern] of cases) {
    const bad = await runTask("compare", args);
    assert.equal(bad.code, EXIT.usage, bad.stderr);
    assert.equal(bad.stderr.trim().split("\n").length, 1, bad.stderr);
    assert.match(bad.stderr.trim(), pattern);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("deno task compare RESULT.json…: the recorded benchmarks side by side; one without a fingerprint refused in one line", async () => {
  const results = "bench/results/";
  const [a, b] = [
    "train-2026-12-06-205152-wasm-chapter.json",
    "train-2026-12-06-211223-wasm-chapter.json",
  ]
    .map((f) => join(results, f));
  const res = await runTask("compare", [a, b]);
  assert.equal(res.code, EXIT.ok, res.stderr);
  assert.match(
    res.stdout,
    /tfjs wasm \(wasm\/batched\/2\) +99\.3 \[89\.7, 100\.5\] +104\.7 \[93\.5, 115\.9\] +1\.05×/,
  );
  assert.match(
    res.stdout,
    /^ {2}the same machine and software as train-2026-12-06-205152-wasm-chapter\.json/m,
  );
  assert.match(
    res.stdout,
    /^train-2026-12-06-205152-wasm-chapter\.json: quiet: .*; commit 65447a2/m,
  );
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-compare-" });
  const old = join(dir, "old.json");
  const { fingerprint: _, ...unprinted } = JSON.parse(await Deno.readTextFile(a));
  await Deno.writeTextFile(old, JSON.stringify(unprinted));
  const refused = await runTask("compare", [a, old]);
  assert.equal(refused.code, 2);
  assert.equal(
    refused.stderr,
    `error: ${old} has no fingerprint (a result from before them): refused\n`,
  );
  const mixed = await runTask("compare", [a, dir]);
  assert.equal(mixed.code, EXIT.usage);
  assert.match(
    mixed.stderr,
    /^error: give run folders, or bench results \(\.json\) without --out, not both\n$/,
  );
  await Deno.remove(dir, { recursive: true });
});
