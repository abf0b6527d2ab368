/**
 * Timing training steps: a trainer on a backend, for a fixed number of minibatches of the random
 * sampler after a warm-up, finished by the epoch's one read-back (so GPU work is counted); and,
 * when asked, one more step under `tf.profile()` ({@linkcode profileStep}).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { TrainingData } from "../data/corpus.ts";
import { dataIterRandom } from "../data/iterators.ts";
import { disposeParams, initParams } from "../model/params.ts";
import { initState } from "../model/rnn.ts";
import { PyRandom } from "../random/py_random.ts";
import type { TrainConfig } from "../train/config.ts";
import { type TrainerName, TRAINERS } from "../train/trainers.ts";
import { type KernelProfile, profileStep } from "./profile.ts";

/** One measured trainer on one backend. */
export interface StepTiming {
  /** The tfjs backend. */
  backend: string;
  /** The trainer. */
  trainer: TrainerName;
  /** Milliseconds per minibatch (forward, backward, clipping, SGD). */
  msPerIteration: number;
  /** Characters trained on per second (batch × steps per iteration). */
  tokensPerSecond: number;
  /** The summed loss of the timed steps (to compare trainers on the same batches). */
  lossSum: number;
  /** Where the time of one more step went, when profiling was asked for. */
  profile?: KernelProfile;
}

/** The minibatches a benchmark runs: the random sampler from `config.seed`, epoch after epoch. */
export function benchBatches(config: TrainConfig, data: TrainingData, count: number) {
  const rng = new PyRandom(config.seed);
  const batches = [];
  while (batches.length < count) {
    batches.push(...dataIterRandom(data.indices, config.batchSize, config.numSteps, rng));
  }
  return batches.slice(0, count);
}

/**
 * Times `iters` steps of `trainer` on the active backend after `warmup` steps; with `profile`,
 * profiles the next minibatch's step after them.
 */
export async function timeTrainer(
  trainer: TrainerName,
  config: TrainConfig,
  data: TrainingData,
  iters: number,
  warmup: number,
  { profile = false } = {},
): Promise<StepTiming> {
  const params = initParams(data.vocab.idxToChar.length, config.hidden, config.seed);
  const t = TRAINERS[trainer](params, config);
  const batches = benchBatches(config, data, warmup + iters + (profile ? 1 : 0));
  const run = async (slice: typeof batches) => {
    for (const { data: x, label } of slice) {
      const state = initState(config.batchSize, config.hidden);
      t.step(state, x, label).dispose();
      state.dispose();
    }
    return await t.takeLossSum();
  };
  await run(batches.slice(0, warmup));
  const start = performance.now();
  const lossSum = await run(batches.slice(warmup, warmup + iters));
  const ms = (performance.now() - start) / iters;
  const profiled = profile ? await profileStep(() => run(batches.slice(-1))) : undefined;
  disposeParams(params);
  return {
    backend: tf.getBackend(),
    trainer,
    msPerIteration: ms,
    tokensPerSecond: config.batchSize * config.numSteps / (ms / 1000),
    lossSum,
    ...(profiled && { profile: profiled }),
  };
}
