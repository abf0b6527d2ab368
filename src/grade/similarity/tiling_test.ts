// Greedy String Tiling against a brute force: its tiles are exact, disjoint and long enough, and
// once it stops no common run of the minimum length is left untiled; it finds code that moved.

import assert from "node:assert/strict";
import { PyRandom } from "../../random/py_random.ts";
import { greedyTiles, type Side, windowHashes } from "./tiling.ts";

function side(kinds: number[], k: number, marked?: Uint8Array): Side {
  const array = Int32Array.from(kinds);
  return {
    kinds: array,
    hashes: windowHashes(array, k),
    marked: marked ?? new Uint8Array(kinds.length),
  };
}

/** The longest run common to both sides over unmarked tokens, by brute force. */
function longestFree(x: Side, y: Side): number {
  let best = 0;
  for (let p = 0; p < x.kinds.length; p++) {
    for (let q = 0; q < y.kinds.length; q++) {
      let n = 0;
      while (
        p + n < x.kinds.length && q + n < y.kinds.length && !x.marked[p + n] &&
        !y.marked[q + n] && x.kinds[p + n] === y.kinds[q + n]
      ) n++;
      best = Math.max(best, n);
    }
  }
  return best;
}

Deno.test("tiles are exact, disjoint and at least minMatch long, and leave no common run that long (300 seeded cases)", () => {
  for (let seed = 0; seed < 300; seed++) {
    const rng = new PyRandom(seed);
    const k = 2 + rng.randbelow(4);
    const alphabet = 2 + rng.randbelow(4);
    const a = Array.from({ length: 10 + rng.randbelow(60) }, () => rng.randbelow(alphabet));
    // b: pieces of a, moved, with noise between them
    const b: number[] = [];
    while (b.length < 40) {
      const from = rng.randbelow(a.length);
      b.push(...a.slice(from, from + 1 + rng.randbelow(12)), rng.randbelow(alphabet));
    }
    const base = new Uint8Array(a.length).map(() => Number(rng.random() < 0.1));
    const x = side(a, k, base.slice());
    const y = side(b, k);
    const tiles = greedyTiles(x, y, k);
    const coveredA = new Uint8Array(a.length);
    const coveredB = new Uint8Array(b.length);
    for (const t of tiles) {
      assert.ok(t.length >= k, `seed ${seed}: a tile of ${t.length} < ${k}`);
      for (let i = 0; i < t.length; i++) {
        assert.equal(a[t.a + i], b[t.b + i], `seed ${seed}: tile ${JSON.stringify(t)} not exact`);
        assert.equal(base[t.a + i], 0, `seed ${seed}: a tile covers a starter token`);
        assert.equal(coveredA[t.a + i] + coveredB[t.b + i], 0, `seed ${seed}: tiles overlap`);
        coveredA[t.a + i] = coveredB[t.b + i] = 1;
      }
    }
    assert.ok(longestFree(x, y) < k, `seed ${seed}: a common run of ${k} is left untiled`);
  }
});

Deno.test("functions in another order are found as tiles in another order", () => {
  const f = [1, 2, 3, 4, 5, 6, 7, 8];
  const g = [9, 9, 8, 7, 6, 5, 4, 3];
  const h = [1, 1, 2, 2, 3, 3, 4, 4];
  const x = side([...f, ...g, ...h], 4);
  const y = side([...h, 0, ...f, 0, ...g], 4);
  const tiles = greedyTiles(x, y, 4).sort((p, q) => p.a - q.a);
  assert.deepEqual(tiles, [
    { a: 0, b: 9, length: 8 },
    { a: 8, b: 18, length: 8 },
    { a: 16, b: 0, length: 8 },
  ]);
});
