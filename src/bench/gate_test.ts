import assert from "node:assert/strict";
import { SMALL_PRESET } from "../train/config.ts";
import type { BenchResult } from "./step_result.ts";
import type { EndToEndResult } from "./end_to_end.ts";
import { takeFingerprint } from "./take_fingerprint.ts";
import { baselineMismatch, GATE_EXIT, gateVerdict, readBaseline } from "./gate.ts";
import { summarize } from "./stats.ts";

/** A step result with one rnnlab row and PyTorch eager's, their times as given. */
async function stepResult(rnnlab: number[], eager: number[], noisy = false): Promise<BenchResult> {
  const row = (key: string, engine: string, ms: number[]) => ({
    key,
    engine,
    msPerIteration: summarize(ms),
    firstStepMs: summarize(ms),
    stepMs: { p50: ms[0], p90: ms[0], p99: ms[0] },
    tokensPerSecond: 1,
  });
  return {
    kind: "train",
    config: SMALL_PRESET,
    fingerprint: await takeFingerprint(),
    noisy,
    rows: [{ ...row("wasm/batched/2", "tfjs wasm", rnnlab), backend: "wasm", trainer: "batched" }],
    torch: [{ ...row("torch/eager", "PyTorch eager", eager), impl: "eager" }],
  } as unknown as BenchResult;
}

Deno.test("the gate: slower beyond the baseline's interval exits 1, within it 0, and PyTorch is not gated", async () => {
  const baseline = await stepResult([100, 104, 98, 101, 102], [300, 310, 290, 305, 295]);
  const same = gateVerdict(baseline, await stepResult([103, 99, 100], [300, 300, 300]), 0);
  assert.equal(same.exitCode, GATE_EXIT.same);
  assert.match(
    same.lines[0],
    /^same: tfjs wasm \(wasm\/batched\/2\) 100\.0 ms against the baseline's 101\.0 \[98\.0, 104\.0\]/,
  );
  const slower = gateVerdict(baseline, await stepResult([110, 111, 109], [300, 300, 300]), 0);
  assert.equal(slower.exitCode, GATE_EXIT.slower);
  assert.match(slower.lines[0], /^SLOWER: tfjs wasm .* 110\.0 ms .* \(1\.09×\)$/);
  const torchOnly = gateVerdict(
    baseline,
    await stepResult([100, 100, 100], [400, 400, 400], true),
    0,
  );
  assert.equal(torchOnly.exitCode, GATE_EXIT.same);
  assert.match(
    torchOnly.lines[1],
    /^SLOWER: PyTorch eager .*\(PyTorch: a check on the machine, not gated\)$/,
  );
  assert.equal(torchOnly.lines.at(-1), "this run was noisy: a slower verdict may be the machine's");
});

Deno.test("the gate's margin: beyond the interval but within the margin is the same; beyond both is slower", async () => {
  const baseline = await stepResult([100, 104, 98, 101, 102], [300, 310, 290, 305, 295]);
  const drift = await stepResult([110, 111, 109], [300, 300, 300]); // 1.09×: a machine's drift
  const same = gateVerdict(baseline, drift);
  assert.equal(same.exitCode, GATE_EXIT.same, "the default margin, 10 %");
  assert.match(same.lines[0], /^same: .* \(1\.09×, outside the interval but within the margin\)$/);
  assert.equal(
    same.lines[2],
    "(slower or faster: outside the baseline's interval and beyond ±10 %)",
  );
  assert.equal(gateVerdict(baseline, drift, 0.05).exitCode, GATE_EXIT.slower);
  assert.equal(
    gateVerdict(baseline, drift, 7 / 100).lines.at(-1),
    "(slower or faster: outside the baseline's interval and beyond ±7 %)",
  );
  const slower = gateVerdict(baseline, await stepResult([113, 112, 114], [300, 300, 300]));
  assert.equal(slower.exitCode, GATE_EXIT.slower);
  assert.match(slower.lines[0], /^SLOWER: tfjs wasm .* 113\.0 ms .* \(1\.12×\)$/);
  const wide = await stepResult([80, 140, 100, 120, 90], [300, 300, 300, 300, 300]);
  const inside = gateVerdict(wide, await stepResult([125, 125, 125], [300, 300, 300]));
  assert.match(inside.lines[0], /^same: .* \(1\.25×\)$/, "beyond the margin, inside the interval");
  assert.equal(inside.exitCode, GATE_EXIT.same);
  const faster = gateVerdict(baseline, await stepResult([85, 86, 84], [300, 300, 300]));
  assert.match(faster.lines[0], /^faster: /);
  assert.equal(faster.exitCode, GATE_EXIT.same);
});

Deno.test("the gate reads whole programs by their seconds, matched by key", () => {
  const e2e = (seconds: number[]) =>
    ({
      kind: "e2e",
      rows: [{
        key: "rnnlab/wasm/auto/2",
        engine: "rnnlab wasm",
        processSeconds: summarize(seconds),
        runs: [],
      }],
      noisy: false,
    }) as unknown as EndToEndResult;
  assert.equal(gateVerdict(e2e([40, 41, 39]), e2e([45, 46, 44])).exitCode, GATE_EXIT.slower);
  assert.equal(gateVerdict(e2e([40, 41, 39]), e2e([35, 34, 35])).lines[0].split(":")[0], "faster");
});

Deno.test("a baseline of another benchmark or machine is not comparable; one without a fingerprint is refused", async () => {
  const baseline = await stepResult([100], [300]);
  const now = { kind: "train" as const, config: SMALL_PRESET, fingerprint: baseline.fingerprint };
  assert.deepEqual(baselineMismatch(baseline, now), []);
  const other = { ...now, kind: "e2e" as const, config: { ...SMALL_PRESET, hidden: 64 } };
  other.fingerprint = { ...now.fingerprint, tfjs: "5.0.0", commit: "elsewhere" };
  assert.deepEqual(baselineMismatch(baseline, other), [
    "kind: train → e2e",
    "config.hidden: 32 → 64",
    `tfjs: "${now.fingerprint.tfjs}" → "5.0.0"`,
  ]);
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-gate-" });
  const old = `${dir}/old.json`;
  await Deno.writeTextFile(old, JSON.stringify({ ...baseline, fingerprint: undefined }));
  await assert.rejects(readBaseline(old), (err: Error & { exitCode: number }) => {
    assert.equal(
      err.message,
      `--baseline ${old} has no fingerprint (a result from before them): refused`,
    );
    assert.equal(err.exitCode, 2);
    return true;
  });
  await assert.rejects(readBaseline(`${dir}/none.json`), /no such file/);
  await Deno.remove(dir, { recursive: true });
});
