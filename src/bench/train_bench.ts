/**
 * Timing training steps: a trainer on a backend, for a fixed number of minibatches of the random
 * sampler after a warm-up, finished by the epoch's one read-back (so GPU work is counted); and,
 * when asked, one more step profiled ({@linkcode profileStep}; the fused trainer's kernels, which
 * tfjs's engine does not see, by {@linkcode profilePrograms}).
 *
 * Where the time goes: the very first step (compiling pipelines, warming caches) is timed apart,
 * with its read-back; then each timed step's time on the host (all of a step on wasm and cpu; on
 * webgpu, recording and submitting its GPU work) and the time spent waiting for the read-backs
 * (on webgpu, for the GPU to finish).
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
import { threadedProducts } from "../train/wasm_kernels.ts";
import { type TrainerName, TRAINERS } from "../train/trainers.ts";
import { type KernelProfile, profilePrograms, profileStep } from "./profile.ts";

/** One measured trainer on one backend. */
export interface StepTiming {
  /** The tfjs backend. */
  backend: string;
  /** The trainer. */
  trainer: TrainerName;
  /** On wasm, the threads of its large products. */
  threads?: number;
  /** Milliseconds per minibatch (forward, backward, clipping, SGD). */
  msPerIteration: number;
  /**
   * Each timed step's milliseconds inside the trainer's `step()` on the host: all of the step on
   * wasm and cpu, whose kernels run as they are called; on webgpu, the time to record and submit
   * the GPU's work, which a GPU runs meanwhile (a software adapter runs it as it is submitted).
   * Near `msPerIteration` on a GPU, the host is what limits the step.
   */
  hostMs: number[];
  /** Milliseconds per timed step spent waiting for the epochs' read-backs (the GPU's work). */
  readbackMsPerIteration: number;
  /** The very first step, with its read-back: pipelines compiled, caches warmed. */
  firstStepMs: number;
  /** Characters trained on per second (batch × steps per iteration). */
  tokensPerSecond: number;
  /** The summed loss of the timed steps (to compare trainers on the same batches). */
  lossSum: number;
  /** Where the time of one more step went, when profiling was asked for. */
  profile?: KernelProfile;
  /** Why that step could not be profiled (an adapter without timestamp queries). */
  profileUnavailable?: string;
  /** On wasm with several threads: the share of the timed steps' product tiles the workers ran. */
  workerShare?: number;
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
 * Times `iters` steps of `trainer` on the active backend after its first step and `warmup` more;
 * with `profile`, profiles the next minibatch's step after them.
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
  let hostMs: number[] = [], readbackMs = 0;
  /** Records `count` steps (their GPU work, if any, still running at the end). */
  const steps = (count: number) => {
    for (let i = 0; i < count; i++) {
      const { data: x, label } = batches.next().value!;
      const state = initState(config.batchSize, config.hidden);
      const start = performance.now();
      t.step(state, x, label).dispose();
      hostMs.push(performance.now() - start);
      state.dispose();
    }
  };
  /** Runs `count` steps and returns their summed loss, read back every epoch. */
  const run = async (count: number) => {
    let lossSum = 0;
    for (let done = 0; done < count; done += epochSize) {
      steps(Math.min(epochSize, count - done));
      const start = performance.now();
      lossSum += await t.takeLossSum();
      readbackMs += performance.now() - start;
    }
    return lossSum;
  };
  const first = performance.now();
  await run(1);
  const firstStepMs = performance.now() - first;
  await run(warmup);
  [hostMs, readbackMs] = [[], 0];
  const tileCounts = () => threadedProducts()?.tileCounts() ?? { tiles: 0, here: 0 };
  const tilesBefore = tileCounts();
  const start = performance.now();
  const lossSum = await run(iters);
  const ms = (performance.now() - start) / iters;
  const tiles = tileCounts().tiles - tilesBefore.tiles;
  const workerShare = 1 - (tileCounts().here - tilesBefore.here) / tiles;
  // The fused trainer's kernels bypass tfjs's engine, which is what tf.profile() records.
  const profileNext = () =>
    trainer === "fused"
      ? profilePrograms(() => steps(1)).finally(() => t.takeLossSum())
      : profileStep(() => run(1));
  const profiled = profile
    ? await profileNext().catch((err: Error) => ({ unavailable: err.message }))
    : undefined;
  disposeParams(params);
  return {
    backend: tf.getBackend(),
    trainer,
    ...(tf.getBackend() === "wasm" && { threads: threadedProducts()?.threads() ?? 1 }),
    msPerIteration: ms,
    hostMs,
    readbackMsPerIteration: readbackMs / iters,
    firstStepMs,
    tokensPerSecond: config.batchSize * config.numSteps / (ms / 1000),
    lossSum,
    ...(profiled &&
      ("unavailable" in profiled
        ? { profileUnavailable: profiled.unavailable }
        : { profile: profiled })),
    ...(tiles > 0 && { workerShare }),
  };
}
