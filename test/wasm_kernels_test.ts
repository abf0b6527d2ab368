import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { selectBackend } from "../mod.ts";

/** Runs `f` on the cpu backend (tfjs's own kernels) and on wasm, and returns both results. */
async function onBoth(f: () => tf.Tensor[]): Promise<[tf.TypedArray[], tf.TypedArray[]]> {
  const results: tf.TypedArray[][] = [];
  for (const backend of ["cpu", "wasm"] as const) {
    await selectBackend(backend);
    const before = tf.memory().numTensors;
    results.push(
      tf.tidy(f).map((t) => {
        const values = t.dataSync();
        t.dispose();
        return values;
      }),
    );
    assert.equal(tf.memory().numTensors, before, `${backend}: tensors leaked`);
  }
  return [results[0], results[1]];
}

Deno.test("wasm SplitV and GatherV2 equal tfjs's cpu kernels bit for bit, fast paths and fallbacks", async () => {
  const x = () => tf.randomNormal([6, 4, 3], 0, 1, "float32", 7);
  const m = () => tf.randomNormal([9, 5], 0, 1, "float32", 8);
  const cases: Record<string, () => tf.Tensor[]> = {
    "split axis 0, sizes": () => tf.split(x(), [2, 3, 1]),
    "split axis 0, equal, int32": () => tf.split(tf.cast(tf.mul(x(), 100), "int32"), 3),
    "split axis -3, inferred size": () => tf.split(x(), [4, -1], -3),
    "split axis 1 (tfjs's kernel)": () => tf.split(x(), [1, 3], 1),
    "gather rows, repeated": () => [tf.gather(m(), tf.tensor1d([8, 0, 3, 3, 8], "int32"))],
    "gather rows, axis -2": () => [tf.gather(m(), tf.tensor1d([1, 2], "int32"), -2)],
    "gather columns (tfjs's kernel)": () => [tf.gather(m(), tf.tensor1d([4, 0], "int32"), 1)],
    "gather from 3-D (tfjs's kernel)": () => [tf.gather(x(), tf.tensor1d([5, 1], "int32"))],
  };
  for (const [name, f] of Object.entries(cases)) {
    const [cpu, wasm] = await onBoth(f);
    assert.deepEqual(wasm, cpu, name);
  }
});

Deno.test("wasm GatherV2 refuses an index out of range, as tfjs does, and leaks nothing", async () => {
  await selectBackend("wasm");
  const m = tf.zeros([3, 2]);
  const before = tf.memory().numTensors;
  for (const bad of [3, -1]) {
    assert.throws(
      () => tf.tidy(() => tf.gather(m, tf.tensor1d([0, bad], "int32"))),
      new RegExp(`GatherV2: the index value ${bad} is not in \\[0, 2\\]`),
    );
  }
  assert.equal(tf.memory().numTensors, before);
  m.dispose();
});
