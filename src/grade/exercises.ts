/**
 * The eight exercises: their points, time limits, tolerances, hints and seeded cases, and the
 * expected answers, which the grader computes in its own process (the samplers with the project's
 * `src/data/iterators.ts`, everything else with the staff solution `fixtures/solutions/reference.ts`).
 * The child is sent the cases' arguments, never an expected answer.
 *
 * Every case is built from fixed seeds, so grading is reproducible. Public cases are shown to
 * students at once; hidden ones (the edge cases: batch 1, a corpus that leaves a remainder, a
 * gradient norm exactly at θ, ...) count the same but are shown only after grades are published.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import * as reference from "../../fixtures/solutions/reference.ts";
import { dataIterConsecutive, dataIterRandom } from "../data/iterators.ts";
import { buildVocab, encode } from "../data/vocab.ts";
import { NumpyRandomState } from "../random/numpy_random.ts";
import { PyRandom } from "../random/py_random.ts";
import { decodeValue, encodeJson, type TensorValue, toTensors, type Value } from "./codec.ts";
import type { PlaceNamer, Tolerance } from "./compare.ts";
import type { ExerciseName, RnnParams, TrainRnnConfig } from "./contract.ts";

/** One case: its arguments (sent to the child) and whether students see it before publication. */
export interface Case {
  /** What the case is about, shown in the feedback. */
  name: string;
  /** Hidden cases are shown only after grades are published. */
  hidden: boolean;
  /** The arguments, by name (see `CALLS` in `child.ts` for how they are passed). */
  args: Record<string, Value>;
}

/** An exercise as the grader runs it. */
export interface Exercise {
  /** The export of the submission it grades. */
  name: ExerciseName;
  /** The chapter's cell it comes from. */
  title: string;
  /** Its points, shared equally by its cases. */
  points: number;
  /** Time limit of its child process, in seconds. */
  timeoutS: number;
  /** Float tolerance of its checks; `null`: exact. */
  tolerance: Tolerance | null;
  /** What to re-read in the chapter when a case fails. */
  hint: string;
  /** Names places in its results for the feedback. */
  place: PlaceNamer;
  /** Its cases, public first. */
  cases: Case[];
  /** The expected value of a case, computed in the grader's process. */
  expected(c: Case): Value;
}

/** The chapter's training text, as the end-to-end and sampler cases use it. */
export interface ChapterText {
  /** The prepared corpus characters (`corpus_chars[0:20000]`, newlines as spaces). */
  chars: string[];
}

const FLOAT: Tolerance = { rtol: 1e-4, atol: 1e-5 };

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function tensor(dtype: string, shape: number[], data: ArrayLike<number>): TensorValue {
  return { kind: "tensor", dtype, shape, data: Array.from(data) };
}

/** `size` float32 draws of `normal(0, scale)` from `NumpyRandomState(seed)`'s stream `state`. */
function normal(state: NumpyRandomState, shape: number[], scale: number): TensorValue {
  const size = shape.reduce((a, b) => a * b, 1);
  return tensor("float32", shape, Array.from(state.normal(0, scale, size), Math.fround));
}

/** Parameters `[W_xh, W_hh, b_h, W_hy, b_y]`, drawn in that order; biases too when `biasScale > 0`. */
function params(
  seed: number,
  vocab: number,
  hidden: number,
  scale: number,
  biasScale = scale,
): Value[] {
  const state = new NumpyRandomState(seed);
  const bias = (n: number) =>
    biasScale > 0 ? normal(state, [n], biasScale) : tensor("float32", [n], new Array(n).fill(0));
  const wXh = normal(state, [vocab, hidden], scale);
  const wHh = normal(state, [hidden, hidden], scale);
  const bH = bias(hidden);
  const wHy = normal(state, [hidden, vocab], scale);
  return [wXh, wHh, bH, wHy, bias(vocab)];
}

function indices(seed: number, rows: number, cols: number, below: number): TensorValue {
  const rng = new PyRandom(seed);
  return tensor("int32", [rows, cols], range(rows * cols).map(() => rng.randbelow(below)));
}

function oneHots(data: TensorValue, vocab: number): TensorValue[] {
  const [rows, cols] = data.shape;
  return range(cols).map((t) =>
    tensor(
      "float32",
      [rows, vocab],
      range(rows * vocab).map((k) =>
        data.data[Math.floor(k / vocab) * cols + t] === k % vocab ? 1 : 0
      ),
    )
  );
}

/** The reference's output in the form a submission's output arrives in (through the same codec). */
function asReceived(x: unknown): Value {
  return decodeValue(JSON.parse(encodeJson(x)));
}

function args<T>(c: Case): T {
  return Object.fromEntries(Object.entries(c.args).map(([k, v]) => [k, toTensors(v)])) as T;
}

function batchesAsTensors(batches: Iterable<{ data: number[][]; label: number[][] }>): Value {
  return Array.from(batches, ({ data, label }) => [
    tensor("int32", [data.length, data[0].length], data.flat()),
    tensor("int32", [label.length, label[0].length], label.flat()),
  ]);
}

const publicCase = (name: string, a: Record<string, Value>): Case => ({
  name,
  hidden: false,
  args: a,
});
const hiddenCase = (name: string, a: Record<string, Value>): Case => ({
  name,
  hidden: true,
  args: a,
});

/** The exercises in grading order, with their cases over the chapter's text. */
export function buildExercises(text: ChapterText): Exercise[] {
  const corpus = encode(text.chars, buildVocab(text.chars));
  const lyrics = (n: number) => corpus.slice(0, n);

  const samplerPlace = (path: number[]) =>
    path.length === 0
      ? "the batches"
      : `batch ${path[0] + 1}` + (path.length > 1 ? `, ${path[1] === 0 ? "data" : "label"}` : "");

  const dataIterRandomEx: Exercise = {
    name: "dataIterRandom",
    title: "In [6] data_iter_random",
    points: 10,
    timeoutS: 30,
    tolerance: null,
    hint:
      "In [6]: num_examples = (len(corpus_indices) - 1) // num_steps (the -1 leaves room for the " +
      "label), epoch_size = num_examples // batch_size; shuffle the list of example indices with " +
      "rng.shuffle once per call, then take batch_size of them per batch; example j starts at " +
      "j * num_steps and its label one character later. Yield int32 tensors.",
    place: (path) =>
      path.length === 0 ? "the epochs" : `epoch ${path[0] + 1}, ${samplerPlace(path.slice(1))}`,
    cases: [
      publicCase("the chapter's In [7]: 0..29, batch 2, steps 3", {
        corpusIndices: range(30),
        batchSize: 2,
        numSteps: 3,
        seed: 20030,
        epochs: 1,
      }),
      publicCase("lyrics[0:200], batch 4, steps 7, two epochs from one generator", {
        corpusIndices: lyrics(200),
        batchSize: 4,
        numSteps: 7,
        seed: 1,
        epochs: 2,
      }),
      hiddenCase("batch 1: 0..49, steps 6, two epochs", {
        corpusIndices: range(50),
        batchSize: 1,
        numSteps: 6,
        seed: 7,
        epochs: 2,
      }),
      hiddenCase("a corpus that leaves a remainder: 0..102, batch 3, steps 5", {
        corpusIndices: range(103),
        batchSize: 3,
        numSteps: 5,
        seed: 11,
        epochs: 1,
      }),
      hiddenCase("steps 1: lyrics[0:40], batch 5", {
        corpusIndices: lyrics(40),
        batchSize: 5,
        numSteps: 1,
        seed: 3,
        epochs: 1,
      }),
    ],
    expected: (c) => {
      const a = args<
        {
          corpusIndices: number[];
          batchSize: number;
          numSteps: number;
          seed: number;
          epochs: number;
        }
      >(c);
      const rng = new PyRandom(a.seed);
      return range(a.epochs).map(() =>
        batchesAsTensors(dataIterRandom(a.corpusIndices, a.batchSize, a.numSteps, rng))
      );
    },
  };

  const dataIterConsecutiveEx: Exercise = {
    name: "dataIterConsecutive",
    title: "In [8] data_iter_consecutive",
    points: 10,
    timeoutS: 30,
    tolerance: null,
    hint:
      "In [8]: batch_len = len(corpus_indices) // batch_size; lay corpus_indices[:batch_size * " +
      "batch_len] out as batch_size rows; epoch_size = (batch_len - 1) // num_steps; batch i is " +
      "columns [i * num_steps, (i + 1) * num_steps) and its label the same columns plus one. " +
      "Yield int32 tensors.",
    place: samplerPlace,
    cases: [
      publicCase("the chapter's In [9]: 0..29, batch 2, steps 3", {
        corpusIndices: range(30),
        batchSize: 2,
        numSteps: 3,
      }),
      publicCase("lyrics[0:300], batch 4, steps 7", {
        corpusIndices: lyrics(300),
        batchSize: 4,
        numSteps: 7,
      }),
      hiddenCase("batch 1: 0..39, steps 6", {
        corpusIndices: range(40),
        batchSize: 1,
        numSteps: 6,
      }),
      hiddenCase("a corpus that leaves a remainder: 0..102, batch 3, steps 5", {
        corpusIndices: range(103),
        batchSize: 3,
        numSteps: 5,
      }),
      hiddenCase("labels that reach the end of each row: 0..31, batch 2, steps 5", {
        corpusIndices: range(32),
        batchSize: 2,
        numSteps: 5,
      }),
    ],
    expected: (c) => {
      const a = args<{ corpusIndices: number[]; batchSize: number; numSteps: number }>(c);
      return batchesAsTensors(dataIterConsecutive(a.corpusIndices, a.batchSize, a.numSteps));
    },
  };

  const getInputsEx: Exercise = {
    name: "getInputs",
    title: "In [11] get_inputs",
    points: 10,
    timeoutS: 30,
    tolerance: null,
    hint:
      "In [11]: one one-hot matrix per time step, i.e. per column of data (iterate over data.T): " +
      "num_steps float32 tensors of batch_size × vocab_size.",
    place: (path) => path.length === 0 ? "the list of inputs" : `inputs[${path[0]}]`,
    cases: [
      publicCase("the chapter's toy batch [[0, 1, 2], [15, 16, 17]], vocab 30", {
        data: tensor("int32", [2, 3], [0, 1, 2, 15, 16, 17]),
        vocabSize: 30,
      }),
      publicCase("batch 3, steps 4, vocab 10", { data: indices(21, 3, 4, 10), vocabSize: 10 }),
      hiddenCase("batch 1, steps 5, vocab 7", { data: indices(22, 1, 5, 7), vocabSize: 7 }),
      hiddenCase("steps 1, batch 4, vocab 5", { data: indices(23, 4, 1, 5), vocabSize: 5 }),
      hiddenCase("the chapter's vocabulary of 1465, batch 2, steps 3", {
        data: tensor("int32", [2, 3], [0, 1464, 885, 594, 1099, 279]),
        vocabSize: 1465,
      }),
    ],
    expected: (c) => {
      const a = args<{ data: tf.Tensor2D; vocabSize: number }>(c);
      return asReceived(reference.getInputs(a.data, a.vocabSize));
    },
  };

  const rnnCase = (
    make: typeof publicCase,
    name: string,
    seed: number,
    b: number,
    t: number,
    v: number,
    h: number,
    zeroState: boolean,
  ) => {
    const state = new NumpyRandomState(seed + 1000);
    return make(name, {
      inputs: oneHots(indices(seed, b, t, v), v),
      state: zeroState
        ? tensor("float32", [b, h], new Array(b * h).fill(0))
        : normal(state, [b, h], 0.5),
      params: params(seed, v, h, 0.5),
    });
  };
  const rnnEx: Exercise = {
    name: "rnn",
    title: "In [13] rnn",
    points: 15,
    timeoutS: 30,
    tolerance: FLOAT,
    hint: "In [13]: start from the given state; at each step H = tanh(X W_xh + H W_hh + b_h) and " +
      "Y = H W_hy + b_y; return [outputs (one per step), the last H].",
    place: (path) =>
      path.length === 0
        ? "the returned [outputs, state]"
        : path[0] === 1
        ? "state"
        : path.length === 1
        ? "outputs"
        : `outputs[${path[1]}]`,
    cases: [
      rnnCase(publicCase, "batch 2, steps 3, vocab 5, hidden 4, zero state", 31, 2, 3, 5, 4, true),
      rnnCase(
        publicCase,
        "batch 3, steps 4, vocab 8, hidden 6, a given state",
        32,
        3,
        4,
        8,
        6,
        false,
      ),
      rnnCase(hiddenCase, "batch 1, steps 5", 33, 1, 5, 6, 3, false),
      rnnCase(hiddenCase, "steps 1", 34, 2, 1, 5, 4, false),
      rnnCase(hiddenCase, "vocab 30, hidden 16, batch 4, steps 6", 35, 4, 6, 30, 16, false),
    ],
    expected: (c) => {
      const a = args<{ inputs: tf.Tensor2D[]; state: tf.Tensor2D; params: RnnParams }>(c);
      return asReceived(reference.rnn(a.inputs, a.state, a.params));
    },
  };

  const grads = (seed: number, scale: number) => params(seed, 6, 4, scale);
  const gradClippingEx: Exercise = {
    name: "gradClipping",
    title: "In [16] grad_clipping",
    points: 10,
    timeoutS: 30,
    tolerance: FLOAT,
    hint:
      "In [16]: the norm is over all the gradients together, the square root of the sum of every " +
      "squared element; scale every gradient by θ / norm only when norm > θ, else return them unchanged.",
    place: (path) => path.length === 0 ? "the list of gradients" : `grads[${path[0]}]`,
    cases: [
      publicCase("global norm above θ: the five gradients of a model, θ = 1", {
        grads: grads(41, 1),
        theta: 1,
      }),
      publicCase("global norm below θ: unchanged, θ = 100", { grads: grads(42, 0.5), theta: 100 }),
      hiddenCase("norm exactly θ: [[3, 0]] and [4], θ = 5", {
        grads: [tensor("float32", [1, 2], [3, 0]), tensor("float32", [2], [4, 0])],
        theta: 5,
      }),
      hiddenCase("a single gradient, θ = 0.5", {
        grads: [normal(new NumpyRandomState(43), [3, 3], 1)],
        theta: 0.5,
      }),
      hiddenCase("the chapter's θ = 5 with large gradients", { grads: grads(44, 3), theta: 5 }),
    ],
    expected: (c) => {
      const a = args<{ grads: tf.Tensor[]; theta: number }>(c);
      return asReceived(reference.gradClipping(a.grads, a.theta));
    },
  };

  const predictChars = buildVocab(Array.from("分开不战争中部队我想你的爱abc ")).idxToChar;
  const predictCase = (
    make: typeof publicCase,
    name: string,
    seed: number,
    prefix: string,
    numChars: number,
  ) =>
    make(name, {
      prefix,
      numChars,
      params: params(seed, predictChars.length, 8, 1),
      hiddenDim: 8,
      idxToChar: predictChars,
    });
  const predictRnnEx: Exercise = {
    name: "predictRnn",
    title: "In [15] predict_rnn",
    points: 15,
    timeoutS: 30,
    tolerance: null,
    hint: "In [15]: lower-case the prefix; start from a zero state of 1 × hidden_dim; loop " +
      "num_chars + len(prefix) times, feeding the prefix's next character while still inside it, " +
      "then the argmax of the output; the result has len(prefix) + num_chars + 1 characters. " +
      "Call the rnn and get_inputs you are given.",
    place: () => "the prediction",
    cases: [
      predictCase(publicCase, "prefix 分开, 10 characters", 51, "分开", 10),
      predictCase(publicCase, "prefix 不分开, 5 characters", 52, "不分开", 5),
      predictCase(hiddenCase, "a one-character prefix 我, 8 characters", 53, "我", 8),
      predictCase(hiddenCase, "num_chars 0: prefix 战争中部队", 54, "战争中部队", 0),
      predictCase(
        hiddenCase,
        "an upper-case prefix AB (lower-cased first), 6 characters",
        55,
        "AB",
        6,
      ),
    ],
    expected: (c) => {
      const a = args<
        {
          prefix: string;
          numChars: number;
          params: RnnParams;
          hiddenDim: number;
          idxToChar: string[];
        }
      >(c);
      const charToIdx = new Map(a.idxToChar.map((ch, i) => [ch, i]));
      return reference.predictRnn(
        reference.rnn,
        a.prefix,
        a.numChars,
        a.params,
        a.hiddenDim,
        a.idxToChar,
        charToIdx,
        reference.getInputs,
      );
    },
  };

  const perplexityCase = (
    make: typeof publicCase,
    name: string,
    seed: number,
    b: number,
    t: number,
    v: number,
    scale: number,
  ) => {
    const state = new NumpyRandomState(seed);
    return make(name, {
      outputs: range(t).map(() => normal(state, [b, v], scale)),
      label: indices(seed, b, t, v),
    });
  };
  const perplexityEx: Exercise = {
    name: "perplexity",
    title: "In [17] perplexity",
    points: 10,
    timeoutS: 30,
    tolerance: FLOAT,
    hint:
      "The perplexity is exp of the mean softmax cross-entropy. The outputs are one per time step: " +
      "concatenate them along axis 0 and flatten the label as label.T.reshape(-1) so that they line up.",
    place: () => "the perplexity",
    cases: [
      perplexityCase(publicCase, "batch 2, steps 3, vocab 5", 61, 2, 3, 5, 1),
      publicCase("the chapter's baseline: uniform predictions over 30 characters give 30", {
        outputs: range(4).map(() => tensor("float32", [2, 30], new Array(60).fill(0))),
        label: indices(62, 2, 4, 30),
      }),
      perplexityCase(hiddenCase, "batch 1, steps 4", 63, 1, 4, 6, 1),
      perplexityCase(hiddenCase, "steps 1, batch 3", 64, 3, 1, 6, 1),
      perplexityCase(
        hiddenCase,
        "confident outputs: batch 3, steps 5, vocab 12, logits × 5",
        65,
        3,
        5,
        12,
        5,
      ),
    ],
    expected: (c) => {
      const a = args<{ outputs: tf.Tensor2D[]; label: tf.Tensor2D }>(c);
      return reference.perplexity(a.outputs, a.label);
    },
  };

  const trainText = text.chars.slice(0, 600);
  const trainVocab = buildVocab(trainText);
  const train = (isRandomIter: boolean) => {
    const config: Omit<TrainRnnConfig, "corpusIndices"> = {
      isRandomIter,
      epochs: 2,
      numSteps: 6,
      hiddenDim: 16,
      learningRate: 0.2,
      clippingTheta: 5,
      batchSize: 4,
      vocabSize: trainVocab.idxToChar.length,
    };
    return {
      ...config,
      corpusIndices: encode(trainText, trainVocab),
      params: params(71, config.vocabSize, config.hiddenDim, 0.01, 0),
      seed: 72,
    };
  };
  const trainRnnEx: Exercise = {
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
      publicCase("2 epochs on lyrics[0:600] with random sampling", train(true)),
      hiddenCase("2 epochs on lyrics[0:600] with consecutive sampling", train(false)),
    ],
    expected: (c) => {
      const { params: initial, seed, ...config } = args<
        TrainRnnConfig & { params: tf.Tensor[]; seed: number }
      >(c);
      return reference.trainRnn(config, {
        ...reference,
        getParams: () => initial.map((p) => tf.variable(p.clone())) as unknown as RnnParams,
        rng: new PyRandom(seed),
      });
    },
  };

  return [
    dataIterRandomEx,
    dataIterConsecutiveEx,
    getInputsEx,
    rnnEx,
    gradClippingEx,
    predictRnnEx,
    perplexityEx,
    trainRnnEx,
  ];
}
