// Shared fixtures of the ONNX tests: parameters and a vocabulary small enough to run in milliseconds.

import { PARAM_NAMES, type ParamArrays } from "../src/model/params.ts";
import { NumpyRandomState } from "../src/random/numpy_random.ts";

/** Twelve characters, the first two prefixes' included. */
export const VOCAB = Array.from("不他你分开我是的说了在 ");

/**
 * Parameters with every entry (biases included) drawn from N(0, std²): large enough that a wrong
 * layout (an untransposed W_hh, a misplaced bias) changes the outputs far beyond float32 noise.
 */
export function randomParams(vocab: number, hidden: number, seed = 1, std = 0.4): ParamArrays {
  const rng = new NumpyRandomState(seed);
  const shapes = {
    W_xh: [vocab, hidden],
    W_hh: [hidden, hidden],
    b_h: [hidden],
    W_hy: [hidden, vocab],
    b_y: [vocab],
  };
  return Object.fromEntries(PARAM_NAMES.map((name) => {
    const shape = shapes[name];
    const size = shape.reduce((a, b) => a * b, 1);
    return [name, { shape, data: Float32Array.from(rng.normal(0, std, size)) }];
  })) as ParamArrays;
}

/** `n × n` row-major matrix transposed. */
export function transposed(m: Float32Array, n: number): Float32Array {
  return Float32Array.from({ length: n * n }, (_, k) => m[(k % n) * n + Math.floor(k / n)]);
}
