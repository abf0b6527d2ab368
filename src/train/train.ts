/**
 * The chapter's "训练模型" cell (In [17], `train_and_predict_rnn`): the training loop.
 *
 * For every minibatch: (re)initialise the hidden state as the sampler requires (or as
 * `config.stateInit` asks: the chapter's second exercise), run the RNN, take the summed softmax
 * cross-entropy, back-propagate, clip the gradients to norm θ, and take an SGD step. Every `predPeriod` epochs, report the perplexity and the predictions from each prefix.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { dataIterConsecutive, dataIterRandom } from "../data/iterators.ts";
import type { Vocab } from "../data/vocab.ts";
import {
  initParams,
  type ParamArrays,
  paramList,
  type Params,
  paramsFinite,
  paramsFromArrays,
  paramsToArrays,
} from "../model/params.ts";
import { predictRnnBatch } from "../model/predict.ts";
import { getInputs, initState, rnn } from "../model/rnn.ts";
import { PyRandom, type PyRandomState } from "../random/py_random.ts";
import { stateInitOf } from "../chapter/chapter.ts";
import type { TrainConfig } from "./config.ts";
import { perplexity, sequenceLoss } from "./loss.ts";
import { gradClipping, sgd } from "./sgd.ts";

/** What one epoch produced. */
export interface EpochRecord {
  /** 1-based epoch number. */
  epoch: number;
  /** `exp(train_loss / num_examples)` over the epoch. */
  perplexity: number;
  /** Wall-clock seconds the epoch took (predictions included). */
  seconds: number;
  /** The predictions from each prefix, on the epochs that are a multiple of `predPeriod`. */
  predictions?: string[];
  /** Of `seconds`, those the predictions took, on the epochs that have them. */
  predictionSeconds?: number;
}

/** Where training starts when it does not start from the seed: what a checkpoint holds. */
export interface TrainStart {
  /** The epochs already done. */
  epochsDone: number;
  /** The parameters after them. */
  params: ParamArrays;
  /** The random sampler's generator after them; `null` for the consecutive sampler. */
  sampler: PyRandomState | null;
}

/** The state after an epoch: everything the next epoch depends on, as plain values. */
export interface EpochState {
  /** The parameters, read back from the device. */
  params: ParamArrays;
  /**
   * The random sampler's generator (one shuffle per epoch so far); `null` for the consecutive
   * sampler, which starts every epoch afresh and carries nothing into the next.
   */
  sampler: PyRandomState | null;
}

/** Callbacks for progress reporting and checkpoints, and a way to stop; all optional. */
export interface TrainHooks {
  /** After each minibatch: the epoch, the batch just done (1-based) and the epoch's batch count. */
  onBatch?: (epoch: number, batch: number, epochSize: number) => void;
  /** After each epoch; a promise it returns is awaited before the next epoch starts. */
  onEpoch?: (record: EpochRecord, state: EpochState) => unknown;
  /** Continue from a checkpoint instead of starting from `config.seed`. */
  start?: TrainStart;
  /** Once aborted, training stops at the next step boundary; the epoch under way is dropped. */
  signal?: AbortSignal;
}

/** How training ended. */
export type TrainEnd =
  | { status: "complete" }
  | {
    status: "interrupted";
    /** The epoch under way, whose steps so far are dropped. */
    epoch: number;
    /** How many of its batches were done. */
    batch: number;
  }
  | {
    status: "diverged";
    /** The epoch in which a loss or a parameter stopped being finite. */
    epoch: number;
    /** What was found, e.g. `the loss of batch 2 is not finite`. */
    reason: string;
  };

/** The trained parameters and the perplexity curve. */
export interface TrainResult {
  /** The parameters after the last epoch (the caller disposes them). */
  params: Params;
  /** One record per epoch finished in this call. */
  curve: EpochRecord[];
  /** Whether every epoch ran, or why training stopped. */
  end: TrainEnd;
}

/**
 * A forward pass over one minibatch: the outputs of every step, in the loss's row order
 * (t·batch + b), and the last hidden state.
 */
export type Forward = (
  params: Params,
  state: tf.Tensor2D,
  data: number[][],
) => { outputs: tf.Tensor2D[]; state: tf.Tensor2D };

/** The summed loss of a {@linkcode Forward}'s outputs against the labels (as `sequenceLoss`). */
export type Loss = (outputs: tf.Tensor2D[], label: number[][]) => tf.Scalar;

/** The chapter's forward pass: In [11] `get_inputs`, then In [13] `rnn`. */
export const chapterForward: Forward = (params, state, data) =>
  rnn(getInputs(data, params.wXh.shape[0]), state, params);

/**
 * One minibatch (the body of the chapter's inner loop): forward, summed loss, backward, clip, SGD.
 * Returns the loss and the last hidden state, kept for the consecutive sampler (it is not part of
 * any gradient, i.e. detached).
 */
export function trainStep(
  params: Params,
  state: tf.Tensor2D,
  data: number[][],
  label: number[][],
  config: Pick<TrainConfig, "lr" | "theta">,
  forward: Forward = chapterForward,
  loss: Loss = sequenceLoss,
): { loss: tf.Scalar; state: tf.Tensor2D } {
  return tf.tidy(() => {
    const vars = paramList(params);
    let last!: tf.Tensor2D;
    const { value, grads } = tf.variableGrads(() => {
      const { outputs, state: h } = forward(params, state, data);
      last = tf.keep(h);
      return loss(outputs, label);
    }, vars);
    const clipped = gradClipping(vars.map((v) => grads[v.name]), config.theta);
    sgd(vars, clipped.grads, config.lr);
    return { loss: value, state: last };
  });
}

/**
 * What performs the minibatch steps of a run. The loop below owns the data, the state resets and
 * the reporting; a trainer owns how one step is computed, so a faster trainer (fused GPU kernels,
 * say) can replace the reference one without touching the chapter's loop.
 */
export interface Trainer {
  /** One minibatch from `state` (which the trainer does not dispose); returns the state to carry. */
  step(state: tf.Tensor2D, data: number[][], label: number[][]): tf.Tensor2D;
  /** The summed loss of the steps since the last call (read back once, at the end of an epoch). */
  takeLossSum(): Promise<number>;
  /**
   * Whether the last step's loss is finite, for trainers that can tell without waiting on the
   * device; the others are checked at the end of each epoch only.
   */
  lastLossFinite?(): boolean;
  /**
   * The predictions from each prefix with the parameters as they are, for trainers with a faster
   * way than {@linkcode predictRnnBatch}, which the others use: the same text.
   */
  predict?(prefixes: readonly string[], numChars: number, vocab: Vocab): Promise<string[]>;
}

/** Makes a trainer that updates `params` in place with `config`'s learning rate and θ. */
export type TrainerFactory = (params: Params, config: TrainConfig) => Trainer;

/**
 * A trainer that runs {@linkcode trainStep} with `forward` and `loss`. The step losses stay on the
 * device and are read back once an epoch, summed in float64 in order (the chapter's
 * `train_loss += nd.sum(loss).asscalar()`).
 */
export function stepTrainer(forward: Forward, loss: Loss = sequenceLoss): TrainerFactory {
  return (params, config) => {
    const losses: tf.Scalar[] = [];
    return {
      step(state, data, label) {
        const step = trainStep(params, state, data, label, config, forward, loss);
        losses.push(step.loss);
        return step.state;
      },
      async takeLossSum() {
        const values = await Promise.all(losses.map((l) => l.data()));
        tf.dispose(losses.splice(0));
        return values.reduce((sum, v) => sum + v[0], 0);
      },
      // cpu and wasm compute a step as it is called, so its loss is there to read for free; on
      // webgpu, reading it would wait for the GPU at every step.
      ...(tf.getBackend() !== "webgpu" && {
        lastLossFinite: () => Number.isFinite(losses[losses.length - 1].dataSync()[0]),
      }),
    };
  };
}

/** The reference trainer: the chapter's forward pass, tfjs autograd op by op. */
export const referenceTrainer: TrainerFactory = stepTrainer(chapterForward);

/** Lets signal handlers run (they wait for the event loop) at most every 200 ms; ~2 ms each. */
function eventLoopBreaks(): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < 200) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    last = performance.now();
  };
}

/**
 * In [17] `train_and_predict_rnn`: trains from `config.seed` (or from `hooks.start`) on `indices`
 * and returns the curve. `makeTrainer` computes the steps (the reference trainer by default).
 *
 * Training stops early when `hooks.signal` is aborted (at a step boundary) or when a loss or a
 * parameter is not finite (after the step, where the trainer can tell at once, else at the end of
 * the epoch); `end` says which.
 */
export async function trainAndPredictRnn(
  config: TrainConfig,
  indices: readonly number[],
  vocab: Vocab,
  hooks: TrainHooks = {},
  makeTrainer: TrainerFactory = referenceTrainer,
): Promise<TrainResult> {
  const { batchSize, numSteps, hidden } = config;
  const { start, signal } = hooks;
  const perBatch = stateInitOf(config) === "batch";
  const rng = new PyRandom(config.seed); // one generator for the whole run: one shuffle per epoch
  if (start?.sampler) rng.setState(start.sampler);
  const params = start
    ? paramsFromArrays(start.params)
    : initParams(vocab.idxToChar.length, hidden, config.seed);
  const trainer = makeTrainer(params, config);
  const curve: EpochRecord[] = [];
  const pause = eventLoopBreaks();
  /** Ends training early: the state and the losses of the epoch under way are dropped. */
  const stop = async (state: tf.Tensor, end: TrainEnd): Promise<TrainResult> => {
    state.dispose();
    await trainer.takeLossSum();
    return { params, curve, end };
  };
  for (let e = (start?.epochsDone ?? 0) + 1; e <= config.epochs; e++) {
    const began = performance.now();
    const batches = config.iter === "random"
      ? [...dataIterRandom(indices, batchSize, numSteps, rng)]
      : [...dataIterConsecutive(indices, batchSize, numSteps)];
    // The state is initialised at the start of each epoch (and carried, detached, from batch to
    // batch: the consecutive sampler's way), or again before every minibatch (the random one's).
    let state = initState(batchSize, hidden);
    for (const [b, { data, label }] of batches.entries()) {
      if (signal) await pause();
      if (signal?.aborted) return stop(state, { status: "interrupted", epoch: e, batch: b });
      if (perBatch && b > 0) {
        state.dispose();
        state = initState(batchSize, hidden);
      }
      const next = trainer.step(state, data, label);
      state.dispose();
      state = next;
      if (trainer.lastLossFinite?.() === false) {
        const reason = `the loss of batch ${b + 1} is not finite`;
        return stop(state, { status: "diverged", epoch: e, reason });
      }
      hooks.onBatch?.(e, b + 1, batches.length);
    }
    state.dispose();
    const numExamples = batches.length * batchSize * numSteps; // loss.size, summed over the epoch
    const record: EpochRecord = {
      epoch: e,
      perplexity: perplexity(await trainer.takeLossSum(), numExamples),
      seconds: 0,
    };
    const arrays = await paramsToArrays(params);
    if (!Number.isFinite(record.perplexity) || !paramsFinite(arrays)) {
      const what = Number.isFinite(record.perplexity) ? "a parameter" : "the perplexity";
      return {
        params,
        curve,
        end: { status: "diverged", epoch: e, reason: `${what} is not finite` },
      };
    }
    if (e % config.predPeriod === 0) {
      const predicting = performance.now();
      record.predictions = trainer.predict
        ? await trainer.predict(config.prefixes, config.predLen, vocab)
        : await predictRnnBatch(config.prefixes, config.predLen, params, vocab);
      record.predictionSeconds = (performance.now() - predicting) / 1000;
    }
    record.seconds = (performance.now() - began) / 1000;
    curve.push(record);
    await hooks.onEpoch?.(record, {
      params: arrays,
      sampler: config.iter === "random" ? rng.getState() : null,
    });
  }
  return { params, curve, end: { status: "complete" } };
}
