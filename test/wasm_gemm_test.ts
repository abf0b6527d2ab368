import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { selectBackend } from "../mod.ts";
import { gemmThreads, setGemmThreads, tileCounts } from "../src/train/gemm_threads.ts";
import "../src/train/wasm_threads.ts"; // wasm's large products on every core

/**
 * The largest |got − want| over the scale of the sum, Σ_k |A[i][k]·B[k][j]| (the bound a float
 * sum's rounding error is measured against), over all outputs; `scale` is that matrix.
 */
function errorOverScale(got: ArrayLike<number>, want: ArrayLike<number>, scale: ArrayLike<number>) {
  let worst = 0;
  for (let i = 0; i < scale.length; i++) {
    worst = Math.max(worst, Math.abs(got[i] - want[i]) / scale[i]);
  }
  return worst;
}

/** The product on `threads` threads, through tfjs's matMul (the trainers' path). */
async function product(
  threads: number,
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  transpose: [boolean, boolean] = [false, false],
) {
  await selectBackend("wasm", { threads });
  const c = tf.matMul(a, b, ...transpose);
  const values = c.dataSync() as Float32Array;
  c.dispose();
  return values;
}

/**
 * The chapter's threaded products: the output layer's three, Y = H·W_hy, dW_hy = Hᵀ·dY and
 * dH = dY·W_hyᵀ, and the recurrence's, H_{t−1}·W_hh (and dA_t·W_hhᵀ) and dW_hh = H_{t−1}ᵀ·dA_t.
 */
const CHAPTER_SHAPES = [
  [1120, 256, 1465],
  [256, 1120, 1465],
  [1120, 1465, 256],
  [32, 256, 256],
  [256, 32, 256],
];

Deno.test("the output layer's and the recurrence's products on two threads give the single-thread result: within 1e-6 of the sum's scale, and in fact bit for bit", async () => {
  await selectBackend("wasm", { threads: 1 });
  for (const [m, k, n] of CHAPTER_SHAPES) {
    const a = tf.randomNormal([m, k], 0, 1, "float32", m) as tf.Tensor2D;
    const b = tf.randomNormal([k, n], 0, 1, "float32", n) as tf.Tensor2D;
    const one = await product(1, a, b);
    const before = tileCounts().tiles; // zero: one thread stopped the pool
    const two = await product(2, a, b);
    assert.equal(gemmThreads(), 2, "two threads started");
    const scale = tf.tidy(() => tf.matMul(tf.abs(a), tf.abs(b)).dataSync());
    const error = errorOverScale(two, one, scale);
    assert.ok(error <= 1e-6, `${m}×${k}·${k}×${n}: ${error}`);
    assert.deepEqual(two, one, `${m}×${k}·${k}×${n}: the same bits`);
    assert.ok(tileCounts().tiles - before >= 8, `${m}×${k}·${k}×${n}: shared in 8 tiles or more`);
    const bt = tf.transpose(b) as tf.Tensor2D; // A·Bᵀ, as every gradient dA = dC·Bᵀ asks for it
    const oneT = await product(1, a, bt, [false, true]);
    assert.deepEqual(await product(2, a, bt, [false, true]), oneT, `${m}×${k}·(${n}×${k})ᵀ`);
    assert.deepEqual(oneT, one, `${m}×${k}·(${n}×${k})ᵀ: as A·B`);
    bt.dispose();
    tf.dispose([a, b]);
  }
  const workersRan = () => tileCounts().here < tileCounts().tiles;
  for (let tries = 0; !workersRan(); tries++) { // on a busy machine the worker may start late
    assert.ok(tries < 20, "the worker ran no tile in 20 products");
    const a = tf.randomNormal([1120, 256]) as tf.Tensor2D,
      b = tf.randomNormal([256, 1465]) as tf.Tensor2D;
    await product(2, a, b);
    tf.dispose([a, b]);
  }
  await setGemmThreads(1);
});

Deno.test("the threaded product handles sizes off the kernel's 4 × 8 blocks and transposed operands as tfjs does", async () => {
  await selectBackend("wasm", { threads: 1 });
  const a = tf.randomNormal([131, 257], 0, 1, "float32", 1) as tf.Tensor2D;
  const b = tf.randomNormal([257, 133], 0, 1, "float32", 2) as tf.Tensor2D;
  const at = tf.transpose(a) as tf.Tensor2D, bt = tf.transpose(b) as tf.Tensor2D;
  const cases: [string, tf.Tensor2D, tf.Tensor2D, [boolean, boolean]][] = [
    ["A·B", a, b, [false, false]],
    ["Aᵀ·B", at, b, [true, false]],
    ["A·Bᵀ", a, bt, [false, true]],
  ];
  for (const [name, x, y, transpose] of cases) {
    assert.deepEqual(await product(2, x, y, transpose), await product(1, x, y, transpose), name);
  }
  tf.dispose([a, b, at, bt]);
  await setGemmThreads(1);
});

Deno.test("the 1e-6 bound catches a product that drops one term of each sum", () => {
  const [m, k, n] = [8, 300, 8];
  const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i));
  const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i));
  const sum = (i: number, j: number, terms: number) => {
    let s = 0;
    for (let l = 0; l < terms; l++) s += a[i * k + l] * b[l * n + j];
    return s;
  };
  const matrix = (f: (i: number, j: number) => number) =>
    Float32Array.from({ length: m * n }, (_, c) => f(Math.floor(c / n), c % n));
  const want = matrix((i, j) => sum(i, j, k));
  const bad = matrix((i, j) => sum(i, j, k - 1));
  const scale = matrix((i, j) => {
    let s = 0;
    for (let l = 0; l < k; l++) s += Math.abs(a[i * k + l] * b[l * n + j]);
    return s;
  });
  assert.equal(errorOverScale(want, want, scale), 0);
  assert.ok(errorOverScale(bad, want, scale) > 1e-6);
});
