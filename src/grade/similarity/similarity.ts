/**
 * Similarity of a class's submissions, the JPlag/MOSS way, for a human to read: never a verdict,
 * never a grade.
 *
 * 1. Each submission is tokenised and normalised (`tokens.ts`: identifiers and literals abstracted,
 *    comments and whitespace dropped).
 * 2. The starter code's tokens are excluded, as JPlag's base code is: the runs a submission shares
 *    with the starter file (signatures, types, imports) are tiled first and never count.
 * 3. Every pair is screened by shared winnowed fingerprints (`fingerprints.ts`); the pairs that
 *    share enough are compared exactly by Greedy String Tiling (`tiling.ts`), which finds common
 *    runs wherever they moved to (functions reordered).
 * 4. A pair's similarity is JPlag's: the tokens covered by tiles over the tokens of both,
 *    `2 · matched / (own_a + own_b)`, each side's own tokens being those that are not starter code.
 *    A pair at or above the threshold is flagged.
 *
 * The behavioural signal (the same wrong outputs on hidden cases) comes from the class's records
 * (`behaviour.ts`) and is added by the caller.
 *
 * @module
 */

import { pairIndex, sharedCounts, winnow } from "./fingerprints.ts";
import { greedyTiles, type Side, type Tile, windowHashes } from "./tiling.ts";
import { tokenize, type TokenStream } from "./tokens.ts";

/** A submission's graded source. */
export interface SourceFile {
  /** The student's id. */
  student: string;
  /** The file compared, as the class folder names it. */
  file: string;
  /** Its source (a notebook's graded cells, for a notebook). */
  text: string;
}

/** How to compare. */
export interface SimilarityOptions {
  /** The starter file's source, whose tokens are excluded. */
  starter: string;
  /** The shortest run of tokens that counts (JPlag's minimum match length). */
  minMatch: number;
  /** A pair at or above this similarity is flagged. */
  threshold: number;
  /** Winnowing's window, in k-grams. */
  window: number;
}

/** The defaults, chosen by the measurement in `bench/results/` (see docs/autograder.md). */
export const SIMILARITY_DEFAULTS: Omit<SimilarityOptions, "starter"> = {
  minMatch: 12,
  threshold: 0.9,
  window: 4,
};

/** Fewer own tokens than this and a submission is not compared: there is too little to say. */
const MIN_OWN_TOKENS = 40;

/** A stretch of source, by UTF-16 offsets. */
export interface Span {
  start: number;
  end: number;
}

/** A common run of tokens, as text in each of the two files. */
export interface Match {
  a: Span;
  b: Span;
  /** How many tokens it covers. */
  tokens: number;
}

/** One pair compared token by token. */
export interface PairScore {
  /** Indices into the report's `files`, `a < b`. */
  a: number;
  b: number;
  /** `2 · matched / (own_a + own_b)`. */
  similarity: number;
  /** The share of each side's own tokens that is matched. */
  coverA: number;
  coverB: number;
  /** Tokens matched (on each side). */
  matched: number;
  /** The common runs, in the order of the first file. */
  matches: Match[];
}

/** A submission as compared. */
export interface Compared {
  file: SourceFile;
  /** Its tokens that are not starter code. */
  own: number;
  /** Why it was not compared, if it was not. */
  skipped?: string;
}

/** What comparing a class found. */
export interface SimilarityResult {
  files: Compared[];
  /** The pairs compared token by token, most similar first. */
  pairs: PairScore[];
  /** How many pairs were screened in all. */
  screened: number;
  options: Omit<SimilarityOptions, "starter">;
}

interface Prepared {
  tokens: TokenStream;
  hashes: Int32Array;
  base: Uint8Array;
  own: number;
  prints: Set<number>;
}

/** Tokenises `text` and marks the tokens it shares with the starter file's. */
function prepare(text: string, starter: TokenStream, opts: SimilarityOptions): Prepared {
  const tokens = tokenize(text);
  const hashes = windowHashes(tokens.kinds, opts.minMatch);
  const mine: Side = { kinds: tokens.kinds, hashes, marked: new Uint8Array(tokens.kinds.length) };
  const theirs: Side = {
    kinds: starter.kinds,
    hashes: windowHashes(starter.kinds, opts.minMatch),
    marked: new Uint8Array(starter.kinds.length),
  };
  greedyTiles(mine, theirs, opts.minMatch);
  const base = mine.marked;
  const usable = new Uint8Array(hashes.length);
  let run = 0;
  for (let i = 0; i < base.length; i++) {
    run = base[i] ? 0 : run + 1;
    if (run >= opts.minMatch) usable[i - opts.minMatch + 1] = 1;
  }
  const own = base.length - base.reduce((s, m) => s + m, 0);
  return { tokens, hashes, base, own, prints: winnow(hashes, usable, opts.window) };
}

/** Tiles one pair from scratch (the starter's tokens marked) and scores it. */
function comparePair(x: Prepared, y: Prepared, minMatch: number): Omit<PairScore, "a" | "b"> {
  const sx: Side = { kinds: x.tokens.kinds, hashes: x.hashes, marked: x.base.slice() };
  const sy: Side = { kinds: y.tokens.kinds, hashes: y.hashes, marked: y.base.slice() };
  const tiles = greedyTiles(sx, sy, minMatch).sort((p, q) => p.a - q.a);
  const matched = tiles.reduce((s, t) => s + t.length, 0);
  const span = (t: TokenStream, from: number, length: number): Span => ({
    start: t.starts[from],
    end: t.ends[from + length - 1],
  });
  return {
    similarity: (2 * matched) / (x.own + y.own),
    coverA: matched / x.own,
    coverB: matched / y.own,
    matched,
    matches: tiles.map((t: Tile) => ({
      a: span(x.tokens, t.a, t.length),
      b: span(y.tokens, t.b, t.length),
      tokens: t.length,
    })),
  };
}

/**
 * The share of the smaller side's fingerprints a pair must share to be tiled. In the measurement
 * (`bench/results/`), every pair of similarity 0.7 or more shared at least 0.4 of them.
 */
const SCREEN_BAR = 0.4;

/**
 * The pairs worth tiling: those whose shared fingerprints cover at least {@linkcode SCREEN_BAR} of
 * the smaller side's, and in any case the 2n that share the most (the top of the report), plus the
 * pairs in `also`.
 */
function candidates(
  prepared: Prepared[],
  compared: number[],
  also: Set<string>,
): [number, number][] {
  const prints = compared.map((i) => prepared[i].prints);
  const counts = sharedCounts(prints, 0.5);
  const n = compared.length;
  const scored: { pair: [number, number]; screen: number }[] = [];
  for (let x = 0; x < n; x++) {
    for (let y = x + 1; y < n; y++) {
      const shared = counts[pairIndex(x, y, n)];
      const smaller = Math.min(prints[x].size, prints[y].size);
      const pair: [number, number] = [compared[x], compared[y]];
      const screen = smaller === 0 ? 0 : shared / smaller;
      if (screen > 0 || also.has(pair.join(","))) scored.push({ pair, screen });
    }
  }
  scored.sort((p, q) => q.screen - p.screen);
  const top = Math.max(20, 2 * n);
  return scored
    .filter((s, rank) => rank < top || s.screen >= SCREEN_BAR || also.has(s.pair.join(",")))
    .map((s) => s.pair);
}

/**
 * Compares every pair of `files` (see the module's notes). `alsoCompare` names pairs (`"i,j"`,
 * indices into `files`, i < j) to tile whatever their screening, such as those the behavioural
 * signal points at.
 */
export function compareClass(
  files: SourceFile[],
  opts: SimilarityOptions,
  alsoCompare: Set<string> = new Set(),
): SimilarityResult {
  const starter = tokenize(opts.starter);
  const prepared = files.map((f) => prepare(f.text, starter, opts));
  const comparedFiles: Compared[] = files.map((file, i) => ({
    file,
    own: prepared[i].own,
    ...(prepared[i].own < MIN_OWN_TOKENS && {
      skipped: `${prepared[i].own} tokens of its own besides the starter code: too few to compare`,
    }),
  }));
  const compared = comparedFiles.flatMap((c, i) => (c.skipped ? [] : [i]));
  const pairs = candidates(prepared, compared, alsoCompare).map(([a, b]) => ({
    a,
    b,
    ...comparePair(prepared[a], prepared[b], opts.minMatch),
  }));
  pairs.sort((p, q) => q.similarity - p.similarity || p.a - q.a || p.b - q.b);
  const { starter: _, ...rest } = opts;
  return {
    files: comparedFiles,
    pairs,
    screened: (compared.length * (compared.length - 1)) / 2,
    options: rest,
  };
}
