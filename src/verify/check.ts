/**
 * The comparisons `deno task verify` makes, each producing one row of its table: exact equality
 * for integer data and text, and a stated relative/absolute tolerance for floats.
 *
 * @module
 */

/** One row of the verification table. */
export interface Check {
  /** What was checked, e.g. `iterators: random, length 30, seed 0`. */
  name: string;
  /** `ok`, `FAIL`, or `skip` (could not run here; never a failure). */
  status: "ok" | "FAIL" | "skip";
  /** What this run measured (short). */
  measured: string;
  /** What the golden holds (short). */
  expected: string;
  /** The worst difference, or where the first difference is. */
  worst: string;
}

/** A float tolerance: |got − want| ≤ atol + rtol·|want|. */
export interface Tolerance {
  /** Relative part. */
  rtol: number;
  /** Absolute part. */
  atol: number;
}

function short(v: unknown): string {
  const s = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}

/** A row for a check that cannot run here, saying why (`skip` is never a failure). */
export function skipCheck(name: string, why: string): Check {
  return { name, status: "skip", measured: why, expected: "", worst: "" };
}

/** Exact equality of JSON-like values (integer arrays, strings), naming the first difference. */
export function checkExact(name: string, got: unknown, want: unknown): Check {
  const diff = firstDifference(got, want, "");
  return {
    name,
    status: diff === undefined ? "ok" : "FAIL",
    measured: short(diff?.got ?? got),
    expected: short(diff?.want ?? want),
    worst: diff === undefined ? "identical" : `first difference at ${diff.path || "top level"}`,
  };
}

function firstDifference(
  got: unknown,
  want: unknown,
  path: string,
): { path: string; got: unknown; want: unknown } | undefined {
  if (Array.isArray(want) && Array.isArray(got)) {
    for (let i = 0; i < Math.max(got.length, want.length); i++) {
      if (i >= got.length || i >= want.length) {
        return { path: `${path}.length`, got: got.length, want: want.length };
      }
      const d = firstDifference(got[i], want[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (want !== null && typeof want === "object" && got !== null && typeof got === "object") {
    for (const key of new Set([...Object.keys(want), ...Object.keys(got)])) {
      const d = firstDifference(
        (got as Record<string, unknown>)[key],
        (want as Record<string, unknown>)[key],
        `${path}.${key}`,
      );
      if (d) return d;
    }
    return undefined;
  }
  return Object.is(got, want) ? undefined : { path, got, want };
}

/** Elementwise closeness of two float arrays under `tol`, reporting the worst relative difference. */
export function checkClose(
  name: string,
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: Tolerance,
): Check {
  if (got.length !== want.length) {
    return {
      name,
      status: "FAIL",
      measured: `${got.length} values`,
      expected: `${want.length} values`,
      worst: "length differs",
    };
  }
  let worstIndex = -1;
  let worstRel = 0;
  let firstBad = -1;
  for (let i = 0; i < want.length; i++) {
    const diff = Math.abs(got[i] - want[i]);
    const rel = diff / Math.max(Math.abs(want[i]), Number.MIN_VALUE);
    if (!(diff <= tol.atol + tol.rtol * Math.abs(want[i])) && firstBad < 0) firstBad = i;
    if (rel > worstRel || Number.isNaN(diff)) [worstRel, worstIndex] = [rel, i];
  }
  const at = firstBad >= 0 ? firstBad : Math.max(worstIndex, 0);
  return {
    name,
    status: firstBad < 0 ? "ok" : "FAIL",
    measured: String(got[at]),
    expected: String(want[at]),
    worst: `rel ${worstRel.toExponential(2)} at [${Math.max(worstIndex, 0)}] ` +
      `(tol rtol ${tol.rtol}, atol ${tol.atol})${
        firstBad >= 0 ? `; first outside at [${firstBad}]` : ""
      }`,
  };
}

/** Renders checks as an aligned text table with a summary line. */
export function renderTable(checks: readonly Check[]): string {
  const head = ["check", "result", "measured", "expected", "worst difference"];
  const rows = checks.map((c) => [c.name, c.status, c.measured, c.expected, c.worst]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => [...r[i]].length)));
  const line = (r: string[]) =>
    r.map((c, i) => c + " ".repeat(widths[i] - [...c].length)).join("  ");
  const failed = checks.filter((c) => c.status === "FAIL").length;
  const skipped = checks.filter((c) => c.status === "skip").length;
  return [
    line(head),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
    `${checks.length - failed - skipped} passed, ${failed} failed, ${skipped} skipped`,
  ].join("\n");
}
