/**
 * What the similarity check reports about each pair: its token similarity, the wrong outputs it
 * shares, and whether (and why) it is flagged for a human to read. A flag is a pointer, never a
 * verdict: nothing here changes a grade.
 *
 * @module
 */

import { RARE_WRONG_TO_FLAG, type SharedWrong } from "./behaviour.ts";
import type { PairScore, SimilarityResult } from "./similarity.ts";

/** One pair as the report shows it. */
export interface Finding {
  pair: PairScore;
  /** The same wrong outputs on hidden cases, if any. */
  wrong: SharedWrong | null;
  /** Why it is flagged; empty when it is not. */
  reasons: string[];
}

/**
 * The findings of `result`, with the shared wrong outputs of `wrong` (by `"i,j"`, indices into
 * the result's files): flagged pairs first, then by similarity. Pairs that share wrong outputs but
 * were not compared are left out (the caller has them compared, see `compareClass`).
 */
export function findings(result: SimilarityResult, wrong: Map<string, SharedWrong>): Finding[] {
  const { threshold } = result.options;
  const out = result.pairs.map((pair): Finding => {
    const shared = wrong.get(`${pair.a},${pair.b}`) ?? null;
    const reasons: string[] = [];
    if (pair.similarity >= threshold) {
      reasons.push(`code ${percent(pair.similarity)} similar (flag at ${percent(threshold)})`);
    }
    if (shared !== null && shared.rare.length >= RARE_WRONG_TO_FLAG) {
      reasons.push(
        `the same wrong output on ${shared.rare.length} hidden cases that no one else has`,
      );
    }
    return { pair, wrong: shared, reasons };
  });
  return out.sort((x, y) =>
    Number(y.reasons.length > 0) - Number(x.reasons.length > 0) ||
    y.pair.similarity - x.pair.similarity || x.pair.a - y.pair.a || x.pair.b - y.pair.b
  );
}

/** A share as a whole percentage. */
export function percent(x: number): string {
  return `${Math.round(100 * x)}%`;
}
