/**
 * The chapter's "训练模型" cell (In [17], `train_and_predict_rnn`): the training loop.
 *
 * For every minibatch: (re)initialise the hidden state as the sampler requires, run the RNN, take
 * the summed softmax cross-entropy, back-propagate, clip the gradients to norm θ, and take an SGD
 * step. Every `predPeriod` epochs, report the perplexity and the predictions from each prefix.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { dataIterConsecutive, dataIterRandom } from "../data/iterators.ts";
import type { Vocab } from "../data/vocab.ts";
import { initParams, paramList, type Params } from "../model/params.ts";
import { predictRnn } from "../model/predict.ts";
import { getInputs, initState, rnn } from "../model/rnn.ts";
import { PyRandom } from "../random/py_random.ts";
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
}

/** Callbacks for progress reporting; both optional. */
export interface TrainHooks {
  /** After each minibatch: the epoch, the batch just done (1-based) and the epoch's batch count. */
  onBatch?: (epoch: number, batch: number, epochSize: number) => void;
  /** After each epoch. */
  onEpoch?: (record: EpochRecord) => void;
}

/** The trained parameters and the perplexity curve. */
export interface TrainResult {
  /** The parameters after the last epoch (the caller disposes them). */
  params: Params;
  /** One record per epoch. */
  curve: EpochRecord[];
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
): { loss: tf.Scalar; state: tf.Tensor2D } {
  return tf.tidy(() => {
    const vars = paramList(params);
    let last!: tf.Tensor2D;
    const { value, grads } = tf.variableGrads(() => {
      const { outputs, state: h } = forward(params, state, data);
      last = tf.keep(h);
      return sequenceLoss(outputs, label);
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
}

/** Makes a trainer that updates `params` in place with `config`'s learning rate and θ. */
export type TrainerFactory = (params: Params, config: TrainConfig) => Trainer;

/**
 * A trainer that runs {@linkcode trainStep} with `forward`. The step losses stay on the device and
 * are read back once an epoch, summed in float64 in order (the chapter's
 * `train_loss += nd.sum(loss).asscalar()`).
 */
export function stepTrainer(forward: Forward): TrainerFactory {
  return (params, config) => {
    const losses: tf.Scalar[] = [];
    return {
      step(state, data, label) {
        const { loss, state: next } = trainStep(params, state, data, label, config, forward);
        losses.push(loss);
        return next;
      },
      async takeLossSum() {
        const values = await Promise.all(losses.map((l) => l.data()));
        tf.dispose(losses.splice(0));
        return values.reduce((sum, v) => sum + v[0], 0);
      },
    };
  };
}

/** The reference trainer: the chapter's forward pass, tfjs autograd op by op. */
export const referenceTrainer: TrainerFactory = stepTrainer(chapterForward);

/**
 * In [17] `train_and_predict_rnn`: trains from `config.seed` on `indices` and returns the curve.
 * `makeTrainer` computes the steps (the reference trainer by default).
 */
export async function trainAndPredictRnn(
  config: TrainConfig,
  indices: readonly number[],
  vocab: Vocab,
  hooks: TrainHooks = {},
  makeTrainer: TrainerFactory = referenceTrainer,
): Promise<TrainResult> {
  const { batchSize, numSteps, hidden } = config;
  const rng = new PyRandom(config.seed); // one generator for the whole run: one shuffle per epoch
  const params = initParams(vocab.idxToChar.length, hidden, config.seed);
  const trainer = makeTrainer(params, config);
  const curve: EpochRecord[] = [];
  for (let e = 1; e <= config.epochs; e++) {
    const start = performance.now();
    const batches = config.iter === "random"
      ? [...dataIterRandom(indices, batchSize, numSteps, rng)]
      : [...dataIterConsecutive(indices, batchSize, numSteps)];
    // Consecutive: the state is initialised once per epoch and carried from batch to batch.
    let state = initState(batchSize, hidden);
    for (const [b, { data, label }] of batches.entries()) {
      if (config.iter === "random") { // random: a fresh state before every minibatch
        state.dispose();
        state = initState(batchSize, hidden);
      }
      const next = trainer.step(state, data, label);
      state.dispose();
      state = next;
      hooks.onBatch?.(e, b + 1, batches.length);
    }
    state.dispose();
    const numExamples = batches.length * batchSize * numSteps; // loss.size, summed over the epoch
    const record: EpochRecord = {
      epoch: e,
      perplexity: perplexity(await trainer.takeLossSum(), numExamples),
      seconds: 0,
    };
    if (e % config.predPeriod === 0) {
      record.predictions = [];
      for (const p of config.prefixes) {
        record.predictions.push(await predictRnn(p, config.predLen, params, vocab));
      }
    }
    record.seconds = (performance.now() - start) / 1000;
    curve.push(record);
    hooks.onEpoch?.(record);
  }
  return { params, curve };
}
