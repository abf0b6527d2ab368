/**
 * NumPy's legacy `numpy.random.RandomState(seed).normal(loc, scale, size)`: MT19937 seeded with
 * `init_genrand`, 53-bit doubles, and the polar Box–Muller method that caches its second value.
 * The project draws the chapter's initial weights with it, so a Python run can start from the
 * same parameters.
 *
 * @module
 */

import { Mt19937 } from "./mt19937.ts";

/**
 * NumPy's legacy `RandomState` for an integer seed in [0, 2^32): normal draws only.
 *
 * @example `np.random.RandomState(0).normal(0, 0.01, 3)`, bit for bit
 * ```ts
 * import assert from "node:assert/strict";
 * import { NumpyRandomState } from "@rnnlab/rnnlab";
 *
 * const draws = new NumpyRandomState(0).normal(0, 0.01, 3);
 * assert.deepEqual(Array.from(draws), [
 *   0.017640523459676642,
 *   0.004001572083672233,
 *   0.009787379841057393,
 * ]);
 * ```
 */
export class NumpyRandomState {
  #mt = new Mt19937();
  #gauss: number | undefined;

  /** Seeds like `RandomState(seed)`. */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`RandomState seed must be an integer in 0..2^32-1, got ${seed}`);
    }
    this.#mt.initGenrand(seed);
  }

  /** One standard normal draw (`legacy_gauss`): polar method, second value kept for the next call. */
  standardNormal(): number {
    if (this.#gauss !== undefined) {
      const cached = this.#gauss;
      this.#gauss = undefined;
      return cached;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.#mt.nextDouble() - 1;
      x2 = 2 * this.#mt.nextDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt(-2 * Math.log(r2) / r2);
    this.#gauss = f * x1;
    return f * x2;
  }

  /** `normal(loc, scale, size)`: `size` float64 draws of `loc + scale * N(0, 1)`, in order. */
  normal(loc: number, scale: number, size: number): Float64Array {
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = loc + scale * this.standardNormal();
    return out;
  }
}
