/**
 * Greedy String Tiling, JPlag's comparison (Wise, "Running Karp-Rabin Matching and Greedy String
 * Tiling", 1993): cover two token streams with the longest common runs first, each token in at
 * most one run ("tile"), runs shorter than `minMatch` ignored. Unlike a diff, it finds code that
 * moved: functions in another order are tiles in another order. Windows of `minMatch` tokens are
 * found through their Karp–Rabin hashes, so one round costs about the streams' length rather than
 * its square.
 *
 * Tokens already marked (the starter code's, see `similarity.ts`) never take part in a tile.
 *
 * @module
 */

/** A common run: `length` tokens from `a` in the first stream and `b` in the second. */
export interface Tile {
  a: number;
  b: number;
  length: number;
}

/** The Karp–Rabin hash of every window of `k` tokens of `kinds` (`length - k + 1` of them). */
export function windowHashes(kinds: Int32Array, k: number): Int32Array {
  const n = kinds.length - k + 1;
  if (n <= 0) return new Int32Array(0);
  const base = 0x01000193;
  let power = 1; // base^(k-1)
  for (let i = 1; i < k; i++) power = Math.imul(power, base);
  const out = new Int32Array(n);
  let h = 0;
  for (let i = 0; i < k; i++) h = (Math.imul(h, base) + kinds[i] + 1) | 0;
  out[0] = h;
  for (let i = 1; i < n; i++) {
    h = (Math.imul(h - Math.imul(kinds[i - 1] + 1, power), base) + kinds[i + k - 1] + 1) | 0;
    out[i] = h;
  }
  return out;
}

/** For each window start, whether its `k` tokens are all unmarked. */
function freeWindows(marked: Uint8Array, k: number): Uint8Array {
  const n = Math.max(0, marked.length - k + 1);
  const free = new Uint8Array(n);
  let run = 0; // unmarked tokens in a row, ending at i
  for (let i = 0; i < marked.length; i++) {
    run = marked[i] ? 0 : run + 1;
    if (run >= k) free[i - k + 1] = 1;
  }
  return free;
}

/** One side of a comparison: its tokens, window hashes and marks (changed as tiles are laid). */
export interface Side {
  kinds: Int32Array;
  hashes: Int32Array;
  marked: Uint8Array;
}

/** The longest matches not yet tiled, all of the same length (the longest), or none. */
function longestMatches(x: Side, y: Side, k: number): { length: number; at: [number, number][] } {
  const freeY = freeWindows(y.marked, k);
  const table = new Map<number, number[]>();
  for (let q = 0; q < freeY.length; q++) {
    if (!freeY[q]) continue;
    const list = table.get(y.hashes[q]);
    if (list) list.push(q);
    else table.set(y.hashes[q], [q]);
  }
  const freeX = freeWindows(x.marked, k);
  let best = k;
  let at: [number, number][] = [];
  for (let p = 0; p < freeX.length; p++) {
    if (!freeX[p]) continue;
    const candidates = table.get(x.hashes[p]);
    if (candidates === undefined) continue;
    for (const q of candidates) {
      // A match that extends to the left is found, longer, from its own start.
      if (
        p > 0 && q > 0 && !x.marked[p - 1] && !y.marked[q - 1] && x.kinds[p - 1] === y.kinds[q - 1]
      ) continue;
      let n = 0;
      while (
        p + n < x.kinds.length && q + n < y.kinds.length && !x.marked[p + n] &&
        !y.marked[q + n] && x.kinds[p + n] === y.kinds[q + n]
      ) n++;
      if (n > best) [best, at] = [n, [[p, q]]];
      else if (n === best) at.push([p, q]);
    }
  }
  return { length: at.length === 0 ? 0 : best, at };
}

/**
 * Tiles `x` and `y` (their marks updated): repeatedly the longest common runs of at least
 * `minMatch` unmarked tokens, longest first. Returns the tiles in the order laid.
 */
export function greedyTiles(x: Side, y: Side, minMatch: number): Tile[] {
  const tiles: Tile[] = [];
  for (;;) {
    const { length, at } = longestMatches(x, y, minMatch);
    if (length === 0) break;
    for (const [p, q] of at) {
      let free = true;
      for (let i = 0; i < length && free; i++) free = !x.marked[p + i] && !y.marked[q + i];
      if (!free) continue; // occluded by a tile laid in this round
      x.marked.fill(1, p, p + length);
      y.marked.fill(1, q, q + length);
      tiles.push({ a: p, b: q, length });
    }
    if (length === minMatch) break;
  }
  return tiles;
}
