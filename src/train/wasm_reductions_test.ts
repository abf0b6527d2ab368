import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { selectBackend } from "./backend.ts";
import { initParams } from "../model/params.ts";
import { initState } from "../model/rnn.ts";
import { NumpyRandomState } from "../random/numpy_random.ts";
import { SMALL_PRESET } from "./config.ts";
import { TRAINERS } from "./trainers.ts";
import { ACCURATE_REDUCTIONS } from "./wasm_reductions.ts";

/** `n` float32 values from N(0, scale²), drawn from `seed`. */
function draws(n: number, seed: number, scale = 1): Float32Array {
  return Float32Array.from(new NumpyRandomState(seed).normal(0, scale, n));
}

/** The exact sum of `values`, near enough: Neumaier's compensated float64 sum. */
function exactSum(values: Iterable<number>): number {
  let [sum, carry] = [0, 0];
  for (const v of values) {
    const t = sum + v;
    carry += Math.abs(sum) >= Math.abs(v) ? (sum - t) + v : (v - t) + sum;
    sum = t;
  }
  return sum + carry;
}

/** Runs `f` on wasm and returns its outputs' values; asserts it leaked no tensor. */
async function onWasm(f: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await selectBackend("wasm");
  const before = tf.memory().numTensors;
  const outs = [tf.tidy(f)].flat();
  const values = outs.map((t) => t.dataSync() as Float32Array);
  tf.dispose(outs);
  assert.equal(tf.memory().numTensors, before, "tensors leaked");
  return values;
}

Deno.test("wasm Sum of the squares of 375,040 values (one chapter-sized gradient) is the exact sum rounded once", async () => {
  const x = draws(1465 * 256, 7, 1e-3);
  const squares = x.map((v) => v * v); // float32 squares, as tf.square gives
  const exact = Math.fround(exactSum(squares));
  const [[got]] = await onWasm(() => tf.sum(tf.square(tf.tensor1d(x))));
  // tfjs-backend-wasm's own Sum, accumulating in float32, was 6.5e-5 off on such a sum.
  assert.equal(got, exact, `rel ${(got - exact) / exact}`);
});

Deno.test("wasm Sum and Mean over any axes equal the exact sums rounded once, and tfjs's cpu Sum bit for bit", async () => {
  const shape = [7, 300, 5];
  const x = draws(7 * 300 * 5, 3);
  /** The exact sums (or means) over the axes `over`, in row-major order of the other axes. */
  const expected = (over: number[], mean: boolean) => {
    const keep = [0, 1, 2].filter((a) => !over.includes(a));
    const count = over.reduce((n, a) => n * shape[a], 1);
    const terms: number[][] = Array.from({ length: x.length / count }, () => []);
    x.forEach((v, flat) => {
      const index = [Math.floor(flat / 1500), Math.floor(flat / 5) % 300, flat % 5];
      terms[keep.reduce((o, a) => o * shape[a] + index[a], 0)].push(v);
    });
    return Float32Array.from(terms, (t) => exactSum(t) / (mean ? count : 1));
  };
  const cases: [number[], boolean][] = [
    [[0], false],
    [[1], true],
    [[2], false],
    [[0, 1], true],
    [
      [1, 2],
      false,
    ],
    [[0, 2], true],
    [[0, 1, 2], false],
  ];
  for (const [axes, keepDims] of cases) {
    const t = () => tf.tensor3d(x, shape as [number, number, number]);
    const [sum, mean] = await onWasm(() => [tf.sum(t(), axes, keepDims), tf.mean(t(), axes)]);
    assert.deepEqual(sum, expected(axes, false), `sum over ${axes}`);
    assert.deepEqual(mean, expected(axes, true), `mean over ${axes}`);
    await selectBackend("cpu");
    assert.deepEqual(sum, tf.tidy(() => tf.sum(t(), axes).dataSync()), `cpu sum over ${axes}`);
  }
  const [shaped] = await onWasm(() => tf.sum(tf.tensor3d(x, [7, 300, 5]), [0, 2], true));
  assert.equal(shaped.length, 300);
  await selectBackend("wasm");
  assert.deepEqual(tf.tidy(() => tf.sum(tf.ones([2, 3, 4]), [0, 2], true).shape), [1, 3, 1]);
  assert.deepEqual(
    tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3], "int32")).dataSync()),
    Int32Array.of(6),
  );
  assert.deepEqual(tf.tidy(() => tf.sum(tf.zeros([0, 3]), 0).dataSync()), new Float32Array(3));
});

Deno.test("wasm AddN and ScatterNd (which sums repeated indices) equal the exact sums rounded once", async () => {
  const xs = [0, 1, 2, 3, 4].map((s) => draws(1000, 10 + s, 10 ** s));
  const [addN] = await onWasm(() => tf.addN(xs.map((x) => tf.tensor1d(x))));
  assert.deepEqual(addN, xs[0].map((_, i) => exactSum(xs.map((x) => x[i]))));

  const rows = [4, 0, 4, 2, 4, 4, 0, ...Array.from({ length: 2000 }, (_, i) => (i * 7) % 5)];
  const updates = draws(rows.length * 3, 21, 1);
  const [scattered] = await onWasm(() =>
    tf.scatterND(
      tf.tensor2d(rows, [rows.length, 1], "int32"),
      tf.tensor2d(updates, [rows.length, 3]),
      [
        6,
        3,
      ],
    )
  );
  const want = new Float32Array(18);
  for (let r = 0; r < 6; r++) {
    for (let c = 0; c < 3; c++) {
      want[r * 3 + c] = exactSum(rows.flatMap((row, n) => row === r ? [updates[n * 3 + c]] : []));
    }
  }
  assert.deepEqual(scattered, want);
  await selectBackend("wasm");
  const before = tf.memory().numTensors;
  assert.throws(
    () =>
      tf.tidy(() => tf.scatterND(tf.tensor2d([1, 6], [2, 1], "int32"), tf.ones([2, 3]), [6, 3])),
    /Invalid indices: 6 does not index into 6,3/,
  );
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("every summing kernel a CPU trainer's step calls on wasm is an accurate one, and reruns are bit for bit", async () => {
  await selectBackend("wasm");
  // The kernels of tfjs that add floats up (tfjs-backend-wasm has no UnsortedSegmentSum).
  const summing = [
    "Sum",
    "Mean",
    "Prod",
    "AddN",
    "ScatterNd",
    "UnsortedSegmentSum",
    "Softmax",
    "Cumsum",
  ];
  const [vocab, hidden, batch, steps] = [30, 16, 4, 5];
  const config = { ...SMALL_PRESET, hidden, batchSize: batch, numSteps: steps };
  const data = Array.from(
    { length: batch },
    (_, b) => Array.from({ length: steps }, (_, t) => (b * 7 + t * 3) % vocab),
  );
  const label = data.map((row) => row.map((x) => (x + 1) % vocab));
  for (const name of ["reference", "batched"] as const) {
    const losses = [];
    for (let run = 0; run < 2; run++) {
      const params = initParams(vocab, hidden, 0);
      const trainer = TRAINERS[name](params, config);
      const state = initState(batch, hidden);
      const { kernels } = await tf.profile(() => trainer.step(state, data, label).dispose());
      const called = new Set(kernels.map((k) => k.name).filter((k) => summing.includes(k)));
      assert.deepEqual([...called].filter((k) => !(k in ACCURATE_REDUCTIONS)), [], name);
      assert.ok(called.has("Sum") && called.has("AddN"), `${name}: ${[...called]}`);
      for (let i = 0; i < 3; i++) trainer.step(state, data, label).dispose();
      losses.push(await trainer.takeLossSum());
      tf.dispose([state, ...Object.values(params)]);
    }
    assert.equal(losses[0], losses[1], name);
  }
});
