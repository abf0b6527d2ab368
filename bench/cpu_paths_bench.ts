/**
 * Two paths of the chapter's run on wasm at its sizes, each beside what it replaced, in one
 * process (issue 17):
 *
 * - the printed predictions: `predictRnn` for each of the chapter's three prefixes in turn, and
 *   `predictRnnBatch` for all three at once (100 characters each);
 * - the batched trainer's loss, forward and backward, on the stacked 1120 × 1465 logits:
 *   `sequenceLoss` (tfjs's op chain and autograd) and `sequenceLossStacked` (its gradient written
 *   out; the same bits).
 *
 *     deno bench --allow-read --allow-env bench/cpu_paths_bench.ts
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { loadTrainingData } from "../src/data/corpus.ts";
import { initParams } from "../src/model/params.ts";
import { predictRnn, predictRnnBatch } from "../src/model/predict.ts";
import { selectBackend } from "../src/train/backend.ts";
import { CHAPTER_PRESET } from "../src/train/config.ts";
import { sequenceLoss, sequenceLossStacked } from "../src/train/loss.ts";

await selectBackend("wasm");
const { batchSize: B, numSteps: T, hidden, prefixes, predLen } = CHAPTER_PRESET;
const { vocab } = await loadTrainingData({}, CHAPTER_PRESET.corpusChars);
const V = vocab.idxToChar.length;
const params = initParams(V, hidden, 0);

Deno.bench(
  "predictions: predictRnn, one prefix at a time",
  { group: "predict", baseline: true },
  async () => {
    for (const p of prefixes) await predictRnn(p, predLen, params, vocab);
  },
);

Deno.bench("predictions: predictRnnBatch, all prefixes at once", { group: "predict" }, async () => {
  await predictRnnBatch(prefixes, predLen, params, vocab);
});

const logits = tf.randomNormal([T * B, V], 0, 1, "float32", 1) as tf.Tensor2D;
const label = Array.from(
  { length: B },
  (_, b) => Array.from({ length: T }, (_, t) => (b * 37 + t * 11) % V),
);

/** The loss and its gradient with respect to the logits, read back (so the work is done). */
function lossAndGrad(loss: (y: tf.Tensor2D) => tf.Scalar): void {
  // Not in a tf.tidy: tfjs 4.22 takes a gradient inside one far more slowly here.
  const { value, grad } = tf.valueAndGrad((y: tf.Tensor) => loss(y as tf.Tensor2D))(logits);
  grad.dataSync();
  tf.dispose([value, grad]);
}

Deno.bench("loss and gradient: sequenceLoss (tfjs's chain)", {
  group: "loss",
  baseline: true,
}, () => {
  lossAndGrad((y) => sequenceLoss([y], label));
});

Deno.bench("loss and gradient: sequenceLossStacked", { group: "loss" }, () => {
  lossAndGrad((y) => sequenceLossStacked(y, label));
});
