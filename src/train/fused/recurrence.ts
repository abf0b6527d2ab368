/**
 * The recurrence and its back-propagation through time, one kernel launch per time step.
 *
 * The hidden states live in one tensor `hAll` of (steps + 1)·batch × hidden: block 0 (rows
 * 0..batch−1) is the starting state H_0, block t is H_t. Step t (0-based) reads block t and
 * writes block t + 1. Row `t * batch + b` of every per-step tensor (tokens, labels, logits, dZ)
 * is step t of sequence b, the chapter's `concat(outputs)` order.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import type { Params } from "../../model/params.ts";
import { type Dims, dimsKey, runKernel } from "./kernel.ts";
import {
  MATMUL_WORKGROUP,
  matmulCode,
  matmulDispatch,
  matmulKey,
  type MatmulSpec,
} from "./matmul.ts";
import { TANH_FN } from "./wgsl.ts";

/** H_{t+1} from H_t: reads block t of `result` (or `state` when t = 0), writes block t + 1. */
function forwardStepSpec(d: Dims): MatmulSpec {
  const { batch: B, hidden: H } = d;
  return {
    m: B,
    n: H,
    k: H,
    tm: 1,
    tn: 1,
    aLayout: "rowMajor",
    bLayout: "rowMajor",
    readA: `if (uniforms.t == 0) { return state[m * ${H} + k]; }
      return result[(uniforms.t * ${B} + m) * ${H} + k];`,
    readB: `return wHh[k * ${H} + n];`,
    // H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h); the one-hot product X_t W_xh is a row gather.
    write: `let x = wXh[tokens[uniforms.t * ${B} + m] * ${H} + n];
      result[((uniforms.t + 1) * ${B} + m) * ${H} + n] = tanhF(acc + x + bH[n]);
      if (uniforms.t == 0) { result[m * ${H} + n] = state[m * ${H} + n]; }`,
  };
}

/**
 * The forward pass over all steps from `state` (batch × hidden) for `tokens` (int32, step-major):
 * returns `hAll`, the starting state and every H_t.
 */
export function forwardSteps(
  tokens: tf.Tensor,
  state: tf.Tensor,
  params: Params,
  d: Dims,
): tf.Tensor {
  const spec = forwardStepSpec(d);
  const kernel = {
    key: `fwd_${dimsKey(d)}_${matmulKey(spec)}`,
    inputs: ["tokens", "wXh", "wHh", "bH", "state"],
    outputShape: [(d.steps + 1) * d.batch, d.hidden],
    workgroup: MATMUL_WORKGROUP,
    dispatch: matmulDispatch(spec),
    uniforms: "t : i32,",
    code: TANH_FN + matmulCode(spec),
  };
  const inputs = [tokens, params.wXh, params.wHh, params.bH, state];
  const hAll = runKernel(kernel, inputs, [{ type: "int32", data: [0] }]);
  for (let t = 1; t < d.steps; t++) runKernel(kernel, inputs, [{ type: "int32", data: [t] }], hAll);
  return hAll;
}

/** Step t's dZ from step t + 1's (block t + 1 of `result`, none for the last step), into block t. */
function bpttStepSpec(d: Dims): MatmulSpec {
  const { batch: B, hidden: H, steps: T } = d;
  return {
    m: B,
    n: H,
    k: H,
    tm: 1,
    tn: 1,
    aLayout: "rowMajor",
    bLayout: "colMajor",
    kEnd: `select(${H}, 0, uniforms.t == ${T - 1})`, // nothing flows back into the last step
    readA: `return result[((uniforms.t + 1) * ${B} + m) * ${H} + k];`,
    readB: `return wHh[n * ${H} + k];`, // W_hhᵀ
    // dH_t = dH_t(output) + dZ_{t+1} W_hhᵀ; dZ_t = dH_t ⊙ (1 − H_t²), the derivative of tanh.
    write: `let row = uniforms.t * ${B} + m;
      let h = hAll[(row + ${B}) * ${H} + n];
      result[row * ${H} + n] = (dHout[row * ${H} + n] + acc) * (1.0 - h * h);`,
  };
}

/**
 * Back-propagation through time: from dHout (the loss's gradient with respect to each H_t, from
 * the output layer) and `hAll`, returns dZ (steps·batch × hidden), the gradient with respect to
 * each step's pre-activation X_t W_xh + H_{t-1} W_hh + b_h.
 */
export function bpttSteps(dHout: tf.Tensor, hAll: tf.Tensor, wHh: tf.Tensor, d: Dims): tf.Tensor {
  const spec = bpttStepSpec(d);
  const kernel = {
    key: `bptt_${dimsKey(d)}_${matmulKey(spec)}`,
    inputs: ["dHout", "wHh", "hAll"],
    outputShape: [d.steps * d.batch, d.hidden],
    workgroup: MATMUL_WORKGROUP,
    dispatch: matmulDispatch(spec),
    uniforms: "t : i32,",
    code: matmulCode(spec),
  };
  const inputs = [dHout, wHh, hAll];
  const last = d.steps - 1;
  const dZ = runKernel(kernel, inputs, [{ type: "int32", data: [last] }]);
  for (let t = last - 1; t >= 0; t--) {
    runKernel(kernel, inputs, [{ type: "int32", data: [t] }], dZ);
  }
  return dZ;
}
