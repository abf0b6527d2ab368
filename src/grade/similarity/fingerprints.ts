/**
 * MOSS's winnowing (Schleimer, Wilkerson and Aiken, "Winnowing: local algorithms for document
 * fingerprinting", SIGMOD 2003), used here to screen a class's pairs before the exact comparison:
 * of every `window` consecutive k-gram hashes, the smallest is kept as a fingerprint, so any run of
 * `window + k - 1` common tokens shares at least one fingerprint. Counting the fingerprints two
 * submissions share, through an index from fingerprint to submissions, costs about the number of
 * fingerprints rather than the number of pairs times the code's length; only the pairs that share
 * enough are then tiled token by token (`tiling.ts`).
 *
 * @module
 */

/**
 * The fingerprints of a stream: the winnowed hashes of its k-gram windows (`hashes`), counting
 * only the windows `usable` allows (those free of the starter code's tokens).
 */
export function winnow(hashes: Int32Array, usable: Uint8Array, window: number): Set<number> {
  const out = new Set<number>();
  for (let start = 0; start + window <= hashes.length; start++) {
    let best = -1;
    for (let i = start; i < start + window; i++) {
      if (usable[i] && (best < 0 || hashes[i] <= hashes[best])) best = i; // the rightmost minimum
    }
    if (best >= 0) out.add(hashes[best]);
  }
  if (hashes.length < window) {
    for (let i = 0; i < hashes.length; i++) if (usable[i]) out.add(hashes[i]);
  }
  return out;
}

/** The index of pair (i, j), i < j, of `n` submissions in a triangular array. */
export function pairIndex(i: number, j: number, n: number): number {
  return i * n - (i * (i + 1)) / 2 + (j - i - 1);
}

/**
 * For every pair of the `prints` (one set per submission), how many fingerprints they share,
 * leaving out those that more than `maxShare` of the submissions hold (code that nearly everyone
 * writes says nothing about a pair, as MOSS's `-m` does). Returns a triangular array by
 * {@linkcode pairIndex}.
 */
export function sharedCounts(prints: readonly Set<number>[], maxShare: number): Int32Array {
  const n = prints.length;
  const holders = new Map<number, number[]>();
  prints.forEach((set, i) => {
    for (const h of set) {
      const list = holders.get(h);
      if (list) list.push(i);
      else holders.set(h, [i]);
    }
  });
  const counts = new Int32Array((n * (n - 1)) / 2);
  const most = Math.max(2, Math.floor(maxShare * n));
  for (const list of holders.values()) {
    if (list.length < 2 || list.length > most) continue;
    for (let x = 0; x < list.length; x++) {
      for (let y = x + 1; y < list.length; y++) counts[pairIndex(list[x], list[y], n)]++;
    }
  }
  return counts;
}
