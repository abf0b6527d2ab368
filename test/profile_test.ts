import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type KernelCall,
  parseProgramTimes,
  shapesText,
  summarizeKernels,
} from "../src/bench/profile.ts";
import { runTask } from "./_helpers.ts";

Deno.test("summarizeKernels sums by kernel and by shapes, largest first, the rest as 'other'", () => {
  const calls: KernelCall[] = [
    { name: "BatchMatMul", ms: 30, shapes: shapesText([[4, 8], [8, 2]]) },
    { name: "Add", ms: 5, shapes: shapesText([[4, 2], [2]]) },
    { name: "BatchMatMul", ms: 10, shapes: shapesText([[4, 8], [8, 2]]) },
    { name: "BatchMatMul", ms: 20, shapes: shapesText([[2, 4], [4, 8]]) },
    { name: "Neg", ms: 1, shapes: shapesText([[]]) },
    { name: "Tanh", ms: 4, shapes: shapesText([[4, 2]]) },
  ];
  const p = summarizeKernels("test", calls, 100, 2);
  assert.deepEqual([p.method, p.kernelMs, p.coverage, p.calls, p.stepMs], [
    "test",
    70,
    0.7,
    6,
    100,
  ]);
  assert.deepEqual(p.byKernel, [
    { name: "BatchMatMul", ms: 60, share: 0.6, calls: 3 },
    { name: "Add", ms: 5, share: 0.05, calls: 1 },
    { name: "other", ms: 5, share: 0.05, calls: 2 },
  ]);
  assert.deepEqual(p.byShape.map((r) => [r.name, r.ms, r.calls]), [
    ["BatchMatMul 4×8 · 8×2", 40, 2],
    ["BatchMatMul 2×4 · 4×8", 20, 1],
    ["other", 10, 3],
  ]);
  assert.deepEqual(summarizeKernels("test", calls, 100, 5).byShape.at(-1)?.name, "Neg scalar");
});

Deno.test("parseProgramTimes reads tfjs-webgpu's per-program times, a fused kernel's key split off", () => {
  assert.deepEqual(
    parseProgramTimes("fwd_v37h20b3t4_mm3x20x20_11rr: 0.0125, SliceProgram: 0.002, lse_v37: 1e-3"),
    [
      { name: "fwd", ms: 0.0125, shapes: "v37h20b3t4_mm3x20x20_11rr" },
      { name: "SliceProgram", ms: 0.002, shapes: "" },
      { name: "lse", ms: 0.001, shapes: "v37" },
    ],
  );
  assert.deepEqual(parseProgramTimes(""), []);
  assert.throws(() => parseProgramTimes("fwd: 0.1, Object"), /unreadable program time "Object"/);
  assert.throws(() => parseProgramTimes("fwd: soon"), /unreadable program time "fwd: soon"/);
});

Deno.test("deno task bench profiles one step per backend and trainer into JSON and Markdown", async () => {
  const out = await Deno.makeTempDir({ prefix: "rnnlab-profile-" });
  const res = await runTask("bench", [
    ...["--preset", "small", "--iters", "1", "--warmup", "0", "--backends", "wasm"],
    ...["--trainers", "reference,batched", "--torch", "none", "--results", out],
    "--json",
  ]);
  assert.equal(res.code, 0, res.stderr);
  for (const row of JSON.parse(res.stdout).rows) {
    assert.ok(row.stepMs.p50 > 0 && row.stepMs.p50 <= row.stepMs.p99);
    const p = row.profile;
    assert.equal(p.method, "tf.profile()");
    assert.ok(p.kernelMs > 0 && p.coverage > 0 && p.coverage <= 1, JSON.stringify(p));
    assert.ok(p.byKernel.length > 1 && p.byKernel.length <= 11);
    assert.ok(p.byKernel.some((r: { name: string }) => r.name === "BatchMatMul"));
    const summed = p.byKernel.reduce((s: number, r: { ms: number }) => s + r.ms, 0);
    assert.ok(Math.abs(summed - p.kernelMs) < 1e-6 * p.kernelMs, "the rows add up to the total");
  }
  const files = [...Deno.readDirSync(out)].map((e) => e.name).sort();
  assert.deepEqual(files.map((f) => f.replace(/\d{4}-\d\d-\d\d-\d{6}/, "DATE-TIME")), [
    "train-DATE-TIME-wasm-small.json",
    "train-DATE-TIME-wasm-small.md",
  ]);
  const md = await Deno.readTextFile(join(out, files[1]));
  assert.match(md, /^## Where the step's time goes$/m);
  for (const trainer of ["reference", "batched"]) {
    assert.match(
      md,
      new RegExp(
        `^### tfjs wasm, ${trainer}, \\d threads?\\n\\nFirst step .*\\n\\nOne step, timed by tf\\.profile\\(\\): .*coverage \\d+ %`,
        "m",
      ),
    );
  }
  assert.match(md, /^\| BatchMatMul \| [\d.]+ \| [\d.]+ % \| \d+ \|$/m);
});
