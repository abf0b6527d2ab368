/**
 * The recurrence and its back-propagation through time, each over all time steps in one kernel
 * launch.
 *
 * The hidden states live in one tensor `hAll` of (steps + 1)·batch × hidden: block 0 (rows
 * 0..batch−1) is the starting state H_0, block t is H_t. Step t (0-based) reads block t and
 * writes block t + 1. Row `t * batch + b` of every per-step tensor (tokens, labels, logits, dZ)
 * is step t of sequence b, the chapter's `concat(outputs)` order.
 *
 * Sequence b's states depend on its own earlier states only, so one workgroup per sequence walks
 * all the steps, with a barrier between steps, and no workgroup waits for another. So the
 * recurrence is two launches a minibatch, not one per step each way: the host's time per step is
 * mostly launches, each of which tfjs records on the host (its uniforms, a bind group, the
 * dispatch; bench/results/README.md measures it). Each element of a product is summed over k in
 * increasing order by one invocation: deterministic, no atomics.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import type { Params } from "../../model/params.ts";
import { type Dims, dimsKey, perElementSpec, runKernel } from "./kernel.ts";
import { TANH_FN } from "./wgsl.ts";

/** Invocations per workgroup: each takes the hidden units i, i + 256, … of its sequence. */
const THREADS = 256;

/**
 * A kernel with one workgroup per sequence that runs `body` for t = 0..steps−1 (or from the last
 * step back, `reverse`), with `m` its sequence and `n` each hidden unit the invocation takes; the
 * storage barrier after each step makes that step's writes visible to the whole workgroup.
 * `before` runs once first, with `m` and `n` too.
 */
function stepsKernel(
  name: string,
  d: Dims,
  inputs: [string, tf.Tensor][],
  rows: number,
  loop: { reverse: boolean; body: string; before?: string },
  helpers = "",
): tf.Tensor {
  const { hidden: H, steps: T } = d;
  const perUnit = (body: string) =>
    `for (var n = i32(localIndex); n < ${H}; n = n + ${THREADS}) {\n      ${body}\n    }`;
  return runKernel({
    key: `${name}_${dimsKey(d)}`,
    inputs: inputs.map(([n]) => n),
    outputShape: [rows, H],
    workgroup: [THREADS, 1, 1],
    dispatch: [d.batch, 1, 1],
    code: `${helpers}
fn kernel() {
  let m = i32(workgroupId.x);
  ${loop.before ? `${perUnit(loop.before)}\n  storageBarrier();` : ""}
  for (var i = 0; i < ${T}; i = i + 1) {
    let t = ${loop.reverse ? `${T - 1} - i` : "i"};
    ${perUnit(loop.body)}
    storageBarrier();
  }
}`,
  }, inputs.map(([, t]) => t));
}

/**
 * The forward pass over all steps from `state` (batch × hidden) for `tokens` (int32, step-major):
 * returns `hAll`, the starting state and every H_t.
 */
export function forwardSteps(
  tokens: tf.Tensor,
  state: tf.Tensor,
  params: Pick<Params, "wXh" | "wHh" | "bH">,
  d: Dims,
): tf.Tensor {
  const { batch: B, hidden: H } = d;
  const inputs: [string, tf.Tensor][] = [
    ["tokens", tokens],
    ["wXh", params.wXh],
    ["wHh", params.wHh],
    ["bH", params.bH],
    ["state", state],
  ];
  return stepsKernel("fwd", d, inputs, (d.steps + 1) * B, {
    reverse: false,
    before: `result[m * ${H} + n] = state[m * ${H} + n];`, // block 0: H_0
    // H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h); the one-hot product X_t W_xh is a row gather.
    body: `let prev = (t * ${B} + m) * ${H};
      var acc = 0.0;
      for (var k = 0; k < ${H}; k = k + 1) { acc = acc + result[prev + k] * wHh[k * ${H} + n]; }
      let x = wXh[tokens[t * ${B} + m] * ${H} + n];
      result[prev + ${B * H} + n] = tanhF(acc + x + bH[n]);`,
  }, TANH_FN);
}

/** W_hhᵀ, so that BPTT's reads of it are adjacent across the hidden units. */
function transposed(w: tf.Tensor, size: number): tf.Tensor {
  const body = `result[i] = w[(i % ${size}) * ${size} + i / ${size}];`;
  return runKernel(perElementSpec(`tr_${size}`, ["w"], [size, size], body), [w]);
}

/**
 * Back-propagation through time: from dHout (the loss's gradient with respect to each H_t, from
 * the output layer) and `hAll`, returns dZ (steps·batch × hidden), the gradient with respect to
 * each step's pre-activation X_t W_xh + H_{t-1} W_hh + b_h.
 */
export function bpttSteps(dHout: tf.Tensor, hAll: tf.Tensor, wHh: tf.Tensor, d: Dims): tf.Tensor {
  const { batch: B, hidden: H, steps: T } = d;
  const inputs: [string, tf.Tensor][] = [
    ["dHout", dHout],
    ["wHhT", transposed(wHh, H)],
    ["hAll", hAll],
  ];
  return stepsKernel("bptt", d, inputs, T * B, {
    reverse: true, // last step first: nothing flows back into it from a later one
    // dH_t = dH_t(output) + dZ_{t+1} W_hhᵀ; dZ_t = dH_t ⊙ (1 − H_t²), the derivative of tanh.
    body: `let row = (t * ${B} + m) * ${H};
      var acc = 0.0;
      if (t < ${T - 1}) {
        for (var k = 0; k < ${H}; k = k + 1) {
          acc = acc + result[row + ${B * H} + k] * wHhT[k * ${H} + n];
        }
      }
      let h = hAll[row + ${B * H} + n];
      result[row + n] = (dHout[row + n] + acc) * (1.0 - h * h);`,
  });
}
