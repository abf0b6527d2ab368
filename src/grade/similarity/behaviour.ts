/**
 * The behavioural signal of the similarity check: two submissions that give the same wrong output
 * on the same hidden case. Students never see a hidden case's expected value, so two of them
 * reaching the very same wrong value there most often share a bug; when no one else in the class
 * has that output, they may share more than a bug. Outputs that many students share are common
 * mistakes (the summed loss averaged, say) and say nothing about a pair.
 *
 * A wrong output is known by its case and a digest of the output itself, numbers to 6 significant
 * digits (`judge.ts`; the class's records keep these digests, `class/outputs.ts`). What the grader
 * said would not do: a hidden case's feedback names only the property that differs.
 *
 * @module
 */

/** The same wrong outputs of one pair. */
export interface SharedWrong {
  /** The hidden cases where both gave the same wrong output. */
  cases: string[];
  /** Of those, the ones where no other student gave that output. */
  rare: string[];
}

/** Two or more outputs that only this pair shares raise a flag. */
export const RARE_WRONG_TO_FLAG = 2;

/**
 * For each pair of students (indices into `wrong`, `"i,j"`, i < j) that share a wrong output: the
 * cases. `wrong[i]` maps student i's failed hidden cases to their output's digest.
 */
export function sharedWrongOutputs(
  wrong: readonly Readonly<Record<string, string>>[],
): Map<string, SharedWrong> {
  const holders = new Map<string, number[]>();
  wrong.forEach((cases, i) => {
    for (const [name, digest] of Object.entries(cases)) {
      const key = `${name}\u0000${digest}`;
      holders.set(key, [...(holders.get(key) ?? []), i]);
    }
  });
  const pairs = new Map<string, SharedWrong>();
  for (const [key, list] of holders) {
    const name = key.split("\u0000")[0];
    for (let x = 0; x < list.length; x++) {
      for (let y = x + 1; y < list.length; y++) {
        const pair = `${list[x]},${list[y]}`;
        const shared = pairs.get(pair) ?? { cases: [], rare: [] };
        shared.cases.push(name);
        if (list.length === 2) shared.rare.push(name);
        pairs.set(pair, shared);
      }
    }
  }
  return pairs;
}
