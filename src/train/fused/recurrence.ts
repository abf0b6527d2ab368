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

/**
 * Runs a per-step product kernel (after WGSL `helpers`) for each t of `order`: the first launch
 * allocates the output (`rows` × hidden), the others write into it. Batch × hidden by hidden × hidden products with
 * 1 × 1 micro-tiles, as the batch is small.
 */
function runSteps(
  name: string,
  d: Dims,
  spec: Omit<MatmulSpec, "m" | "n" | "k" | "tm" | "tn" | "aLayout">,
  inputs: [string, tf.Tensor][],
  rows: number,
  order: number[],
  helpers = "",
): tf.Tensor {
  const full: MatmulSpec = {
    m: d.batch,
    n: d.hidden,
    k: d.hidden,
    tm: 1,
    tn: 1,
    aLayout: "rowMajor",
    ...spec,
  };
  const kernel = {
    key: `${name}_${dimsKey(d)}_${matmulKey(full)}`,
    inputs: inputs.map(([n]) => n),
    outputShape: [rows, d.hidden],
    workgroup: MATMUL_WORKGROUP,
    dispatch: matmulDispatch(full),
    uniforms: "t : i32,",
    code: helpers + matmulCode(full),
  };
  const tensors = inputs.map(([, t]) => t);
  const out = runKernel(kernel, tensors, [{ type: "int32", data: [order[0]] }]);
  for (const t of order.slice(1)) runKernel(kernel, tensors, [{ type: "int32", data: [t] }], out);
  return out;
}

/** H_{t+1} from H_t: reads block t of `result` (or `state` when t = 0), writes block t + 1. */
function forwardStepSpec(d: Dims) {
  const { batch: B, hidden: H } = d;
  return {
    bLayout: "rowMajor" as const,
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
  const inputs: [string, tf.Tensor][] = [
    ["tokens", tokens],
    ["wXh", params.wXh],
    ["wHh", params.wHh],
    ["bH", params.bH],
    ["state", state],
  ];
  const order = Array.from({ length: d.steps }, (_, t) => t);
  return runSteps("fwd", d, forwardStepSpec(d), inputs, (d.steps + 1) * d.batch, order, TANH_FN);
}

/** Step t's dZ from step t + 1's (block t + 1 of `result`, none for the last step), into block t. */
function bpttStepSpec(d: Dims) {
  const { batch: B, hidden: H, steps: T } = d;
  return {
    bLayout: "colMajor" as const,
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
  const inputs: [string, tf.Tensor][] = [["dHout", dHout], ["wHh", wHh], ["hAll", hAll]];
  const order = Array.from({ length: d.steps }, (_, i) => d.steps - 1 - i); // last step first
  return runSteps("bptt", d, bpttStepSpec(d), inputs, d.steps * d.batch, order);
}
