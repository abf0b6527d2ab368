import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import {
  buildVocab,
  getInputs,
  gradClipping,
  loadTrainingData,
  NumpyRandomState,
  predictRnn,
  rnn,
  selectBackend,
  sequenceLoss,
} from "../mod.ts";
import { predictRnnBatch } from "../src/model/predict.ts";
import {
  disposeParams,
  initParamArrays,
  type ParamArrays,
  paramList,
  paramsFromArrays,
} from "../src/model/params.ts";
import { modelChecks } from "../src/verify/checks.ts";
import { goldenParams, type ModelGolden } from "../src/verify/goldens.ts";
import { readGolden } from "./_helpers.ts";

const g = readGolden<ModelGolden>("model.json");
await tf.setBackend("cpu");
tf.enableProdMode();

const loadParams = () => paramsFromArrays(goldenParams(g));

Deno.test("getInputs makes numSteps one-hot matrices of batch × vocab (In [11])", () => {
  const inputs = getInputs(g.data, g.vocab.length);
  assert.equal(inputs.length, g.data[0].length);
  assert.deepEqual(inputs[0].shape, [g.data.length, g.vocab.length]);
  assert.deepEqual(inputs[1].argMax(1).arraySync(), g.data.map((row) => row[1]));
  assert.equal(inputs[2].sum().arraySync(), g.data.length);
  tf.dispose(inputs);
});

Deno.test("rnn, the summed loss, BPTT gradients, clipping and predictRnn equal the NumPy golden", async () => {
  const checks = await modelChecks(g);
  assert.equal(checks.length, 3 + 5 + 1 + 5 + g.predictions.length);
  for (const c of checks) {
    assert.equal(c.status, "ok", `${c.name}: ${c.measured} vs ${c.expected}, ${c.worst}`);
  }
});

Deno.test("gradClipping leaves gradients bit for bit alone when the norm is exactly θ or below", () => {
  const params = loadParams();
  const state = tf.tensor2d(g.state.data, g.state.shape as [number, number]);
  const vars = paramList(params);
  const { grads } = tf.variableGrads(
    () => sequenceLoss(rnn(getInputs(g.data, g.vocab.length), state, params).outputs, g.label),
    vars,
  );
  const list = vars.map((v) => grads[v.name]);
  const norm = gradClipping(list, 1).norm.dataSync()[0];
  for (const theta of [norm, 2 * norm]) {
    gradClipping(list, theta).grads.forEach((t, i) =>
      assert.deepEqual(t.dataSync(), list[i].dataSync(), `θ=${theta}`)
    );
  }
  const halved = gradClipping(list, norm / 2).grads;
  assert.ok(Math.abs(halved[0].norm().dataSync()[0] / list[0].norm().dataSync()[0] - 0.5) < 1e-6);
});

Deno.test("predictRnn is greedy with the chapter's output length len(prefix) + numChars + 1 (In [15])", async () => {
  const params = loadParams();
  const vocab = buildVocab(g.vocab);
  for (const { prefix, numChars, text } of g.predictions) {
    const got = await predictRnn(prefix, numChars, params, vocab);
    assert.equal(got, text);
    assert.equal(got.length, prefix.length + numChars + 1);
  }
  // prefix.lower()
  assert.equal(await predictRnn("AB", 2, params, vocab), await predictRnn("ab", 2, params, vocab));
  await assert.rejects(
    predictRnn("ax", 3, params, vocab),
    /"ax" has "x" \(U\+0078\), which is not in the vocabulary/,
  );
});

Deno.test("initParamArrays follows the RNG contract: W_xh, W_hh, W_hy from one RandomState, zero biases", () => {
  const [v, h, seed] = [11, 4, 5];
  const p = initParamArrays(v, h, seed);
  const draws = Float32Array.from(
    new NumpyRandomState(seed).normal(0, 0.01, v * h + h * h + h * v),
  );
  assert.deepEqual(p.W_xh.data, draws.subarray(0, v * h));
  assert.deepEqual(p.W_hh.data, draws.subarray(v * h, v * h + h * h));
  assert.deepEqual(p.W_hy.data, draws.subarray(v * h + h * h));
  assert.deepEqual([p.W_xh.shape, p.W_hh.shape, p.W_hy.shape], [[v, h], [h, h], [h, v]]);
  assert.ok(p.b_h.data.every((x) => x === 0) && p.b_y.data.length === v);
});

/**
 * Parameters whose recurrence is chaotic (W_hh's gain 3, the inputs weak): one ulp more in one
 * weight of W_hh changes the 100-character text (checked below), so equal texts mean equal
 * numbers, not just near ones.
 */
function chaoticParams(vocab: number, hidden: number, bump = false): ParamArrays {
  const rng = new NumpyRandomState(17);
  const draw = (shape: number[], std: number) => ({
    shape,
    data: Float32Array.from(rng.normal(0, std, shape.reduce((a, b) => a * b))),
  });
  const p = {
    W_xh: draw([vocab, hidden], 0.1),
    W_hh: draw([hidden, hidden], 3 / Math.sqrt(hidden)),
    b_h: draw([hidden], 0.1),
    W_hy: draw([hidden, vocab], 0.3),
    b_y: draw([vocab], 0.1),
  };
  if (bump) new Uint32Array(p.W_hh.data.buffer)[5]++;
  return p;
}

for (const backend of ["cpu", "wasm"] as const) {
  Deno.test(`predictRnnBatch gives every prefix predictRnn's text at once, on ${backend}`, async () => {
    await selectBackend(backend);
    const { vocab } = await loadTrainingData({ fetch: null }, 20000);
    const V = vocab.idxToChar.length;
    const params = paramsFromArrays(chaoticParams(V, 64));
    const before = tf.memory().numTensors;
    const prefixes = ["分开", "不分开", "战争中部队", "我", "想要", "A"]; // "A" is lowered
    for (const numChars of [0, 1, 100]) {
      const one = [];
      for (const p of prefixes) one.push(await predictRnn(p, numChars, params, vocab));
      assert.deepEqual(await predictRnnBatch(prefixes, numChars, params, vocab), one);
      assert.deepEqual(await predictRnnBatch(prefixes.slice(3, 4), numChars, params, vocab), [
        one[3],
      ]);
      if (numChars === 100) { // the test can tell: one ulp elsewhere is another text
        const bumped = paramsFromArrays(chaoticParams(V, 64, true));
        assert.notEqual(await predictRnn(prefixes[0], numChars, bumped, vocab), one[0]);
        disposeParams(bumped);
      }
    }
    assert.deepEqual(await predictRnnBatch([], 5, params, vocab), []);
    await assert.rejects(predictRnnBatch(["分开", "☃"], 3, params, vocab), /"☃" has "☃"/);
    assert.equal(tf.memory().numTensors, before, "tensors leaked");
    disposeParams(params);
    await tf.setBackend("cpu");
  });
}
