/**
 * The Mersenne Twister MT19937 (Matsumoto & Nishimura, 1998), the generator behind both CPython's
 * `random` module and NumPy's legacy `RandomState`. Only the seeding differs between the two, so
 * both seeding routines live here and the wrappers choose one.
 *
 * @module
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** The whole state of an {@linkcode Mt19937}: its 624 words and its position among them. */
export interface Mt19937State {
  /** The 624 32-bit words, as non-negative numbers. */
  words: number[];
  /** How many of them have been used since the last twist (0 to 624). */
  index: number;
}

/** The raw MT19937 state machine: 624 words and a position, producing 32-bit words. */
export class Mt19937 {
  #mt = new Uint32Array(N);
  #index = N + 1;

  /** A copy of the state, as CPython's `getstate()` holds it (the words, then the position). */
  getState(): Mt19937State {
    if (this.#index > N) throw new Error("Mt19937 used before it was seeded");
    return { words: Array.from(this.#mt), index: this.#index };
  }

  /** Restores a state from {@linkcode getState}; throws a `RangeError` for one that is not. */
  setState(state: Mt19937State): void {
    const { words, index } = state;
    const ok = Array.isArray(words) && words.length === N &&
      words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff) &&
      Number.isInteger(index) && index >= 0 && index <= N;
    if (!ok) throw new RangeError(`not an MT19937 state: ${N} 32-bit words and an index 0..${N}`);
    this.#mt.set(words);
    this.#index = index;
  }

  /** Seeds from one 32-bit integer (`init_genrand` in the reference C code; NumPy's legacy seed). */
  initGenrand(seed: number): void {
    const mt = this.#mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.#index = N;
  }

  /** Seeds from an array of 32-bit words (`init_by_array`; CPython's `random.seed(int)`). */
  initByArray(key: readonly number[]): void {
    const mt = this.#mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    this.#index = N;
  }

  /** The next 32-bit output word (`genrand_uint32`), as a non-negative number. */
  nextUint32(): number {
    const mt = this.#mt;
    if (this.#index > N) throw new Error("Mt19937 used before it was seeded");
    if (this.#index === N) {
      for (let k = 0; k < N; k++) {
        const y = (mt[k] & UPPER_MASK) | (mt[(k + 1) % N] & LOWER_MASK);
        mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      this.#index = 0;
    }
    let y = mt[this.#index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) with 53 random bits (`genrand_res53`), as CPython and NumPy compute it. */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }
}
