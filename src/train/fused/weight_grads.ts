/**
 * The weight gradients, each summed over all steps and sequences in one launch:
 *
 *     dW_hy = Σ_t H_tᵀ dY_t      db_y = Σ_t Σ_b dY_t
 *     dW_hh = Σ_t H_{t-1}ᵀ dZ_t  db_h = Σ_t Σ_b dZ_t
 *     dW_xh = Σ_t X_tᵀ dZ_t      (X_t one-hot: row v gathers dZ's rows whose token is v)
 *
 * Every sum runs in a fixed order in one invocation: deterministic, no atomics.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import { type Dims, dimsKey, GROUP_INDEX, groupGrid, perElementSpec, runKernel } from "./kernel.ts";
import { microTile, runMatmul } from "./matmul.ts";

/** dW_hy = Σ_t H_tᵀ dY_t: hidden × vocab, with `hAll`'s blocks 1..steps as the H_t. */
export function outputWeightGrad(hAll: tf.Tensor, dY: tf.Tensor, d: Dims): tf.Tensor {
  const { vocab: V, hidden: H, batch: B } = d;
  return runMatmul(`dwhy_${dimsKey(d)}`, {
    m: H,
    n: V,
    k: d.steps * B,
    ...microTile(2, 2),
    aLayout: "colMajor",
    bLayout: "rowMajor",
    readA: `return hAll[(k + ${B}) * ${H} + m];`, // Hᵀ
    readB: `return dY[k * ${V} + n];`,
    write: `result[m * ${V} + n] = acc;`,
  }, [["hAll", hAll], ["dY", dY]]);
}

/** dW_hh = Σ_t H_{t-1}ᵀ dZ_t: hidden × hidden, with `hAll`'s blocks 0..steps−1 as the H_{t-1}. */
export function recurrentWeightGrad(hAll: tf.Tensor, dZ: tf.Tensor, d: Dims): tf.Tensor {
  const H = d.hidden;
  return runMatmul(`dwhh_${dimsKey(d)}`, {
    m: H,
    n: H,
    k: d.steps * d.batch,
    tm: 1,
    tn: 1,
    aLayout: "colMajor",
    bLayout: "rowMajor",
    readA: `return hAll[k * ${H} + m];`, // H_{t-1}ᵀ
    readB: `return dZ[k * ${H} + n];`,
    write: `result[m * ${H} + n] = acc;`,
  }, [["hAll", hAll], ["dZ", dZ]]);
}

/** A bias gradient: the column sums of `g` (rows × cols), each over the rows in order. */
export function columnSums(g: tf.Tensor, rows: number, cols: number): tf.Tensor {
  return runKernel({
    key: `colsum_${rows}x${cols}`,
    inputs: ["g"],
    outputShape: [cols],
    workgroup: [64, 1, 1],
    dispatch: groupGrid(Math.ceil(cols / 64)),
    code: `
fn kernel() {
  let c = ${GROUP_INDEX} * 64 + i32(localIndex);
  if (c >= ${cols}) { return; }
  var s = 0.0;
  for (var r = 0; r < ${rows}; r = r + 1) { s = s + g[r * ${cols} + c]; }
  result[c] = s;
}`,
  }, [g]);
}

/**
 * The rows of a step's tokens grouped by token, for {@linkcode inputWeightGrad}: `rows` lists
 * the row indices r (ascending within a token) of token 0, then token 1, ...; token v's run is
 * `rows[starts[v] .. starts[v + 1])`. A counting sort on the host, where the tokens already are.
 */
export function rowsByToken(tokens: Int32Array, vocab: number): {
  starts: Int32Array;
  rows: Int32Array;
} {
  const starts = new Int32Array(vocab + 1);
  for (const v of tokens) starts[v + 1]++;
  for (let v = 0; v < vocab; v++) starts[v + 1] += starts[v];
  const next = starts.slice(0, vocab);
  const rows = new Int32Array(tokens.length);
  for (let r = 0; r < tokens.length; r++) rows[next[tokens[r]]++] = r;
  return { starts, rows };
}

/**
 * dW_xh = Σ_t X_tᵀ dZ_t without the one-hot product: row v of dW_xh is the sum of dZ's rows whose
 * token is v, taken in increasing row order. One invocation per element of dW_xh walks its
 * token's run of {@linkcode rowsByToken}: no scatter collisions, so no atomics.
 */
export function inputWeightGrad(
  dZ: tf.Tensor,
  starts: tf.Tensor,
  rows: tf.Tensor,
  d: Dims,
): tf.Tensor {
  const { vocab: V, hidden: H } = d;
  const body = `let v = i / ${H};
  let j = i - v * ${H};
  var s = 0.0;
  for (var p = starts[v]; p < starts[v + 1]; p = p + 1) { s = s + dZ[rows[p] * ${H} + j]; }
  result[i] = s;`;
  return runKernel(perElementSpec(`dwxh_${dimsKey(d)}`, ["dZ", "starts", "rows"], [V, H], body), [
    dZ,
    starts,
    rows,
  ]);
}
