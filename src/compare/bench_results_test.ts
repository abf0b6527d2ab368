import assert from "node:assert/strict";
import { join } from "node:path";
import type { BenchResult } from "../bench/step_result.ts";
import { summarize } from "../bench/stats.ts";
import { takeFingerprint } from "../bench/take_fingerprint.ts";
import { SMALL_PRESET } from "../train/config.ts";
import { benchComparisonNotes, benchComparisonTable, loadBenchResults } from "./bench_results.ts";

/** A step result: one rnnlab row and PyTorch eager's, their times as given. */
async function stepResult(rnnlab: number[], eager: number[], deno?: string) {
  const fingerprint = await takeFingerprint();
  const row = (key: string, engine: string, ms: number[]) => ({
    key,
    engine,
    msPerIteration: summarize(ms),
  });
  return {
    kind: "train",
    config: SMALL_PRESET,
    fingerprint: deno ? { ...fingerprint, deno } : fingerprint,
    load: null,
    rows: [{ ...row("wasm/batched/2", "tfjs wasm", rnnlab), backend: "wasm", trainer: "batched" }],
    torch: [{ ...row("torch/eager", "PyTorch eager", eager), impl: "eager" }],
  } as unknown as BenchResult;
}

Deno.test("bench results side by side: each engine's median and interval, its ratio to the first, the fingerprints' differences", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-compare-" });
  const write = async (name: string, value: unknown) => {
    await Deno.writeTextFile(join(dir, name), JSON.stringify(value));
    return join(dir, name);
  };
  const a = await write("a.json", await stepResult([100, 104, 98], [300, 310, 290]));
  const b = await write("b.json", await stepResult([120, 126, 118], [300, 300, 300], "0.0.1"));
  const results = await loadBenchResults([a, b]);
  const { head, rows } = benchComparisonTable(results);
  assert.deepEqual(head, [
    "engine",
    "a.json: ms / iteration",
    "b.json: ms / iteration",
    "b.json / a.json",
  ]);
  assert.deepEqual(rows, [
    ["tfjs wasm (wasm/batched/2)", "100.0 [98.0, 104.0]", "120.0 [118.0, 126.0]", "1.20×"],
    ["PyTorch eager (torch/eager)", "300.0 [290.0, 310.0]", "300.0 [300.0, 300.0]", "1.00×"],
  ]);
  const notes = benchComparisonNotes(results);
  assert.match(notes[0], /^a\.json: no load recorded; commit /);
  assert.deepEqual(notes.slice(2), [
    "  differs from a.json in:",
    `    deno: "${Deno.version.deno}" → "0.0.1"`,
  ]);

  const none = await write("none.json", { ...await stepResult([1], [1]), fingerprint: undefined });
  await assert.rejects(loadBenchResults([a, none]), (err: Error & { exitCode: number }) => {
    assert.equal(err.message, `${none} has no fingerprint (a result from before them): refused`);
    assert.equal(err.exitCode, 2);
    return true;
  });
  const e2e = await write("e2e.json", { ...await stepResult([1], [1]), kind: "e2e" });
  await assert.rejects(loadBenchResults([a, e2e]), /give results of one kind/);
  await Deno.remove(dir, { recursive: true });
});
