import assert from "node:assert/strict";
import type { RunRecord } from "../run/record.ts";
import { tinyConfig } from "../testing.ts";
import {
  aggregate,
  aggregateTable,
  countStatuses,
  formatSpread,
  makeSummary,
  runsTable,
  spread,
  summaryCsv,
  summaryMarkdown,
  type SummaryRow,
  summaryRow,
} from "./summary.ts";

/** A summary row of seed `seed`, ending at perplexity `final` after 2 epochs (`null`: none done). */
function row(seed: number, status: SummaryRow["status"], final: number | null): SummaryRow {
  return {
    name: `r${seed}`,
    dir: `runs/r${seed}`,
    values: { lr: "0.1" },
    seed,
    status,
    epochs: final === null ? 0 : 2,
    targetEpochs: 2,
    seconds: 1,
    secondsPerEpoch: final === null ? null : 0.5,
    finalPerplexity: final,
    bestPerplexity: final,
    bestEpoch: final === null ? null : 2,
    curve: final === null ? [] : [final * 2, final],
    predictions: [{ prefix: "分开", text: 'a "b", c' }],
    backend: "cpu",
    trainer: "reference",
  };
}

/** A sweep whose runs share no setting. */
const NOTHING_SHARED = { flags: "", values: {} };

Deno.test("summaries: mean ± sd over seeds of the complete runs; CSV quoted where it must be", () => {
  assert.deepEqual(spread([1, 3]), { mean: 2, sd: Math.SQRT2 });
  assert.deepEqual(spread([5]), { mean: 5, sd: null });
  assert.equal(spread([]), null);
  assert.equal(formatSpread({ mean: 140.858, sd: 6.2515 }, String), "140.9 ± 6.3");
  assert.equal(formatSpread({ mean: 2.1234, sd: 0.0123 }, String), "2.123 ± 0.012");
  assert.equal(formatSpread({ mean: 5, sd: null }, (x) => x.toFixed(1)), "5.0");
  const [group] = aggregate([
    row(0, "complete", 10),
    row(1, "complete", 20),
    row(2, "failed", null),
  ]);
  assert.equal(group.runs, 3);
  assert.equal(group.complete, 2);
  assert.equal(group.finalPerplexity?.mean, 15);
  assert.deepEqual(group.meanCurve, [30, 15]);
  assert.equal(group.meanOf, 2);
  // While no run of a setting is complete, its curve (for the plot) is the mean of those begun.
  const [begun] = aggregate([row(0, "interrupted", 10), row(1, "pending", null)]);
  assert.equal(begun.finalPerplexity, null);
  assert.deepEqual([begun.meanCurve, begun.meanOf], [[20, 10], 1]);
  const csv = summaryCsv({
    format: "rnnlab-sweep-summary/1",
    plan: "",
    varying: ["lr"],
    runs: [row(0, "complete", 10)],
    aggregate: [],
    shared: NOTHING_SHARED,
  });
  assert.match(csv.split("\n")[1], /,"a ""b"", c",/);
});

/** A run's record after `perplexities`, of status `status` (only what a summary reads). */
function record(status: RunRecord["status"], perplexities: number[]): RunRecord {
  const config = tinyConfig({ prefixes: ["分开", "不分开"] });
  return {
    status,
    config,
    curve: perplexities.map((perplexity, i) => ({
      epoch: i + 1,
      perplexity,
      seconds: 2,
      ...(i === 0 && { predictions: ["分开了", "不分开吧"] }),
    })),
    finalPerplexity: perplexities.at(-1) ?? null,
    totalSeconds: 2 * perplexities.length,
    predictions: status === "complete" ? [{ prefix: "分开", text: "分开的" }] : [],
    backend: { name: "wasm" },
    trainer: "batched",
  } as unknown as RunRecord;
}

Deno.test("a summary row comes from run.json alone: the best epoch, the latest predictions; pending and failed without one", () => {
  const run = {
    name: "1_lr=0.2",
    dir: "runs/1_lr=0.2",
    values: { lr: "0.2", seed: "3" },
    seed: 3,
    epochs: 4,
  };
  const varying = ["lr", "seed"];
  const running = summaryRow(run, varying, record("running", [50, 20, 30]));
  assert.deepEqual(running, {
    name: "1_lr=0.2",
    dir: "runs/1_lr=0.2",
    values: { lr: "0.2" }, // the seed has a column of its own
    seed: 3,
    status: "running",
    epochs: 3,
    targetEpochs: 4,
    seconds: 6,
    secondsPerEpoch: 2,
    finalPerplexity: 30,
    bestPerplexity: 20,
    bestEpoch: 2,
    curve: [50, 20, 30],
    // Not complete: the predictions of the last epoch that printed some, by prefix.
    predictions: [{ prefix: "分开", text: "分开了" }, { prefix: "不分开", text: "不分开吧" }],
    backend: "wasm",
    trainer: "batched",
  });
  const done = summaryRow(run, varying, record("complete", [50, 20]));
  assert.deepEqual(done.predictions, [{ prefix: "分开", text: "分开的" }]);
  const pending = summaryRow(run, varying, undefined);
  assert.deepEqual(
    [pending.status, pending.epochs, pending.secondsPerEpoch, pending.curve, pending.backend],
    ["pending", 0, null, [], null],
  );
  const failed = summaryRow(run, varying, undefined, "worker exited with code 1");
  assert.deepEqual([failed.status, failed.error], ["failed", "worker exited with code 1"]);
  assert.equal(
    countStatuses([running, done, pending, failed, pending]),
    "1 running, 1 complete, 2 pending, 1 failed",
  );
});

Deno.test("a summary's tables: a row per run, a row per setting over seeds, and summary.md with both", () => {
  const runs = [row(0, "complete", 10), row(1, "complete", 20), {
    ...row(2, "failed", null),
    error: "boom",
  }];
  const shared = { flags: "--preset small --epochs 2", values: { epochs: "2", hidden: "256" } };
  const summary = makeSummary("digest", ["lr", "seed"], runs, shared);
  assert.deepEqual(summary.varying, ["lr"]);
  const table = runsTable(summary);
  assert.deepEqual(table.head, [
    "run",
    "lr",
    "seed",
    "status",
    "epochs",
    "time (s)",
    "s/epoch",
    "final ppl",
    "best ppl (epoch)",
  ]);
  assert.deepEqual(table.rows, [
    ["r0", "0.1", "0", "complete", "2/2", "1.0", "0.50", "10", "10 (2)"],
    ["r1", "0.1", "1", "complete", "2/2", "1.0", "0.50", "20", "20 (2)"],
    ["r2", "0.1", "2", "failed: boom", "0/2", "1.0", "—", "—", "—"],
  ]);
  assert.deepEqual(table.right, [false, false, false, false, false, true, true, true, true]);
  assert.deepEqual(aggregateTable(summary), {
    head: ["lr", "complete runs", "final ppl", "best ppl", "s/epoch"],
    rows: [["0.1", "2/3", "15.0 ± 7.1", "15.0 ± 7.1", "0.50 ± 0.00"]],
  });
  const md = summaryMarkdown(summary, "sweep");
  assert.match(md, /^# sweep\n\n3 runs: 2 complete, 1 failed\. Varying: lr\.\n/);
  assert.match(
    md,
    /\n\nShared by every run: --preset small --epochs 2 \(epochs 2, hidden 256\)\.\n\n## Runs\n/,
  );
  assert.match(md, /\n## Over seeds \(mean ± sd of the complete runs\)\n/);
  assert.match(md, /\| r2 +\| 0\.1 \| 2 +\| failed: boom \|/);
  assert.match(md, /\n## Predictions at the end\n\n\| run \| prefix \| prediction/);
  const seedOnly = summaryMarkdown(
    makeSummary(
      "",
      ["seed"],
      [row(0, "pending", null)].map((r) => ({ ...r, predictions: [] })),
      NOTHING_SHARED,
    ),
    "s",
  );
  assert.match(seedOnly, /Varying: the seed only\./);
  assert.match(seedOnly, /## Predictions at the end\n\nNone yet\./);
  const csv = summaryCsv(summary).split("\n");
  assert.equal(
    csv[0],
    "name,lr,seed,status,epochs,target_epochs,seconds,seconds_per_epoch,final_perplexity," +
      "best_perplexity,best_epoch,backend,trainer,prediction:分开,error,dir",
  );
  assert.equal(csv[3], 'r2,0.1,2,failed,0,2,1,,,,,cpu,reference,"a ""b"", c",boom,runs/r2');
  assert.equal(csv.length, 5); // and a final line break
});
