/**
 * The RNN's forward pass written out in plain loops, in two arithmetics, as the yardstick that
 * float32 engines (onnxruntime, tfjs) are measured against:
 *
 * - **float64**: every operation in double precision, from the float32 parameters. This is what
 *   the model computes, up to an error far below any float32 engine's.
 * - **float32**: the same loops with every product, sum and `tanh` rounded to float32
 *   (`Math.fround`), each sum accumulated left to right: a plain float32 engine. How far it lands
 *   from the float64 forward is the float32 noise of this model on these inputs, the yardstick of
 *   `derived_tolerance.ts`.
 *
 *     H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)     (X_t one-hot: row `token` of W_xh)
 *     Y_t = H_t W_hy + b_y
 *
 * The float64 pass also returns, for every output, the sum of the absolute values of the terms
 * its last step added up: what bounds the rounding of that last sum in float32.
 *
 * @module
 */

import type { ParamArrays } from "../model/params.ts";

/** Which arithmetic a forward runs in. */
export type Arithmetic = "float64" | "float32";

/** A forward's outputs, and the size of what each output summed. */
export interface ReferenceOutputs {
  /** `[seq, batch, vocab]`, row-major. */
  logits: Float64Array;
  /** `[batch, hidden]`: the state after the last step. */
  hN: Float64Array;
  /** For each logit, `Σ_k |H_k W_hy[k, j]| + |b_y[j]|`. */
  logitTermSums: Float64Array;
  /** For each entry of `hN`, `|W_xh[token, j]| + Σ_k |H_k W_hh[k, j]| + |b_h[j]|` at the last step. */
  hNTermSums: Float64Array;
}

/** The identity, the rounding of float64 arithmetic (none beyond the hardware's). */
const exact = (x: number) => x;

/**
 * `out[j] = round(Σ_k round(v[k]·M[k, j]))` for `j < cols` (`M` is `rows × cols`, row-major), summed
 * over k in order, starting from `init[j]`, with `|terms|` summed into `abs` when given.
 */
function vecMat(
  v: Float64Array,
  m: Float32Array,
  cols: number,
  out: Float64Array,
  round: (x: number) => number,
  abs?: Float64Array,
): void {
  for (let k = 0; k < v.length; k++) {
    const vk = v[k];
    const row = k * cols;
    for (let j = 0; j < cols; j++) out[j] = round(out[j] + round(vk * m[row + j]));
    if (abs) { for (let j = 0; j < cols; j++) abs[j] += Math.abs(vk * m[row + j]); }
  }
}

/** One step of one sequence: `h ← tanh(W_xh[token] + h W_hh + b_h)`, in place. */
function step(
  p: ParamArrays,
  token: number,
  h: Float64Array,
  round: (x: number) => number,
  abs?: Float64Array,
): void {
  const hidden = h.length;
  const z = new Float64Array(hidden);
  vecMat(h, p.W_hh.data, hidden, z, round, abs);
  for (let j = 0; j < hidden; j++) {
    const x = p.W_xh.data[token * hidden + j];
    z[j] = round(round(x + z[j]) + p.b_h.data[j]);
    if (abs) abs[j] += Math.abs(x) + Math.abs(p.b_h.data[j]);
  }
  for (let j = 0; j < hidden; j++) h[j] = round(Math.tanh(z[j]));
}

/**
 * The forward pass over `tokens[t][b]` (step t of sequence b) from `h0` (`batch × hidden`,
 * row-major; float64 only for a state that float32 cannot hold) in `arithmetic`; the term sums are those of the float64 pass (zero in float32's).
 */
export function referenceForward(
  p: ParamArrays,
  tokens: readonly (readonly number[])[],
  h0: Float32Array | Float64Array,
  arithmetic: Arithmetic,
): ReferenceOutputs {
  const round = arithmetic === "float64" ? exact : Math.fround;
  const keepSums = arithmetic === "float64";
  const [vocab, hidden] = p.W_xh.shape;
  const [seq, batch] = [tokens.length, tokens[0].length];
  const logits = new Float64Array(seq * batch * vocab);
  const logitTermSums = new Float64Array(logits.length);
  const hN = new Float64Array(batch * hidden);
  const hNTermSums = new Float64Array(hN.length);
  for (let b = 0; b < batch; b++) {
    const h = Float64Array.from(h0.subarray(b * hidden, (b + 1) * hidden));
    for (let t = 0; t < seq; t++) {
      const last = t === seq - 1 && keepSums;
      step(p, tokens[t][b], h, round, last ? hNTermSums.subarray(b * hidden) : undefined);
      const at = (t * batch + b) * vocab;
      const y = logits.subarray(at, at + vocab);
      const abs = keepSums ? logitTermSums.subarray(at, at + vocab) : undefined;
      vecMat(h, p.W_hy.data, vocab, y, round, abs);
      for (let j = 0; j < vocab; j++) {
        y[j] = round(y[j] + p.b_y.data[j]);
        if (abs) abs[j] += Math.abs(p.b_y.data[j]);
      }
    }
    hN.set(h, b * hidden);
  }
  return { logits, hN, logitTermSums, hNTermSums };
}
