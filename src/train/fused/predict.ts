/**
 * The chapter's greedy predictions (In [15] `predict_rnn`) as one WebGPU kernel launch for all
 * prefixes and all characters, and one readback: op by op, each character is a dozen tfjs
 * launches and a readback that waits for the GPU, which made the predictions most of the
 * chapter's run on a GPU (measured in `bench/results/README.md`).
 *
 * One workgroup per prefix walks the steps: H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h) (the
 * product as the cooperative recurrence computes it), then Y_t = H_t W_hy + b_y and its argmax
 * (the first of equal maxima, as `tf.argMax`), which is the next input once the prefix is fed.
 * Which input is forced and which is the argmax comes from {@linkcode greedyFeed}, the chapter's
 * rule, as does the text. The sums run in another order than tfjs's, so the text is the same as
 * {@linkcode predictRnnBatch}'s unless two logits come within a rounding of each other (the tests
 * compare them).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { Vocab } from "../../data/vocab.ts";
import type { Params } from "../../model/params.ts";
import { greedyFeed, predictRnnBatch } from "../../model/predict.ts";
import { runKernel } from "./kernel.ts";
import { SLICES, THREADS, workgroupStorageLimit } from "./recurrence.ts";
import { partsSumFn, rowTimesMatrixParts, TANH_FN, treeReduceFn } from "./wgsl.ts";

/** The most steps one launch walks; longer predictions go op by op ({@linkcode predictRnnBatch}). */
const MAX_KERNEL_STEPS = 4096;

/** What {@linkcode greedyFeed} is sent in place of an argmax, to learn where one is fed. */
const FROM_ARGMAX = -1;

/** The workgroup memory the kernel takes: v, the partial sums (or the logits), two trees. */
function workgroupBytes(hidden: number, vocab: number): number {
  return 4 * (hidden + Math.max(SLICES * hidden, vocab) + 2 * THREADS);
}

/**
 * The inputs the chapter's rule feeds prefix by prefix, step-major (entry t·prefixes + i), with
 * {@linkcode FROM_ARGMAX} where the last step's argmax goes, padded with it to the longest.
 */
function feedTable(prefixes: readonly string[], numChars: number, vocab: Vocab): Int32Array[] {
  return prefixes.map((p) => {
    const feed = greedyFeed(p, numChars, vocab);
    const fed: number[] = [];
    for (let s = feed.next(); !s.done; s = feed.next(FROM_ARGMAX)) fed.push(s.value);
    return Int32Array.from(fed);
  });
}

/** The kernel: for step t and prefix m, result[t·rows + m] is the argmax of Y_t. */
function generate(feed: tf.Tensor, params: Params, steps: number, rows: number): tf.Tensor {
  const [V, H] = params.wXh.shape;
  return runKernel({
    key: `predict_v${V}h${H}r${rows}t${steps}_s${SLICES}`,
    inputs: ["feed", "wXh", "wHh", "bH", "wHy", "bY"],
    outputShape: [steps, rows],
    workgroup: [THREADS, 1, 1],
    dispatch: [rows, 1, 1],
    code: `${TANH_FN}
var<workgroup> vec : array<f32, ${H}>;
var<workgroup> part : array<f32, ${Math.max(SLICES * H, V)}>;
${treeReduceFn("max", THREADS, "max(a, b)")}
${treeReduceFn("min", THREADS, "min(a, b)")}
${partsSumFn(H, SLICES)}
fn logit(n : i32) -> f32 { return part[n] + bY[n]; } // Y_t, once part holds H_t W_hy
fn kernel() {
  let m = i32(workgroupId.x);
  let li = i32(localIndex);
  var argmax = 0;
  for (var n = li; n < ${H}; n = n + ${THREADS}) { vec[n] = 0.0; } // the state starts at zero
  workgroupBarrier();
  for (var t = 0; t < ${steps}; t = t + 1) {
    let forced = feed[t * ${rows} + m];
    let x = select(argmax, forced, forced != ${FROM_ARGMAX});
    ${rowTimesMatrixParts("wHh", H, H, SLICES, THREADS)}
    workgroupBarrier();
    for (var n = li; n < ${H}; n = n + ${THREADS}) {
      vec[n] = tanhF(partsSum(n) + wXh[x * ${H} + n] + bH[n]); // H_t
    }
    workgroupBarrier();
    ${rowTimesMatrixParts("wHy", H, V, 1, THREADS)}
    workgroupBarrier();
    var best = -3.402823e38;
    for (var n = li; n < ${V}; n = n + ${THREADS}) {
      let y = logit(n);
      if (y > best) { best = y; } // not max(): a NaN never wins
    }
    let largest = reduce_max(best);
    var first = f32(${V});
    for (var n = li; n < ${V}; n = n + ${THREADS}) {
      first = min(first, select(f32(${V}), f32(n), logit(n) == largest));
    }
    argmax = i32(reduce_min(first)); // the lowest index among equal maxima
    if (li == 0) { result[t * ${rows} + m] = f32(argmax); }
  }
}`,
  }, [feed, params.wXh, params.wHh, params.bH, params.wHy, params.bY]);
}

/**
 * {@linkcode predictRnnBatch} on the webgpu backend in one launch: the prefix followed by
 * `numChars + 1` greedily predicted characters, for each prefix. Where the launch would not fit
 * (workgroup memory for the sizes, or more than {@linkcode MAX_KERNEL_STEPS} steps), it is
 * `predictRnnBatch` itself.
 */
export async function predictFused(
  prefixes: readonly string[],
  numChars: number,
  params: Params,
  vocab: Vocab,
): Promise<string[]> {
  const [V, H] = params.wXh.shape;
  const limit = workgroupStorageLimit();
  const fed = feedTable(prefixes, numChars, vocab);
  const steps = Math.max(0, ...fed.map((f) => f.length));
  if (prefixes.length === 0 || steps > MAX_KERNEL_STEPS || workgroupBytes(H, V) > limit) {
    return predictRnnBatch(prefixes, numChars, params, vocab);
  }
  const rows = prefixes.length;
  const table = new Int32Array(steps * rows).fill(FROM_ARGMAX);
  fed.forEach((f, m) => f.forEach((x, t) => table[t * rows + m] = x));
  const feed = tf.tensor1d(table, "int32");
  const out = generate(feed, params, steps, rows);
  const argmax = await out.data();
  tf.dispose([feed, out]);
  return prefixes.map((p, m) => {
    const feed = greedyFeed(p, numChars, vocab);
    let s = feed.next();
    for (let t = 0; !s.done; t++) s = feed.next(argmax[t * rows + m]);
    return s.value;
  });
}
