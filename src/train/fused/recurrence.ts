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
 * dispatch; bench/results/README.md measures it), and a launch per step each way would cost the
 * host more than these kernels cost the GPU. Every sum has a fixed order: deterministic, no
 * atomics.
 *
 * Two ways to spend a workgroup on a step's product `v · W` (v: the sequence's H_{t-1}, or its
 * dZ_{t+1} going back; W: W_hh, or W_hhᵀ), chosen by {@linkcode recurrenceKind}:
 * - `cooperative`: v sits in workgroup memory, and the sum over k is cut into SLICES ranges that
 *   different invocations sum at once (each a few units), then added in range order. Nothing is
 *   read back from storage inside the loop, and each invocation has several independent sums.
 * - `perUnit`: one invocation per hidden unit sums over every k, reading v from the states just
 *   written to storage; it needs no workgroup memory, so it serves any hidden size.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import type { ParamTensors } from "../../model/params.ts";
import { type Dims, dimsKey, perElementSpec, runKernel } from "./kernel.ts";
import { partsSumFn, rowTimesMatrixParts, TANH_FN } from "./wgsl.ts";

/** Invocations per workgroup. */
export const THREADS = 256;

/** The ranges the cooperative kernels cut each step's sum over k into. */
export const SLICES = 4;

/** The device's `maxComputeWorkgroupStorageSize`, in bytes, on the webgpu backend. */
export function workgroupStorageLimit(): number {
  return (tf.backend() as WebGPUBackend).device.limits.maxComputeWorkgroupStorageSize;
}

/** How the recurrence kernels spend a workgroup on a step's product (see the module's text). */
export type RecurrenceKind = "cooperative" | "perUnit";

/**
 * The rule: `cooperative` when its workgroup memory, (1 + SLICES)·hidden floats (v and the
 * partial sums), fits the device's `maxComputeWorkgroupStorageSize` (16 KiB at least, so hidden
 * ≤ 819 anywhere; the chapter's 256 takes 5 KiB), else `perUnit`.
 */
export function recurrenceKind(
  hidden: number,
  limitBytes = workgroupStorageLimit(),
): RecurrenceKind {
  return (1 + SLICES) * hidden * 4 <= limitBytes ? "cooperative" : "perUnit";
}

/** What a recurrence kernel does at each step, as WGSL in `m` (its sequence) and `t`. */
interface StepsLoop {
  /** Walk the steps from the last back. */
  reverse: boolean;
  /** The matrix W of the step's product v · W, as the input array's name (row-major). */
  w: string;
  /** Whether step t has a product (a WGSL condition, uniform); always when absent. */
  hasProduct?: string;
  /** v[k] of step t as `result` holds it (the `perUnit` kernels read v there). */
  prev: string;
  /** Once first, for each unit `n`: may write to `result`, and returns v's first value. */
  start: string;
  /**
   * At step t, for each unit `n`, given `acc` = (v · W)[n] (0.0 where there is no product): writes
   * the unit's result and returns it, v's next value.
   */
  unit: string;
}

/**
 * A kernel with one workgroup per sequence that walks the steps as `loop` says, the way `kind`
 * says; its output is `rows` × hidden.
 */
function stepsKernel(
  name: string,
  d: Dims,
  inputs: [string, tf.Tensor][],
  rows: number,
  loop: StepsLoop,
  kind: RecurrenceKind,
): tf.Tensor {
  const { hidden: H, steps: T } = d;
  const eachUnit = (body: string) =>
    `for (var n = i32(localIndex); n < ${H}; n = n + ${THREADS}) { ${body} }`;
  const hasProduct = loop.hasProduct ?? "true";
  const functions = `${TANH_FN}
fn startAt(m : i32, n : i32) -> f32 { ${loop.start} }
fn unitAt(m : i32, t : i32, n : i32, acc : f32) -> f32 { ${loop.unit} }`;
  const steps = (body: string) => `
  for (var i = 0; i < ${T}; i = i + 1) {
    let t = ${loop.reverse ? `${T - 1} - i` : "i"};
    ${body}
  }`;
  const code = kind === "cooperative"
    ? `${functions}
var<workgroup> vec : array<f32, ${H}>;
var<workgroup> part : array<f32, ${SLICES * H}>;
${partsSumFn(H, SLICES)}
fn kernel() {
  let m = i32(workgroupId.x);
  ${eachUnit("vec[n] = startAt(m, n);")}
  workgroupBarrier();${
      steps(`let product = ${hasProduct};
    if (product) ${rowTimesMatrixParts(loop.w, H, H, SLICES, THREADS)}
    workgroupBarrier();
    ${eachUnit("vec[n] = unitAt(m, t, n, select(0.0, partsSum(n), product));")}
    workgroupBarrier();`)
    }
}`
    : `${functions}
fn prevAt(m : i32, t : i32, k : i32) -> f32 { return ${loop.prev}; }
fn kernel() {
  let m = i32(workgroupId.x);
  ${eachUnit("_ = startAt(m, n);")}
  storageBarrier();${
      steps(`${
        eachUnit(`var acc = 0.0;
      if (${hasProduct}) {
        for (var k = 0; k < ${H}; k = k + 1) { acc = acc + prevAt(m, t, k) * ${loop.w}[k * ${H} + n]; }
      }
      _ = unitAt(m, t, n, acc);`)
      }
    storageBarrier();`)
    }
}`;
  return runKernel({
    key: `${name}_${dimsKey(d)}${kind === "cooperative" ? `_s${SLICES}` : ""}`,
    inputs: inputs.map(([n]) => n),
    outputShape: [rows, H],
    workgroup: [THREADS, 1, 1],
    dispatch: [d.batch, 1, 1],
    code,
  }, inputs.map(([, t]) => t));
}

/**
 * The forward pass over all steps from `state` (batch × hidden) for `tokens` (int32, step-major):
 * returns `hAll`, the starting state and every H_t.
 */
export function forwardSteps(
  tokens: tf.Tensor,
  state: tf.Tensor,
  params: Pick<ParamTensors, "wXh" | "wHh" | "bH">,
  d: Dims,
  kind: RecurrenceKind = recurrenceKind(d.hidden),
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
    w: "wHh",
    prev: `result[(t * ${B} + m) * ${H} + k]`, // H_{t-1}: block t
    // block 0: H_0
    start: `let h0 = state[m * ${H} + n];
  result[m * ${H} + n] = h0;
  return h0;`,
    // H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h); the one-hot product X_t W_xh is a row gather.
    unit: `let h = tanhF(acc + wXh[tokens[t * ${B} + m] * ${H} + n] + bH[n]);
  result[((t + 1) * ${B} + m) * ${H} + n] = h;
  return h;`,
  }, kind);
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
export function bpttSteps(
  dHout: tf.Tensor,
  hAll: tf.Tensor,
  wHh: tf.Tensor,
  d: Dims,
  kind: RecurrenceKind = recurrenceKind(d.hidden),
): tf.Tensor {
  const { batch: B, hidden: H, steps: T } = d;
  const inputs: [string, tf.Tensor][] = [
    ["dHout", dHout],
    ["wHhT", transposed(wHh, H)],
    ["hAll", hAll],
  ];
  return stepsKernel("bptt", d, inputs, T * B, {
    reverse: true, // last step first: nothing flows back into it from a later one
    w: "wHhT",
    hasProduct: `t < ${T - 1}`,
    prev: `result[((t + 1) * ${B} + m) * ${H} + k]`, // dZ_{t+1}
    start: "return 0.0;",
    // dH_t = dH_t(output) + dZ_{t+1} W_hhᵀ; dZ_t = dH_t ⊙ (1 − H_t²), the derivative of tanh.
    unit: `let row = (t * ${B} + m) * ${H};
  let h = hAll[row + ${B * H} + n];
  let dz = (dHout[row + n] + acc) * (1.0 - h * h);
  result[row + n] = dz;
  return dz;`,
  }, kind);
}
