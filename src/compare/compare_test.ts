import assert from "node:assert/strict";
import { join } from "node:path";
import { UsageError } from "../errors.ts";
import { initParamArrays } from "../model/params.ts";
import { writeRunDir } from "../run/run_dir.ts";
import { recordOf, tinyConfig } from "../testing.ts";
import { comparisonTable, loadRuns, predictionRows } from "./compare.ts";

const vocab = [..."不分开我的你"];

/** Writes a run of the tiny config with `changes` into `dir`, after `perplexities`. */
async function run(dir: string, changes: Parameters<typeof tinyConfig>[0], perplexities: number[]) {
  const config = tinyConfig(changes);
  const params = initParamArrays(vocab.length, config.hidden, 0);
  await Deno.mkdir(dir, { recursive: true });
  await writeRunDir(dir, recordOf(config, "complete", perplexities, vocab), params, undefined);
}

Deno.test("compare: the settings that differ, the results, and where each ran, a row per run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-compare-" });
  await run(join(dir, "a"), { lr: 0.1 }, [40, 30]);
  await run(join(dir, "b"), { lr: 0.5, epochs: 3 }, [50, 20, 25]);
  const runs = await loadRuns([join(dir, "a"), join(dir, "b")]);
  assert.deepEqual(runs.map((r) => r.label), ["a", "b"]);
  const table = comparisonTable(runs);
  assert.deepEqual(table.head, [
    "run",
    "epochs",
    "lr",
    "status",
    "epochs",
    "final ppl",
    "best ppl (epoch)",
    "time (s)",
    "s/epoch",
    "backend",
    "trainer",
  ]);
  assert.deepEqual(table.rows, [
    ["a", "2", "0.1", "complete", "2/2", "30", "30 (2)", "2.0", "1.00", "cpu", "reference"],
    ["b", "3", "0.5", "complete", "3/3", "25", "20 (2)", "3.0", "1.00", "cpu", "reference"],
  ]);
  // No predictions recorded: a row per prefix and run, with no text yet.
  assert.deepEqual(predictionRows(runs).map((p) => [p.prefix, p.run, p.text]), [
    ["分开", "a", undefined],
    ["分开", "b", undefined],
  ]);
});

Deno.test("compare: a sweep folder stands for its runs; the same folder name twice is told apart by its path", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-compare-" });
  await run(join(dir, "s1", "runs", "0_seed=0"), {}, [9]);
  await run(join(dir, "s1", "runs", "1_seed=1"), { seed: 1 }, [8]);
  await run(join(dir, "s2", "runs", "0_seed=0"), {}, [7]);
  const runs = await loadRuns([join(dir, "s1"), join(dir, "s2")]);
  assert.equal(runs.length, 3);
  assert.equal(runs[1].label, "1_seed=1");
  assert.ok(runs[0].label.endsWith(join("s1", "runs", "0_seed=0")), runs[0].label);
  assert.ok(runs[2].label.endsWith(join("s2", "runs", "0_seed=0")), runs[2].label);
});

Deno.test("compare: a folder that is no run and no sweep, or holds none, is one line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-compare-" });
  const refuses = (dirs: string[], pattern: RegExp) =>
    assert.rejects(() => loadRuns(dirs), (err: Error) => {
      assert.ok(err instanceof UsageError);
      assert.match(err.message, pattern);
      return true;
    });
  await refuses([join(dir, "none")], /none does not exist$/);
  await refuses([dir], /is neither a run folder \(no run\.json\) nor a sweep folder$/);
  await Deno.mkdir(join(dir, "runs"));
  await refuses([dir], /^no run to compare in /);
});
