/**
 * The chapter's "初始化模型参数" cell (In [12], `get_params`): the five parameters of the RNN.
 *
 * The weights are drawn with NumPy's legacy `RandomState(seed).normal(0, 0.01, size)` as float64
 * and rounded to float32, in the order W_xh, W_hh, W_hy (row-major); the biases start at zero. A
 * Python script with the same seed starts from the very same numbers.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { F32Tensor } from "../io/safetensors.ts";
import { NumpyRandomState } from "../random/numpy_random.ts";

/** The chapter's `std = .01`: the scale of the initial weights. */
export const INIT_STD = 0.01;

/** The RNN's parameters, as tfjs variables updated in place by SGD. */
export interface Params {
  /** W_xh: vocab × hidden, input to hidden. */
  wXh: tf.Variable;
  /** W_hh: hidden × hidden, hidden to hidden. */
  wHh: tf.Variable;
  /** b_h: hidden. */
  bH: tf.Variable;
  /** W_hy: hidden × vocab, hidden to output. */
  wHy: tf.Variable;
  /** b_y: vocab. */
  bY: tf.Variable;
}

/** The parameters as any tensors (variables or not): what the forward pass reads. */
export type ParamTensors = { [K in keyof Params]: tf.Tensor };

/** The parameters' names in the chapter's order `[W_xh, W_hh, b_h, W_hy, b_y]`. */
export const PARAM_NAMES = ["W_xh", "W_hh", "b_h", "W_hy", "b_y"] as const;

/** One parameter's name. */
export type ParamName = typeof PARAM_NAMES[number];

/** The parameters' values as plain float32 arrays with their shapes (for files and goldens). */
export type ParamArrays = Record<ParamName, F32Tensor>;

/** The parameters as a list in the chapter's order, `params = [W_xh, W_hh, b_h, W_hy, b_y]`. */
export function paramList(p: Params): tf.Variable[] {
  return [p.wXh, p.wHh, p.bH, p.wHy, p.bY];
}

/** Draws fresh parameters for `vocabSize` characters and `hidden` units from `seed`. */
export function initParamArrays(vocabSize: number, hidden: number, seed: number): ParamArrays {
  const rng = new NumpyRandomState(seed);
  const draw = (rows: number, cols: number) => ({
    shape: [rows, cols],
    data: Float32Array.from(rng.normal(0, INIT_STD, rows * cols)),
  });
  // The draw order is the contract: W_xh, then W_hh, then W_hy.
  const wXh = draw(vocabSize, hidden);
  const wHh = draw(hidden, hidden);
  const wHy = draw(hidden, vocabSize);
  return {
    W_xh: wXh,
    W_hh: wHh,
    b_h: { shape: [hidden], data: new Float32Array(hidden) },
    W_hy: wHy,
    b_y: { shape: [vocabSize], data: new Float32Array(vocabSize) },
  };
}

/** Turns plain arrays into trainable tfjs variables. */
export function paramsFromArrays(a: ParamArrays): Params {
  // Unnamed: tfjs variable names are global, and a test may hold several models at once.
  const v = (name: ParamName) => {
    const initial = tf.tensor(a[name].data, a[name].shape);
    const variable = tf.variable(initial, true);
    initial.dispose(); // the variable keeps its own reference to the data
    return variable;
  };
  return { wXh: v("W_xh"), wHh: v("W_hh"), bH: v("b_h"), wHy: v("W_hy"), bY: v("b_y") };
}

/**
 * `get_params()`: fresh trainable parameters drawn from `seed`.
 *
 * @example The chapter's shapes: W_xh is vocab × hidden, W_hh hidden × hidden, W_hy hidden × vocab
 * ```ts
 * import assert from "node:assert/strict";
 * import { initParams, selectBackend } from "@rnnlab/rnnlab";
 *
 * await selectBackend("cpu");
 * const params = initParams(1465, 256, 0);
 * assert.deepEqual(params.wXh.shape, [1465, 256]);
 * assert.deepEqual(params.wHy.shape, [256, 1465]);
 * assert.deepEqual(params.bY.dataSync().every((b) => b === 0), true); // zero biases
 * ```
 */
export function initParams(vocabSize: number, hidden: number, seed: number): Params {
  return paramsFromArrays(initParamArrays(vocabSize, hidden, seed));
}

/**
 * Reads the parameters back from the device as plain arrays, in one transfer. It reads a fresh
 * copy (their concatenation): tfjs keeps what it once read back of a tensor on the host and
 * returns that, and a trainer that updates the parameters' buffers in place (the fused one)
 * would make it stale.
 */
export async function paramsToArrays(p: Params): Promise<ParamArrays> {
  const list = paramList(p);
  const flat = tf.tidy(() => tf.concat(list.map((t) => t.reshape([-1]))));
  const data = await flat.data<"float32">();
  flat.dispose();
  let offset = 0;
  return Object.fromEntries(PARAM_NAMES.map((name, i) => {
    const part = data.slice(offset, offset + list[i].size);
    offset += list[i].size;
    return [name, { shape: list[i].shape, data: part }];
  })) as ParamArrays;
}

/** Whether every value of every parameter is finite (a diverged run's are not). */
export function paramsFinite(params: ParamArrays): boolean {
  return Object.values(params).every(({ data }) => data.every(Number.isFinite));
}

/** Frees the parameters' device memory. */
export function disposeParams(p: Params): void {
  for (const t of paramList(p)) t.dispose();
}
