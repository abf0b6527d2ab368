/**
 * A float tolerance as NumPy's `allclose` states it, `|got − want| ≤ atol + rtol·|want|`: one type
 * and one formula for everything that compares floats with a stated tolerance (the grader's
 * feedback, `deno task verify`'s checks).
 *
 * @module
 */

/** A float tolerance: `|got − want| ≤ atol + rtol·|want|`. */
export interface Tolerance {
  /** Relative part. */
  rtol: number;
  /** Absolute part. */
  atol: number;
}

/**
 * Whether `got` is within `tol` of `want`, as NumPy's `isclose`: infinities are close only to
 * themselves, and NaN is close to NaN only with `equalNan` (never otherwise).
 */
export function isClose(got: number, want: number, tol: Tolerance, equalNan = false): boolean {
  if (Number.isNaN(got) || Number.isNaN(want)) {
    return equalNan && Number.isNaN(got) && Number.isNaN(want);
  }
  if (!Number.isFinite(got) || !Number.isFinite(want)) return got === want;
  return Math.abs(got - want) <= tol.atol + tol.rtol * Math.abs(want);
}
