// predictRnnBatch against predictRnn on chaotic parameters of the chapter's vocabulary, on cpu and
// wasm: a hundred characters from six prefixes at once, so a moment of training-sized work each.

import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { loadTrainingData, NumpyRandomState, predictRnn, selectBackend } from "../mod.ts";
import { predictRnnBatch } from "../src/model/predict.ts";
import { disposeParams, type ParamArrays, paramsFromArrays } from "../src/model/params.ts";

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
