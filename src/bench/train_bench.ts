/**
 * Timing training steps: a trainer on a backend, for a fixed number of minibatches of the random
 * sampler after a warm-up, finished by the epoch's one read-back (so GPU work is counted); and,
 * when asked, one more step profiled ({@linkcode profileStep}; the fused trainer's kernels, which
 * tfjs's engine does not see, by {@linkcode profilePrograms}).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { TrainingData } from "../data/read_corpus.ts";
import { type Batch, dataIterRandom, randomEpochSize } from "../data/iterators.ts";
import { disposeParams, initParams } from "../model/params.ts";
import { initState } from "../model/rnn.ts";
import { PyRandom } from "../random/py_random.ts";
import type { TrainConfig } from "../train/config.ts";
import { type TrainerName, TRAINERS } from "../train/trainers.ts";
import { type KernelProfile, profilePrograms, profileStep } from "./profile.ts";

/** One measured trainer on one backend. */
export interface StepTiming {
  /** The tfjs backend. */
  backend: string;
  /** The trainer. */
  trainer: TrainerName;
  /** Milliseconds per minibatch (forward, backward, clipping, SGD). */
  msPerIteration: number;
  /**
   * Of those, the milliseconds inside the trainer's `step()` on the host: all of them on wasm and
   * cpu, whose kernels run as they are called; on webgpu, the time to record and submit the GPU's
   * work, which a GPU runs meanwhile (a software adapter runs it as it is submitted). Near
   * `msPerIteration` on a GPU, the host is what limits the step.
   */
  hostMsPerIteration: number;
  /** Characters trained on per second (batch × steps per iteration). */
  tokensPerSecond: number;
  /** The summed loss of the timed steps (to compare trainers on the same batches). */
  lossSum: number;
  /** Where the time of one more step went, when profiling was asked for. */
  profile?: KernelProfile;
}

/**
 * The minibatches a benchmark runs: the random sampler from `config.seed`, epoch after epoch, made
 * one epoch at a time as they are taken (a long benchmark never holds more than one epoch).
 */
export function* benchBatches(config: TrainConfig, data: TrainingData): Generator<Batch> {
  const rng = new PyRandom(config.seed);
  while (true) yield* dataIterRandom(data.indices, config.batchSize, config.numSteps, rng);
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
  const batches = benchBatches(config, data);
  // The losses are read back once an epoch, as in training, so they never pile up on the device.
  const epochSize = randomEpochSize(data.indices.length, config.batchSize, config.numSteps);
  let hostMs = 0;
  /** Records `count` steps (their GPU work, if any, still running at the end). */
  const steps = (count: number) => {
    for (let i = 0; i < count; i++) {
      const { data: x, label } = batches.next().value!;
      const state = initState(config.batchSize, config.hidden);
      const start = performance.now();
      t.step(state, x, label).dispose();
      hostMs += performance.now() - start;
      state.dispose();
    }
  };
  /** Runs `count` steps and returns their summed loss, read back every epoch. */
  const run = async (count: number) => {
    let lossSum = 0;
    for (let done = 0; done < count; done += epochSize) {
      steps(Math.min(epochSize, count - done));
      lossSum += await t.takeLossSum();
    }
    return lossSum;
  };
  await run(warmup);
  hostMs = 0;
  const start = performance.now();
  const lossSum = await run(iters);
  const ms = (performance.now() - start) / iters;
  const hostMsPerIteration = hostMs / iters;
  // The fused trainer's kernels bypass tfjs's engine, which is what tf.profile() records.
  const profileNext = () =>
    trainer === "fused"
      ? profilePrograms(() => steps(1)).finally(() => t.takeLossSum())
      : profileStep(() => run(1));
  const profiled = profile ? await profileNext() : undefined;
  disposeParams(params);
  return {
    backend: tf.getBackend(),
    trainer,
    msPerIteration: ms,
    hostMsPerIteration,
    tokensPerSecond: config.batchSize * config.numSteps / (ms / 1000),
    lossSum,
    ...(profiled && { profile: profiled }),
  };
}
