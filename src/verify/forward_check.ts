/**
 * An engine's forward pass of the RNN held to the float64 forward of the same parameters and
 * inputs, within the derived tolerance (`derived_tolerance.ts`): what `deno task export --check`
 * and `deno task verify` ask of onnxruntime and of tfjs, and what every mutation of
 * `test/mutations_test.ts` must fail.
 *
 * @module
 */

import type { ParamArrays } from "../model/params.ts";
import type { Check } from "./check.ts";
import {
  type DerivedTolerance,
  derivedTolerance,
  FLOAT32_TANH_ERROR,
  float32SumBound,
  maxAbsDifference,
  NOISE_MULTIPLE,
} from "./derived_tolerance.ts";
import { referenceForward, type ReferenceOutputs } from "./reference_forward.ts";

/** The outputs an engine's forward gives: logits `[seq, batch, vocab]` and the last state. */
export interface ForwardOutputs {
  /** `[seq, batch, vocab]`, row-major. */
  logits: ArrayLike<number>;
  /** `[batch, hidden]`: the state after the last step. */
  hN: ArrayLike<number>;
}

/** The float64 forward of a model on a batch, and the tolerance of each output derived from it. */
export interface ForwardYardstick {
  /** The float64 outputs. */
  reference: ReferenceOutputs;
  /** The logits' tolerance. */
  logits: DerivedTolerance;
  /** The last state's tolerance. */
  hN: DerivedTolerance;
  /** `[seq, batch, vocab]` and `[batch, hidden]`, to locate a difference. */
  dims: { logits: number[]; hN: number[] };
}

/** The largest of `values` (0 for none). */
function largest(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]);
  return max;
}

/** `max_j Σ_k |W[k, j]|`: how much an error of at most 1 in each input can move any output. */
function largestColumnSum(w: ParamArrays["W_hy"]): number {
  const [rows, cols] = w.shape;
  const sums = new Float64Array(cols);
  for (let k = 0; k < rows; k++) {
    for (let j = 0; j < cols; j++) sums[j] += Math.abs(w.data[k * cols + j]);
  }
  return largest(sums);
}

/**
 * Runs the forward in float64 and in plain float32 on `tokens[t][b]` from `h0`, and derives the
 * tolerances. Their floors are what a correct engine may do that the plain float32 forward does
 * not, in the last step: sum in another order (the rounding bound of a sum of `hidden + 2` terms
 * for the state: the products, the input's row, the bias; of `hidden + 1` for the logits) and
 * approximate `tanh` ({@linkcode FLOAT32_TANH_ERROR}, carried into the logits through `W_hy`:
 * `max_j Σ_k |W_hy[k, j]|` times it). How rounding grows over the steps is the noise's part.
 */
export function forwardYardstick(
  p: ParamArrays,
  tokens: readonly (readonly number[])[],
  h0: Float32Array,
): ForwardYardstick {
  const [vocab, hidden] = p.W_xh.shape;
  const reference = referenceForward(p, tokens, h0, "float64");
  const plain = referenceForward(p, tokens, h0, "float32");
  const hFloor = float32SumBound(hidden + 2, largest(reference.hNTermSums)) + FLOAT32_TANH_ERROR;
  const logitFloor = float32SumBound(hidden + 1, largest(reference.logitTermSums)) +
    largestColumnSum(p.W_hy) * FLOAT32_TANH_ERROR;
  return {
    reference,
    logits: derivedTolerance(plain.logits, reference.logits, logitFloor),
    hN: derivedTolerance(plain.hN, reference.hN, hFloor),
    dims: { logits: [tokens.length, tokens[0].length, vocab], hN: [tokens[0].length, hidden] },
  };
}

/** An output's largest difference from float64 over its tolerance: above 1 fails. */
export interface Margin {
  /** The largest absolute difference from float64. */
  worst: number;
  /** Its flat index. */
  at: number;
  /** The tolerance. */
  tol: DerivedTolerance;
  /** `worst / tol.tol` (NaN where an output is NaN). */
  ratio: number;
}

/** Each output's margin (`worst / tol`) of an engine's outputs against the yardstick. */
export function forwardMargins(
  got: ForwardOutputs,
  y: ForwardYardstick,
): { logits: Margin; hN: Margin } {
  const margin = (out: ArrayLike<number>, want: Float64Array, tol: DerivedTolerance): Margin => {
    const { worst, at } = out.length === want.length
      ? maxAbsDifference(out, want)
      : { worst: Infinity, at: 0 };
    return { worst, at, tol, ratio: worst / tol.tol };
  };
  return {
    logits: margin(got.logits, y.reference.logits, y.logits),
    hN: margin(got.hN, y.reference.hN, y.hN),
  };
}

/** `flat` as an index into an array of `dims`, row-major. */
function unflatten(flat: number, dims: number[]): number[] {
  return dims.map((_, k) =>
    Math.floor(flat / dims.slice(k + 1).reduce((a, b) => a * b, 1)) % dims[k]
  );
}

/** How a tolerance came about, in a table cell. */
function toleranceText(t: DerivedTolerance): string {
  const noise = `${NOISE_MULTIPLE} × float32 noise ${t.noise.toExponential(1)}`;
  const floor = `last-step floor ${t.floor.toExponential(1)}`;
  return `≤ ${t.tol.toExponential(2)} (${
    NOISE_MULTIPLE * t.noise >= t.floor ? noise : `${floor} > ${noise}`
  })`;
}

/** One row: `engine`'s `output` against the float64 forward, within its derived tolerance. */
function marginRow(
  engine: string,
  output: "logits" | "h_n",
  m: Margin,
  got: ArrayLike<number>,
  want: Float64Array,
  dims: number[],
  batchText: string,
): Check {
  return {
    name: `${engine}: ${output} match the float64 forward ${batchText}`,
    status: m.ratio <= 1 ? "ok" : "FAIL",
    measured: `max abs Δ ${m.worst.toExponential(2)} (${m.ratio.toPrecision(2)} of tol)`,
    expected: toleranceText(m.tol),
    worst: got.length === want.length
      ? `[${unflatten(m.at, dims).join(", ")}]: ${got[m.at]} vs ${want[m.at].toPrecision(9)}`
      : `${got.length} values, not ${want.length}`,
  };
}

/**
 * The rows saying whether `engine`'s outputs (`got`) are within the derived tolerance of the
 * float64 forward, the logits' and the last state's; `batchText` names the batch in each row.
 */
export function forwardChecks(
  engine: string,
  got: ForwardOutputs,
  y: ForwardYardstick,
  batchText: string,
): Check[] {
  const m = forwardMargins(got, y);
  return [
    marginRow(engine, "logits", m.logits, got.logits, y.reference.logits, y.dims.logits, batchText),
    marginRow(engine, "h_n", m.hN, got.hN, y.reference.hN, y.dims.hN, batchText),
  ];
}
