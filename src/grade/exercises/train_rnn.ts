/**
 * Exercise 8, In [17] `train_and_predict_rnn`: two epochs of training end to end, with the
 * student's own primitives except those whose exercise failed (see `grader.ts`).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { Value } from "../codec.ts";
import type { RnnParams, TrainRnnConfig } from "../contract.ts";
import { buildVocab, encode } from "../../data/vocab.ts";
import { PyRandom } from "../../random/py_random.ts";
import * as staff from "../staff_solution.ts";
import { type Exercise, hiddenCase, publicCase } from "./exercise.ts";
import { argsOf, params } from "./values.ts";

/** The arguments of a case: the config, initial parameters, the sampler's seed. */
function trainArgs(chars: string[], isRandomIter: boolean): Record<string, Value> {
  const vocab = buildVocab(chars);
  const config: Omit<TrainRnnConfig, "corpusIndices"> = {
    isRandomIter,
    epochs: 2,
    numSteps: 6,
    hiddenDim: 16,
    learningRate: 0.2,
    clippingTheta: 5,
    batchSize: 4,
    vocabSize: vocab.idxToChar.length,
  };
  return {
    ...config,
    corpusIndices: encode(chars, vocab),
    params: params({
      seed: 71,
      vocab: config.vocabSize,
      hiddenDim: config.hiddenDim,
      scale: 0.01,
      biasScale: 0,
    }),
    seed: 72,
  };
}

/** The exercise, trained on the first 600 characters of `chars` (the chapter's corpus). */
export function trainRnnExercise(chars: string[]): Exercise {
  const text = chars.slice(0, 600);
  return {
    name: "trainRnn",
    title: "In [17] train_and_predict_rnn",
    points: 20,
    timeoutS: 120,
    tolerance: { rtol: 1e-3, atol: 0 },
    hint:
      "In [17]: a zero state before every batch with the random sampler, once per epoch with the " +
      "consecutive one; the gradient is that of the summed cross-entropy (loss.backward() on the " +
      "per-character losses); clip, then param = param - lr * grad; perplexity = exp(total loss / " +
      "number of characters). Use the functions in parts.",
    place: (path) =>
      path.length === 0 ? "the per-epoch perplexities" : `epoch ${path[0] + 1} perplexity`,
    cases: [
      publicCase("2 epochs on lyrics[0:600] with random sampling", trainArgs(text, true)),
      hiddenCase("2 epochs on lyrics[0:600] with consecutive sampling", trainArgs(text, false)),
    ],
    expected: (c) => {
      const { params: initial, seed, ...config } = argsOf<
        TrainRnnConfig & { params: tf.Tensor[]; seed: number }
      >(c);
      return staff.trainRnn(config, {
        ...staff,
        getParams: () => initial.map((p) => tf.variable(p.clone())) as unknown as RnnParams,
        rng: new PyRandom(seed),
      });
    },
  };
}
