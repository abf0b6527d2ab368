/**
 * The student contract of the autograder: one exported function per exercise, mirroring the
 * chapter's Python functions, on tfjs tensors where the chapter uses NDArrays.
 *
 * A submission is a TypeScript module that imports nothing but `@tensorflow/tfjs` and exports every
 * member of {@linkcode Submission}. The starter file (`deno task grade --init DIR`), the staff
 * solution (`staff_solution.ts`) and the fixtures' solutions are checked against this interface at
 * compile time (`test/grade_units_test.ts`); the grader checks the exports again at run time.
 *
 * The chapter's five building blocks ({@linkcode PRIMITIVES}) are exercises of their own and are
 * handed to `predictRnn` and `trainRnn`: the grader gives `trainRnn` the reference's version of each
 * primitive whose exercise the student failed, so that one bug costs points once.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";

/** In [12] `params = [W_xh, W_hh, b_h, W_hy, b_y]`, in that order. */
export type RnnParams = [
  wXh: tf.Tensor2D,
  wHh: tf.Tensor2D,
  bH: tf.Tensor1D,
  wHy: tf.Tensor2D,
  bY: tf.Tensor1D,
];

/** What the random sampler needs of Python's `random` module: an in-place `shuffle`. */
export interface Shuffler {
  /** Shuffles `x` in place, as CPython's `random.shuffle` does. */
  shuffle(x: number[]): void;
}

/** One minibatch `(data, label)`: two int32 tensors of shape batchSize × numSteps. */
export type TensorBatch = [data: tf.Tensor2D, label: tf.Tensor2D];

/** In [6] `data_iter_random(corpus_indices, batch_size, num_steps)`, one epoch per call. */
export type DataIterRandom = (
  corpusIndices: number[],
  batchSize: number,
  numSteps: number,
  rng: Shuffler,
) => Iterable<TensorBatch>;

/** In [8] `data_iter_consecutive(corpus_indices, batch_size, num_steps)`. */
export type DataIterConsecutive = (
  corpusIndices: number[],
  batchSize: number,
  numSteps: number,
) => Iterable<TensorBatch>;

/** In [11] `get_inputs(data)`: `numSteps` float32 one-hot matrices of batchSize × vocabSize. */
export type GetInputs = (data: tf.Tensor2D, vocabSize: number) => tf.Tensor2D[];

/** In [13] `rnn(inputs, state, *params)`: returns `[outputs, state]`. */
export type Rnn = (
  inputs: tf.Tensor2D[],
  state: tf.Tensor2D,
  params: RnnParams,
) => [outputs: tf.Tensor2D[], state: tf.Tensor2D];

/** In [16] `grad_clipping`: returns the gradients scaled by min(θ/‖g‖, 1), ‖g‖ over all of them. */
export type GradClipping = (grads: tf.Tensor[], theta: number) => tf.Tensor[];

/** In [15] `predict_rnn`: the prefix followed by greedy predictions, `len(prefix) + numChars + 1` characters. */
export type PredictRnn = (
  rnn: Rnn,
  prefix: string,
  numChars: number,
  params: RnnParams,
  hiddenDim: number,
  idxToChar: string[],
  charToIdx: Map<string, number>,
  getInputs: GetInputs,
) => string;

/** The chapter's perplexity: `exp` of the mean cross-entropy of the outputs against the labels. */
export type Perplexity = (outputs: tf.Tensor2D[], label: tf.Tensor2D) => number;

/** The hyperparameters of In [17] `train_and_predict_rnn`, and its data. */
export interface TrainRnnConfig {
  /** `is_random_iter`: the random sampler (state reset per batch) or the consecutive one (per epoch). */
  isRandomIter: boolean;
  /** How many epochs to train. */
  epochs: number;
  /** Characters per example. */
  numSteps: number;
  /** Length of the hidden state. */
  hiddenDim: number;
  /** SGD step size: `param = param - learningRate * grad`. */
  learningRate: number;
  /** θ of the gradient clipping. */
  clippingTheta: number;
  /** Examples per minibatch. */
  batchSize: number;
  /** Size of the one-hot vectors. */
  vocabSize: number;
  /** The training text as vocabulary indices. */
  corpusIndices: number[];
}

/** Everything a submission exports. */
export interface Submission {
  /** Exercise 1. */
  dataIterRandom: DataIterRandom;
  /** Exercise 2. */
  dataIterConsecutive: DataIterConsecutive;
  /** Exercise 3. */
  getInputs: GetInputs;
  /** Exercise 4. */
  rnn: Rnn;
  /** Exercise 5. */
  gradClipping: GradClipping;
  /** Exercise 6. */
  predictRnn: PredictRnn;
  /** Exercise 7. */
  perplexity: Perplexity;
  /** Exercise 8: the end-to-end training run. */
  trainRnn: TrainRnn;
}

/** The chapter's primitives: the exercises whose functions `predictRnn` and `trainRnn` build on. */
export const PRIMITIVES = [
  "dataIterRandom",
  "dataIterConsecutive",
  "getInputs",
  "rnn",
  "gradClipping",
] as const satisfies readonly (keyof Submission)[];

/** One primitive's name. */
export type Primitive = typeof PRIMITIVES[number];

/** The primitives as functions: a submission's own, or the reference's in their place. */
export type Primitives = Pick<Submission, Primitive>;

/** The exercises whose functions are handed primitives as arguments. */
export const TAKES_PRIMITIVES = ["predictRnn", "trainRnn"] as const satisfies readonly (
  keyof Submission
)[];

/** The exercise names, in grading order; each is an export of {@linkcode Submission}. */
export const EXERCISES = [
  ...PRIMITIVES,
  "predictRnn",
  "perplexity",
  "trainRnn",
] as const satisfies readonly (keyof Submission)[];

/** One exercise name. */
export type ExerciseName = typeof EXERCISES[number];

/**
 * What `train_and_predict_rnn` takes or calls, passed in so each can be swapped: the primitives,
 * fresh parameters, and the generator the random sampler shuffles with.
 */
export interface TrainParts extends Primitives {
  /** Fresh trainable parameters (`tf.Variable`s), the same initial values on every call. */
  getParams: () => RnnParams;
  /** The generator the random sampler shuffles with, one per run. */
  rng: Shuffler;
}

/**
 * In [17] `train_and_predict_rnn` without the printing: trains with the summed softmax
 * cross-entropy, clipping and SGD, and returns each epoch's perplexity `exp(train_loss / num_examples)`.
 */
export type TrainRnn = (config: TrainRnnConfig, parts: TrainParts) => number[];
