/**
 * The known flag nearest to a mistyped one, by edit distance, so that `--epoch` is answered with
 * `did you mean --epochs?` rather than the argument parser's generic advice.
 *
 * @module
 */

/**
 * The optimal string alignment distance of `a` and `b`: the fewest insertions, deletions,
 * substitutions and swaps of two neighbouring characters that turn one into the other (so that
 * `epcohs` is one typo from `epochs`, as `epoch` and `epochss` are).
 */
export function editDistance(a: string, b: string): number {
  // d[i][j]: the distance of a's first i characters and b's first j.
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The name in `known` nearest to `name` by {@linkcode editDistance} (the first of a tie, in
 * `known`'s order), with its distance; `undefined` when `known` is empty.
 */
export function nearestFlag(
  name: string,
  known: readonly string[],
): { flag: string; distance: number } | undefined {
  let best: { flag: string; distance: number } | undefined;
  for (const flag of known) {
    const distance = editDistance(name, flag);
    if (best === undefined || distance < best.distance) best = { flag, distance };
  }
  return best;
}

/**
 * The one line for an unknown flag (`--bogus`, `-x`), naming the nearest of the `known` flags'
 * names (without their dashes): `unknown flag --epoch; did you mean --epochs?` when it is a typo
 * or two away, else `unknown flag --bogus; the nearest known flag is --json`.
 */
export function unknownFlagMessage(given: string, known: readonly string[]): string {
  const name = given.replace(/^--?/, "").replace(/=.*$/, "");
  const near = nearestFlag(name, known);
  const dashes = (flag: string) => flag.length === 1 ? `-${flag}` : `--${flag}`;
  if (near === undefined) return `unknown flag ${given}; this task takes no flags`;
  return near.distance <= Math.max(2, Math.floor(name.length / 3))
    ? `unknown flag ${given}; did you mean ${dashes(near.flag)}?`
    : `unknown flag ${given}; the nearest known flag is ${dashes(near.flag)}`;
}
