import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { selectBackend } from "./backend.ts";

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

Deno.test("wasm BatchMatMul with transposed operands equals the explicit transposes bit for bit, and tfjs's cpu kernel closely", async () => {
  const a = () => tf.randomNormal([37, 53], 0, 1, "float32", 9);
  const b = () => tf.randomNormal([37, 21], 0, 1, "float32", 10);
  const c = () => tf.randomNormal([21, 53], 0, 1, "float32", 11);
  const batched = () => tf.randomNormal([3, 37, 53], 0, 1, "float32", 12);
  const cases: Record<string, [() => tf.Tensor, () => tf.Tensor]> = {
    "Aᵀ·B": [() => tf.matMul(a(), b(), true, false), () => tf.matMul(tf.transpose(a()), b())],
    "A·Cᵀ": [() => tf.matMul(a(), c(), false, true), () => tf.matMul(a(), tf.transpose(c()))],
    "Cᵀ·Bᵀ": [
      () => tf.matMul(c(), b(), true, true),
      () => tf.matMul(tf.transpose(c()), tf.transpose(b())),
    ],
    "batched Xᵀ·X": [
      () => tf.matMul(batched(), batched(), true, false),
      () => tf.matMul(tf.transpose(batched(), [0, 2, 1]), batched()),
    ],
  };
  await selectBackend("wasm");
  const backend = tf.engine().backend;
  for (const [name, [fast, explicit]] of Object.entries(cases)) {
    const dataIds = backend.numDataIds();
    const [got, want] = [tf.tidy(fast), tf.tidy(explicit)];
    assert.deepEqual(got.dataSync(), want.dataSync(), name);
    tf.dispose([got, want]);
    assert.equal(backend.numDataIds(), dataIds, `${name}: the transposed copies are freed`);
  }
  for (const [name, [fast]] of Object.entries(cases)) {
    const [[cpu], [wasm]] = await onBoth(() => [fast()]);
    const worst = Array.from(cpu).reduce((w, v, i) => Math.max(w, Math.abs(v - wasm[i])), 0);
    assert.ok(worst < 1e-4, `${name}: wasm vs cpu ${worst}`);
  }
});
