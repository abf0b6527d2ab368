// The benchmark protocol end to end: interleaved rounds with their statistics, the quiet-machine
// guard under a synthetic load, and the regression gate against fake baselines.

import assert from "node:assert/strict";
import { join } from "node:path";
import { PROBE_SPREAD } from "../src/bench/load.ts";
import { LoadGuard } from "../src/bench/quiet.ts";
import type { BenchResult } from "../src/bench/step_result.ts";
import { runTask } from "./_helpers.ts";

/** A small, quick step benchmark on wasm without PyTorch, into `dir`, with `more` flags. */
function smallBench(dir: string, more: string[] = []) {
  return runTask("bench", [
    ...["--preset", "small", "--iters", "1", "--warmup", "0", "--backends", "wasm"],
    ...["--trainers", "batched", "--torch", "none", "--results", dir, "--json", ...more],
  ]);
}

/** The files in `dir`, sorted. */
function files(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("--repeat 3 runs every engine once a round, interleaved, and keeps every round", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-bench-" });
  const res = await smallBench(dir, ["--repeat", "3", "--threads", "1,2"]);
  assert.equal(res.code, 0, res.stderr);
  const rounds = res.stderr.split("\n").filter((l) => l.startsWith("round "));
  assert.deepEqual(
    rounds,
    [1, 2, 3].flatMap((r) =>
      [1, 2].map((t) => `round ${r} of 3: batched on wasm, ${t} thread${t === 1 ? "" : "s"}…`)
    ),
  );
  const result: BenchResult = JSON.parse(res.stdout);
  assert.equal(result.repeat, 3);
  assert.deepEqual(result.rows.map((r) => r.key), ["wasm/batched/1", "wasm/batched/2"]);
  for (const row of result.rows) {
    const { samples, median, ci95 } = row.msPerIteration;
    assert.equal(samples.length, 3);
    assert.deepEqual(ci95, [Math.min(...samples), Math.max(...samples)]); // 3 rounds: the range
    assert.ok(ci95[0] <= median && median <= ci95[1]);
    assert.equal(row.firstStepMs.samples.length, 3);
    assert.ok(row.stepMs.p50 <= row.stepMs.p90 && row.stepMs.p90 <= row.stepMs.p99);
    assert.ok(row.profile!.byKernel.length > 0, "the last round profiles a step");
  }
  const [one, two] = result.rows;
  assert.equal(one.speedup, undefined, "one thread has no speedup over itself");
  assert.deepEqual( // the second core's speedup, round by round
    two.speedup!.samples,
    one.msPerIteration.samples.map((ms, i) => ms / two.msPerIteration.samples[i]),
  );
  assert.equal(result.load!.during.length, 6, "the load after each of 2 engines × 3 rounds");
  for (const w of [result.load!.before, ...result.load!.during]) {
    assert.ok(w.probeMs! > 0, "the speed probe timed at every reading");
  }
  assert.equal(result.noisy, result.load!.noisy);
  assert.equal(result.fingerprint.deno, Deno.version.deno);
  const md = await Deno.readTextFile(join(dir, files(dir)[1]));
  assert.match(md, /^\*\*(NOISY: .*|quiet: .*)\*\*$/m);
  assert.match(
    md,
    /^\| tfjs wasm, 2 threads \| batched \(default\) \| [\d.]+ \[[\d.]+, [\d.]+\] \|/m,
  );
  assert.match(
    md,
    /^Against 1 thread, round by round: [\d.]+ \[[\d.]+, [\d.]+\] times as fast\.$/m,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the speed probe slows when the cores are taken, and the guard calls that noisy", async () => {
  const guard = await LoadGuard.start(0.2);
  await guard.checkpoint(); // the machine as it is
  const load = Array.from( // twice as many busy loops as cores: the probe gets a third of one
    { length: 2 * navigator.hardwareConcurrency },
    () => new Deno.Command(Deno.execPath(), { args: ["eval", "while (true) {}"] }).spawn(),
  );
  try {
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the loops running
    await guard.checkpoint();
  } finally {
    for (const p of load) p.kill();
    await Promise.all(load.map((p) => p.status));
  }
  const record = guard.record();
  const [calm, busy] = record.during.map((w) => w.probeMs!);
  assert.ok(busy > PROBE_SPREAD * calm, `probe ${calm.toFixed(1)} ms, then ${busy.toFixed(1)} ms`);
  assert.ok(record.noisy);
  assert.ok(record.reasons.some((r) => r.startsWith("the machine's speed varied: ")));
});

Deno.test("a synthetic load marks the result noisy, and --require-quiet refuses to start under it", async () => {
  // Half the cores kept busy: 0.5 per core, above the 0.3 a quiet machine allows.
  const load = Array.from(
    { length: Math.ceil(navigator.hardwareConcurrency / 2) },
    () => new Deno.Command(Deno.execPath(), { args: ["eval", "while (true) {}"] }).spawn(),
  );
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-bench-" });
  try {
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the load is running
    const res = await smallBench(dir);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /^the machine is not quiet \(.*\): the result will be marked noisy$/m);
    const result: BenchResult = JSON.parse(res.stdout);
    assert.equal(result.noisy, true);
    assert.ok(result.load!.reasons.length > 0);
    const seen = [result.load!.before, ...result.load!.during].flatMap((w) =>
      w.top.map((p) => p.pid)
    );
    assert.ok(load.some((p) => seen.includes(p.pid)), "the load's processes are named");
    const before = files(dir);
    const refused = await smallBench(dir, ["--require-quiet"]);
    assert.equal(refused.code, 4);
    assert.match(refused.stderr, /^error: the machine is not quiet: .*at the start/m);
    assert.deepEqual(files(dir), before, "nothing written");
  } finally {
    for (const p of load) p.kill();
    await Promise.all(load.map((p) => p.status));
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the gate: a slower fake baseline exits 1; another fingerprint, or none, exits 2 before anything runs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-bench-" });
  const res = await smallBench(dir, ["--threads", "1"]);
  assert.equal(res.code, 0, res.stderr);
  const result: BenchResult = JSON.parse(res.stdout);
  const baseline = async (name: string, change: (r: BenchResult) => unknown) => {
    const path = join(dir, name);
    await Deno.writeTextFile(path, JSON.stringify(change(structuredClone(result))));
    return path;
  };
  // Its rows 1000 times faster: the new run is slower beyond their interval.
  const fast = await baseline("fast.json", (r) => {
    for (const row of r.rows) {
      const s = row.msPerIteration;
      Object.assign(s, { median: s.median / 1000, ci95: s.ci95.map((x) => x / 1000) });
    }
    return r;
  });
  const slower = await smallBench(dir, ["--threads", "1", "--baseline", fast]);
  assert.equal(slower.code, 1, slower.stderr);
  assert.match(
    slower.stderr,
    /^SLOWER: tfjs wasm \(wasm\/batched\/1\) [\d.]+ ms against the baseline's /m,
  );
  const before = files(dir);
  const otherDeno = await baseline("other.json", (r) => ({
    ...r,
    fingerprint: { ...r.fingerprint, deno: "0.0.1" },
  }));
  const differs = await smallBench(dir, ["--threads", "1", "--baseline", otherDeno]);
  assert.equal(differs.code, 2, differs.stderr);
  assert.match(differs.stderr, new RegExp(`^  deno: "0\\.0\\.1" → "${Deno.version.deno}"$`, "m"));
  assert.match(
    differs.stderr,
    /^error: not comparable with --baseline .*other\.json: 1 difference/m,
  );
  const none = await baseline("none.json", (r) => ({ ...r, fingerprint: undefined }));
  const refused = await smallBench(dir, ["--threads", "1", "--baseline", none]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /^error: --baseline .*none\.json has no fingerprint/m);
  assert.deepEqual(files(dir), [...before, "none.json", "other.json"].sort(), "nothing run");
  await Deno.remove(dir, { recursive: true });
});
