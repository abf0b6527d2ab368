import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  loadTrainingData,
  selectBackend,
  sequenceLoss,
  SMALL_PRESET,
  trainAndPredictRnn,
} from "../mod.ts";
import { sequenceLossStacked } from "../src/train/loss.ts";
import { referenceTrainer } from "../src/train/train.ts";
import { gatherRows } from "../src/model/gather_rows.ts";
import { batchedTrainer } from "../src/train/batched.ts";
import { runTask } from "./_helpers.ts";

/** The batched trainer sums in another order: its curve may differ by float32 rounding. */
const RTOL = 1e-6;

Deno.test("gatherRows equals the one-hot product, and so does its gradient (scatter-add of rows)", async () => {
  await selectBackend("wasm");
  const w = tf.randomNormal([7, 3], 0, 1, "float32", 1) as tf.Tensor2D;
  const tokens = [2, 5, 2, 0, 6, 2];
  const oneHot = tf.oneHot(tf.tensor1d(tokens, "int32"), 7).toFloat() as tf.Tensor2D;
  const dy = tf.randomNormal([tokens.length, 3], 0, 1, "float32", 2);
  const viaGather = tf.grad((x: tf.Tensor) =>
    tf.sum(tf.mul(gatherRows(x as tf.Tensor2D, tf.tensor1d(tokens, "int32")), dy))
  )(w);
  const viaMatMul = tf.grad((x: tf.Tensor) =>
    tf.sum(tf.mul(tf.matMul(oneHot, x as tf.Tensor2D), dy))
  )(w);
  assert.deepEqual(
    await gatherRows(w, tf.tensor1d(tokens, "int32")).data(),
    await tf.matMul(oneHot, w).data(),
  );
  const [a, b] = [await viaGather.data(), await viaMatMul.data()];
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) <= 1e-6, `dW[${i}]: ${x} vs ${b[i]}`));
});

for (const backend of ["cpu", "wasm"] as const) {
  Deno.test(`sequenceLossStacked equals sequenceLoss bit for bit on ${backend}, value and gradient`, async () => {
    await selectBackend(backend);
    const [batch, steps, vocab] = [5, 7, 61];
    const logits = tf.randomNormal([steps * batch, vocab], 0, 3, "float32", 9) as tf.Tensor2D;
    const label = Array.from(
      { length: batch },
      (_, b) => Array.from({ length: steps }, (_, t) => (b * 17 + t * 5) % vocab),
    );
    const both = [
      (y: tf.Tensor) => sequenceLoss([y as tf.Tensor2D], label),
      (y: tf.Tensor) => sequenceLossStacked(y as tf.Tensor2D, label),
    ].map((f) => tf.valueAndGrad(f)(logits));
    assert.deepEqual(await both[1].value.data(), await both[0].value.data());
    const [a, b] = [await both[1].grad.data(), await both[0].grad.data()];
    assert.ok(a.every((x, i) => Object.is(x, b[i])), "the gradients differ");
  });

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
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /^Will use wasm .*, batched trainer \(requested\)$/m);
  assert.equal(JSON.parse(await Deno.readTextFile(join(out, "run.json"))).trainer, "batched");
  const bad = await runTask("train", ["--trainer", "turbo"]);
  assert.equal(bad.code, 2);
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
  assert.equal(res.code, 0, res.stderr);
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
  assert.equal(bad.code, 2);
});
