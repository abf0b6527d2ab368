import assert from "node:assert/strict";
import { join } from "node:path";
import { runTask } from "./_helpers.ts";
import { EXIT } from "../src/errors.ts";

Deno.test("deno task bench profiles one step per backend and trainer into JSON and Markdown", async () => {
  const out = await Deno.makeTempDir({ prefix: "rnnlab-profile-" });
  const res = await runTask("bench", [
    ...["--preset", "small", "--iters", "1", "--warmup", "0", "--backends", "wasm"],
    ...["--trainers", "reference,batched", "--torch", "none", "--results", out],
    "--json",
  ]);
  assert.equal(res.code, EXIT.ok, res.stderr);
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
