import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadTrainingData, selectBackend, SMALL_PRESET, trainAndPredictRnn } from "../mod.ts";
import { referenceTrainer } from "../src/train/train.ts";
import { batchedTrainer } from "../src/train/batched.ts";
import { runTask } from "./_helpers.ts";
import { EXIT } from "../src/errors.ts";

/** The batched trainer sums in another order: its curve may differ by float32 rounding. */
const RTOL = 1e-6;

for (const backend of ["cpu", "wasm"] as const) {
  Deno.test(`batched trainer on ${backend}: the reference curve within rtol ${RTOL}, same predictions, no leaks`, async () => {
    await selectBackend(backend);
    for (const iter of ["random", "consecutive"] as const) {
      const config = { ...SMALL_PRESET, iter, epochs: 3 };
      const data = await loadTrainingData({ fetch: null }, config.corpusChars);
      const before = tf.memory().numTensors;
      const ref = await trainAndPredictRnn(config, data.indices, data.vocab, {}, referenceTrainer);
      const fast = await trainAndPredictRnn(config, data.indices, data.vocab, {}, batchedTrainer);
      tf.dispose([...Object.values(ref.params), ...Object.values(fast.params)]);
      assert.equal(tf.memory().numTensors, before, "tensors leaked");
      ref.curve.forEach((r, i) => {
        const rel = Math.abs(fast.curve[i].perplexity / r.perplexity - 1);
        assert.ok(
          rel <= RTOL,
          `${iter} epoch ${r.epoch}: ${fast.curve[i].perplexity} vs ${r.perplexity}`,
        );
        assert.deepEqual(fast.curve[i].predictions, r.predictions);
      });
    }
  });
}

Deno.test("deno task train --trainer batched is recorded; an unknown trainer is exit 2", async () => {
  const out = join(await Deno.makeTempDir({ prefix: "rnnlab-batched-" }), "run");
  const res = await runTask("train", [
    ...["--preset", "small", "--epochs", "1", "--backend", "wasm"],
    ...["--trainer", "batched", "--out", out],
  ]);
  assert.equal(res.code, EXIT.ok, res.stderr);
  assert.match(res.stdout, /^Will use wasm .*, batched trainer \(requested\)$/m);
  assert.equal(JSON.parse(await Deno.readTextFile(join(out, "run.json"))).trainer, "batched");
  const bad = await runTask("train", ["--trainer", "turbo"]);
  assert.equal(bad.code, EXIT.usage);
  assert.match(
    bad.stderr.trim(),
    /^error: --trainer must be one of auto, reference, batched, fused, got 'turbo'$/,
  );
});

Deno.test("deno task bench writes JSON and Markdown with one row per backend and trainer", async () => {
  const out = await Deno.makeTempDir({ prefix: "rnnlab-bench-" });
  const res = await runTask("bench", [
    ...["--preset", "small", "--iters", "1", "--warmup", "0", "--backends", "cpu,wasm"],
    ...["--torch", "none", "--results", out, "--json"],
  ]);
  assert.equal(res.code, EXIT.ok, res.stderr);
  const result = JSON.parse(res.stdout);
  assert.deepEqual(
    result.rows.map((r: { backend: string; trainer: string }) => `${r.backend}/${r.trainer}`),
    ["cpu/reference", "cpu/batched", "wasm/reference", "wasm/batched"],
  );
  for (const r of result.rows) assert.ok(r.msPerIteration.median > 0 && r.tokensPerSecond > 0);
  const files = [...Deno.readDirSync(out)].map((e) => e.name).sort();
  assert.equal(files.length, 2);
  assert.match(
    await Deno.readTextFile(join(out, files[1])),
    /^\| tfjs wasm, \d threads? \| batched \(default\) \| /m,
  );
  const bad = await runTask("bench", ["--iters", "0"]);
  assert.equal(bad.code, EXIT.usage);
});
