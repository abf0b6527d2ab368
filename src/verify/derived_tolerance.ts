/**
 * How far a float32 engine may land from a float64 computation of the same model, derived from
 * the problem instead of chosen: the one rule behind every comparison of float32 engines
 * (docs/verify.md, "Derived tolerances").
 *
 * 1. Compute the outputs in float64 from the same (float32) parameters and inputs: the yardstick.
 * 2. Compute them with a plain float32 engine (every operation rounded to float32, sums left to
 *    right) and take its largest absolute difference from float64: the float32 _noise_ of this
 *    model on these inputs. It is large where the model amplifies rounding (a trained RNN, whose
 *    `W_hh` has a spectral norm of 8 after the chapter's 200 epochs, over 35 steps of `tanh`) and
 *    tiny where it does not.
 * 3. An engine passes when its largest difference from float64 is at most
 *    {@linkcode NOISE_MULTIPLE} times the noise, and never less than a bound on the rounding of
 *    the last float32 sum each output is ({@linkcode float32SumBound}), so that a model whose noise
 *    is nearly zero (an untrained one) does not hold engines that sum in another order to zero.
 *
 * Each engine is compared with float64, never with another engine: two correct engines can sit up
 * to twice the tolerance apart, and a comparison of two engines cannot say which one is wrong.
 *
 * @module
 */

/** float32's unit roundoff, `u = 2⁻²⁴`: a rounding to float32 changes a value by at most `u·|x|`. */
export const FLOAT32_UNIT_ROUNDOFF: number = 2 ** -24;

/**
 * The absolute error allowed a float32 `tanh`, `4u`: libraries approximate it to a few units of
 * `u` in absolute terms rather than correctly rounded (onnxruntime's MLAS `tanh` measured up to
 * 2.9u from the float64 one over [-3, 3], and 1.0e-7 = 1.7u on the state of an untrained model,
 * whose values are near 0.01: 2.5e-5 relative). A correctly rounded one errs by at most `u/2`.
 */
export const FLOAT32_TANH_ERROR: number = 4 * FLOAT32_UNIT_ROUNDOFF;

/**
 * The multiple of the float32 noise an engine may show: a correct engine that sums in another order,
 * or with fused multiply-adds, or pairwise, lands anywhere from far below the plain float32
 * forward's noise to about its size (onnxruntime measured 0.43 of it on the chapter's 200-epoch
 * model and 1.24 on `golden/trained_small`, tfjs 0.03 and 0.66); every mutation of
 * `test/mutations_test.ts` lands 14 or more times the tolerance away (docs/verify.md).
 */
export const NOISE_MULTIPLE = 4;

/** `γ_n = n·u / (1 − n·u)`: the relative bound on the rounding of n float32 operations in a row. */
export function gamma(n: number): number {
  const nu = n * FLOAT32_UNIT_ROUNDOFF;
  if (nu >= 1) throw new RangeError(`γ_${n} is unbounded in float32 (n·u ≥ 1)`);
  return nu / (1 - nu);
}

/**
 * A bound on the rounding error of a sum of `n` terms computed in float32 in any order, whose
 * absolute values add up to `absSum`: `γ_{n−1}·absSum` (Higham, _Accuracy and Stability of
 * Numerical Algorithms_, 2nd ed., §4.2), taken here as `γ_n·absSum` to count the rounding of each
 * product too.
 */
export function float32SumBound(n: number, absSum: number): number {
  return gamma(n) * absSum;
}

/** The largest absolute difference between `got` and `want`, and where (NaN counts as the worst). */
export function maxAbsDifference(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
): { worst: number; at: number } {
  let [worst, at] = [0, 0];
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (Number.isNaN(d)) return { worst: NaN, at: i };
    if (d > worst) [worst, at] = [d, i];
  }
  return { worst, at };
}

/** A derived tolerance and what it came from. */
export interface DerivedTolerance {
  /** The plain float32 computation's largest difference from float64. */
  noise: number;
  /** The float32 rounding bound of the last sum, the least tolerance allowed. */
  floor: number;
  /** `max(NOISE_MULTIPLE·noise, floor)`: the largest difference from float64 an engine may show. */
  tol: number;
}

/**
 * The tolerance for outputs whose float64 values are `float64`, given a plain float32
 * computation of them (`float32`) and the rounding bound of their last sum (`floor`).
 */
export function derivedTolerance(
  float32: ArrayLike<number>,
  float64: ArrayLike<number>,
  floor: number,
): DerivedTolerance {
  const noise = maxAbsDifference(float32, float64).worst;
  return { noise, floor, tol: Math.max(NOISE_MULTIPLE * noise, floor) };
}
