/**
 * The comparisons `deno task verify` makes, each producing one row of its table: exact equality
 * for integer data and text, and a stated relative/absolute tolerance for floats.
 *
 * @module
 */

import { displayWidth } from "../report/text_table.ts";
import { wrapParts, wrapWords } from "../report/wrap.ts";
import { isClose, type Tolerance } from "../tolerance.ts";

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
    if (!isClose(got[i], want[i], tol) && firstBad < 0) firstBad = i;
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

/** The widest line of {@linkcode renderTable}, in terminal columns. */
export const TABLE_WIDTH = 100;
/** The widest the name column grows; a longer name takes a line of its own. */
const NAME_WIDTH = 50;
/** Where a check's details go on when they do not fit its first line. */
const DETAIL_INDENT = 8;

/** `text` padded with spaces to `width` terminal columns. */
function pad(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - displayWidth(text)));
}

/**
 * One check as lines at most {@linkcode TABLE_WIDTH} wide: its name, its result, then what was
 * measured, expected and the worst difference, wrapped onto indented lines below when long (a
 * name too long for its column goes above, so that its result still follows it).
 */
function checkLines(c: Check, nameWidth: number): string[] {
  const lead = nameWidth + 2 + 6 + 2; // the name, the result, their gaps
  const details = [c.measured, c.expected && `expected ${c.expected}`, c.worst]
    .filter((d) => d !== "");
  // A name wider than its column takes line(s) of its own, the result below it in its column.
  const long = displayWidth(c.name) > nameWidth;
  const names = long ? [...wrapWords(c.name, TABLE_WIDTH), ""] : [c.name];
  const [first, ...more] = wrapParts(details, TABLE_WIDTH - lead, TABLE_WIDTH - DETAIL_INDENT);
  return [
    ...names.slice(0, -1),
    `${pad(names.at(-1)!, nameWidth)}  ${pad(c.status, 6)}  ${first}`.trimEnd(),
    ...more.map((line) => " ".repeat(DETAIL_INDENT) + line),
  ];
}

/**
 * Renders checks as a table at most {@linkcode TABLE_WIDTH} columns wide, one check a row (its
 * details wrapped below it when long), with a summary line.
 */
export function renderTable(checks: readonly Check[]): string {
  const nameWidth = Math.min(NAME_WIDTH, Math.max(5, ...checks.map((c) => displayWidth(c.name))));
  const failed = checks.filter((c) => c.status === "FAIL").length;
  const skipped = checks.filter((c) => c.status === "skip").length;
  return [
    `${pad("check", nameWidth)}  result  measured; expected; worst`,
    `${"-".repeat(nameWidth)}  ------  ${"-".repeat(TABLE_WIDTH - nameWidth - 10)}`,
    ...checks.flatMap((c) => checkLines(c, nameWidth)),
    "",
    `${checks.length - failed - skipped} passed, ${failed} failed, ${skipped} skipped`,
  ].join("\n");
}
