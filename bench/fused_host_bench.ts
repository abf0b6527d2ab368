/**
 * The host's side of a fused training step: how long tfjs takes to record its kernel launches
 * (uniforms, bind groups, dispatches), the part of a step a faster GPU cannot shorten. Submission
 * is deferred, so only the recording is timed, and the GPU's work then runs untimed before the
 * next step. The number of launches does not depend on the sizes, so the small preset measures it
 * on any adapter, the software one included (where running the chapter's sizes takes seconds).
 *
 *     deno bench --allow-read --allow-env bench/fused_host_bench.ts
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { loadTrainingData } from "../src/data/corpus.ts";
import { disposeParams, initParams } from "../src/model/params.ts";
import { initState } from "../src/model/rnn.ts";
import { benchBatches } from "../src/bench/train_bench.ts";
import { probeAdapter, selectBackend } from "../src/train/backend.ts";
import { SMALL_PRESET } from "../src/train/config.ts";
import { fusedTrainer } from "../src/train/fused/trainer.ts";

const adapter = await probeAdapter();
if (adapter) {
  await selectBackend("webgpu");
  tf.env().set("WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE", Number.MAX_SAFE_INTEGER); // record, then submit
}
const config = SMALL_PRESET;
const data = await loadTrainingData({}, config.corpusChars);
const [batch] = benchBatches(config, data);

Deno.bench({
  name: `fused step, host time to record it (${adapter?.description ?? "no WebGPU adapter"})`,
  ignore: adapter === undefined,
  warmup: 5,
  n: 50,
  async fn(b) {
    const params = initParams(data.vocab.idxToChar.length, config.hidden, config.seed);
    const trainer = fusedTrainer(params, config);
    const state = initState(config.batchSize, config.hidden);
    b.start();
    trainer.step(state, batch.data, batch.label).dispose();
    b.end();
    await trainer.takeLossSum(); // submits and runs the step
    tf.dispose(state);
    disposeParams(params);
  },
});
