import assert from "node:assert/strict";
import { PyRandom } from "./py_random.ts";
import { SHARED } from "../testing.ts";

/** The CPython part of the conformance streams (made with CPython by the shared folder's script). */
interface Streams {
  python_random_shuffle: { seed: number; n: number; epochs: number[][] }[];
  python_getrandbits32: { seed: number; first_10: number[] }[];
}

const streams: Streams = JSON.parse(
  Deno.readTextFileSync(`${SHARED}conformance/rng-streams.json`),
);

Deno.test("PyRandom.getrandbits(32) equals CPython for every conformance seed", () => {
  for (const { seed, first_10 } of streams.python_getrandbits32) {
    const rng = new PyRandom(seed);
    assert.deepEqual(first_10.map(() => rng.getrandbits(32)), first_10, `seed ${seed}`);
  }
});

Deno.test("PyRandom.shuffle equals CPython over three successive epochs", () => {
  for (const { seed, n, epochs } of streams.python_random_shuffle) {
    const rng = new PyRandom(seed);
    for (const [e, expected] of epochs.entries()) {
      const x = Array.from({ length: n }, (_, i) => i);
      rng.shuffle(x);
      assert.deepEqual(x, expected, `seed ${seed}, n ${n}, epoch ${e + 1}`);
    }
  }
});

Deno.test("PyRandom seeds larger than 32 bits use every 32-bit word", () => {
  assert.deepEqual(
    streams.python_random_shuffle.some((s) => s.seed > 0xffffffff),
    true,
    "the conformance file covers a multi-word seed",
  );
  assert.deepEqual(new PyRandom(-5).random(), new PyRandom(5).random()); // abs(seed), as CPython
});

Deno.test("PyRandom.getState/setState: a restored generator continues the same stream; bad states are refused", () => {
  const rng = new PyRandom(0);
  const x = Array.from({ length: 700 }, (_, i) => i);
  rng.shuffle(x); // past one twist of the 624 words
  const saved = JSON.parse(JSON.stringify(rng.getState())); // as a checkpoint stores it
  const expected = Array.from({ length: 1000 }, () => rng.getrandbits(32));
  const restored = new PyRandom(12345);
  restored.setState(saved);
  assert.deepEqual(Array.from({ length: 1000 }, () => restored.getrandbits(32)), expected);
  for (const bad of [{ ...saved, index: 625 }, { ...saved, words: saved.words.slice(1) }]) {
    assert.throws(() => restored.setState(bad), RangeError);
  }
});
