/**
 * CPython 3's `random.Random(seed)` for integer seeds, bit for bit: the chapter's
 * `data_iter_random` calls `random.shuffle`, and this class lets a TypeScript run draw the very
 * same permutations as the Python code for the same seed.
 *
 * @module
 */

import { Mt19937, type Mt19937State } from "./mt19937.ts";

/** A {@linkcode PyRandom}'s state: what CPython's `getstate()` holds for an integer-seeded generator. */
export type PyRandomState = Mt19937State;

/** Splits a non-negative integer into little-endian 32-bit words, as CPython's `random_seed` does. */
function seedWords(seed: bigint): number[] {
  const words: number[] = [];
  let rest = seed < 0n ? -seed : seed; // CPython seeds with abs(n)
  do {
    words.push(Number(rest & 0xffffffffn));
    rest >>= 32n;
  } while (rest > 0n);
  return words;
}

/**
 * CPython's `random.Random` seeded with an integer: `getrandbits`, `random`, `randbelow`, `shuffle`.
 *
 * @example The same numbers as `random.Random(0)` and `random.Random(1).shuffle` in Python
 * ```ts
 * import assert from "node:assert/strict";
 * import { PyRandom } from "@rnnlab/rnnlab";
 *
 * assert.equal(new PyRandom(0).getrandbits(32), 3626764237);
 * const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
 * new PyRandom(1).shuffle(x);
 * assert.deepEqual(x, [6, 8, 9, 7, 5, 3, 0, 4, 1, 2]);
 * ```
 */
export class PyRandom {
  #mt = new Mt19937();

  /** Seeds like `random.Random(seed)`; any safe integer or bigint, negative seeds as their absolute value. */
  constructor(seed: number | bigint) {
    if (typeof seed === "number" && !Number.isSafeInteger(seed)) {
      throw new RangeError(`PyRandom seed must be an integer, got ${seed}`);
    }
    this.#mt.initByArray(seedWords(BigInt(seed)));
  }

  /** `getstate()`: a copy of the state, so a later `setState` continues the same stream. */
  getState(): PyRandomState {
    return this.#mt.getState();
  }

  /** `setstate(state)`: continues the stream from a state `getState` returned. */
  setState(state: PyRandomState): void {
    this.#mt.setState(state);
  }

  /** `getrandbits(k)` for 0 <= k <= 32: the top k bits of one 32-bit word. */
  getrandbits(k: number): number {
    if (!Number.isInteger(k) || k < 0 || k > 32) {
      throw new RangeError(`getrandbits supports 0..32 bits, got ${k}`);
    }
    if (k === 0) return 0;
    return this.#mt.nextUint32() >>> (32 - k);
  }

  /** `random()`: a double in [0, 1) with 53 random bits. */
  random(): number {
    return this.#mt.nextDouble();
  }

  /** `_randbelow(n)`: an integer in [0, n), by rejection sampling on `n.bit_length()` bits. */
  randbelow(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 0xffffffff) {
      throw new RangeError(`randbelow needs an integer in 1..2^32-1, got ${n}`);
    }
    const k = 32 - Math.clz32(n);
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** `shuffle(x)` in place: Fisher–Yates from the end, `j = randbelow(i + 1)`. */
  shuffle<T>(x: T[]): void {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      [x[i], x[j]] = [x[j], x[i]];
    }
  }
}
