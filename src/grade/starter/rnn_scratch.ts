// deno-lint-ignore-file no-unused-vars verbatim-module-syntax
/**
 * 循环神经网络 --- 从0开始 (RNN from scratch): your solution.
 *
 * Implement each function below as the chapter's cell does, on tfjs tensors where the chapter uses
 * NDArrays, then grade it with `deno task grade rnn_scratch.ts`. Import nothing but
 * `@tensorflow/tfjs` (the grader refuses any other import), and keep every export's name and
 * signature. Your output (console.log) is shown to you next to each case; it does not count.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

/** In [12]: `params = [W_xh, W_hh, b_h, W_hy, b_y]`. */
export type Params = [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D];
/** One minibatch `[data, label]`: int32 tensors of batch_size × num_steps. */
export type Batch = [tf.Tensor2D, tf.Tensor2D];
/** Python's `random` as the random sampler uses it. */
export type Rng = { shuffle(x: number[]): void };
/** The signature of {@linkcode rnn}. */
export type RnnFn = (
  inputs: tf.Tensor2D[],
  state: tf.Tensor2D,
  params: Params,
) => [tf.Tensor2D[], tf.Tensor2D];
/** The signature of {@linkcode getInputs}. */
export type GetInputsFn = (data: tf.Tensor2D, vocabSize: number) => tf.Tensor2D[];

/**
 * In [6] `data_iter_random`: 下面代码每次从数据里随机采样一个批量。
 * `num_examples = (len(corpus_indices) - 1) // num_steps` (减一是因为label的索引是相应data的索引加一),
 * `epoch_size = num_examples // batch_size`; shuffle `list(range(num_examples))` with
 * `rng.shuffle` (once per call), then yield `batch_size` examples per batch: example `j` is
 * `corpus_indices[j * num_steps : j * num_steps + num_steps]`, its label starts one later.
 */
export function dataIterRandom(
  corpusIndices: number[],
  batchSize: number,
  numSteps: number,
  rng: Rng,
): Iterable<Batch> {
  throw new Error("TODO");
}

/**
 * In [8] `data_iter_consecutive`: 相邻的两个随机批量在原始序列上的位置相毗邻。
 * `batch_len = len // batch_size`; reshape `corpus_indices[0 : batch_size * batch_len]` to
 * `(batch_size, batch_len)`; `epoch_size = (batch_len - 1) // num_steps`; batch `i` is
 * `indices[:, i*num_steps : (i+1)*num_steps]` and its label the same columns plus one.
 */
export function dataIterConsecutive(
  corpusIndices: number[],
  batchSize: number,
  numSteps: number,
): Iterable<Batch> {
  throw new Error("TODO");
}

/**
 * In [11] `get_inputs`: `[nd.one_hot(X, vocab_size) for X in data.T]` — `num_steps` float32
 * matrices of batch_size × vocab_size (`tf.oneHot` wants int32 indices).
 */
export function getInputs(data: tf.Tensor2D, vocabSize: number): tf.Tensor2D[] {
  throw new Error("TODO");
}

/**
 * In [13] `rnn`: for each input X, `H = tanh(X W_xh + H W_hh + b_h)` and `Y = H W_hy + b_y`,
 * starting from `H = state`. Returns `[outputs, H]`: one output per step and the last state.
 */
export function rnn(
  inputs: tf.Tensor2D[],
  state: tf.Tensor2D,
  params: Params,
): [tf.Tensor2D[], tf.Tensor2D] {
  throw new Error("TODO");
}

/**
 * In [16] `grad_clipping`: 假设我们把所有梯度接成一个向量 g: `g = min(θ / ‖g‖, 1) g`, the norm taken
 * over all the gradients together. tfjs tensors are immutable: return the clipped gradients.
 */
export function gradClipping(grads: tf.Tensor[], theta: number): tf.Tensor[] {
  throw new Error("TODO");
}

/**
 * In [15] `predict_rnn`: lower-case the prefix, start from a zero state of 1 × hidden_dim, and run
 * `num_chars + len(prefix)` steps: inside the prefix feed its next character, after it the argmax
 * of the output. Returns `len(prefix) + num_chars + 1` characters. Use the `rnn` and `getInputs`
 * you are given.
 */
export function predictRnn(
  rnn: RnnFn,
  prefix: string,
  numChars: number,
  params: Params,
  hiddenDim: number,
  idxToChar: string[],
  charToIdx: Map<string, number>,
  getInputs: GetInputsFn,
): string {
  throw new Error("TODO");
}

/**
 * 困惑度 (perplexity): `exp` of the mean softmax cross-entropy of `outputs` (one batch_size ×
 * vocab_size matrix per step) against `label` (batch_size × num_steps). As in In [17], concatenate
 * the outputs along axis 0 and flatten the label as `label.T.reshape((-1,))`.
 */
export function perplexity(outputs: tf.Tensor2D[], label: tf.Tensor2D): number {
  throw new Error("TODO");
}

/**
 * In [17] `train_and_predict_rnn`, without the printing: for each epoch, sample batches
 * (`isRandomIter`: `parts.dataIterRandom` with `parts.rng`, else `parts.dataIterConsecutive`), reset
 * the state to zeros before every random batch or once per epoch for consecutive ones, compute the
 * *summed* softmax cross-entropy's gradients (`tf.variableGrads` over `parts.getParams()`), clip them
 * with `parts.gradClipping`, step `param = param - learningRate * grad`. Return each epoch's
 * perplexity `exp(train_loss / num_examples)`. Call the functions in `parts`, not your own.
 */
export function trainRnn(
  config: {
    isRandomIter: boolean;
    epochs: number;
    numSteps: number;
    hiddenDim: number;
    learningRate: number;
    clippingTheta: number;
    batchSize: number;
    vocabSize: number;
    corpusIndices: number[];
  },
  parts: {
    rnn: RnnFn;
    getInputs: GetInputsFn;
    getParams: () => Params;
    dataIterRandom: (
      corpusIndices: number[],
      batchSize: number,
      numSteps: number,
      rng: Rng,
    ) => Iterable<Batch>;
    dataIterConsecutive: (
      corpusIndices: number[],
      batchSize: number,
      numSteps: number,
    ) => Iterable<Batch>;
    gradClipping: (grads: tf.Tensor[], theta: number) => tf.Tensor[];
    rng: Rng;
  },
): number[] {
  throw new Error("TODO");
}
