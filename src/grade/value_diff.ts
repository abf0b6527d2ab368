/**
 * Comparing a submission's value with the expected one, and saying what differs.
 *
 * Structure first (a tensor where a tensor is due, the number of items of a list), then dtype and
 * shape, then the elements: exactly for integers and strings, within `|got - expected| <= atol +
 * rtol * |expected|` (NumPy's `allclose`) for floats. The first difference is reported three ways
 * ({@linkcode Difference}): one line with its place and both values; for a public case, more lines
 * (both shapes and dtypes, the largest absolute and relative errors against the tolerance, both
 * tensors printed as the chapter prints them); and for a hidden case, the property that differs
 * alone, which names no expected value.
 *
 * @module
 */

import { isClose, type Tolerance } from "../tolerance.ts";
import type { TensorValue, Value } from "./codec.ts";
import { ndarrayText, sideBySide } from "./ndarray_text.ts";

/** Names a place in a result from its list indices, e.g. `[0, 2, 1]` → `epoch 1, batch 3, label`. */
export type PlaceNamer = (path: number[]) => string;

/** The first place where a value differs from the expected one. */
export interface Difference {
  /** The list indices of the place. */
  path: number[];
  /** One line: the place, what differs, both values. */
  line: string;
  /** One line for a hidden case: the place and the property that differs, no expected value. */
  property: string;
  /** More lines for a public case: both shapes and dtypes, the largest errors. */
  more: string[];
  /** For a public case: both tensors, printed as the chapter prints them. */
  printed: string[];
}

/** A short description of a value for the feedback: `a float32 tensor of shape [2, 3]`. */
export function describeValue(v: Value): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === "string") return `the string ${JSON.stringify(truncate(v, 60))}`;
  if (typeof v !== "object") return `the ${typeof v} ${v}`;
  if (v.kind === "tensor") return `a ${v.dtype} tensor of shape [${v.shape.join(", ")}]`;
  return v.what === "undefined" ? "undefined" : `a ${v.what}`;
}

function truncate(s: string, n: number): string {
  const chars = Array.from(s);
  return chars.length > n ? `${chars.slice(0, n).join("")}…` : s;
}

/** `got` against `want`: exactly (NaN equal to NaN) when `tol` is `null`, else within it. */
function close(got: number, want: number, tol: Tolerance | null): boolean {
  if (tol === null) return Number.isNaN(want) ? Number.isNaN(got) : got === want;
  return isClose(got, want, tol, true);
}

function tolText(tol: Tolerance | null): string {
  return tol === null ? "exactly" : `within rtol ${tol.rtol}, atol ${tol.atol}`;
}

/** What the tolerance allows, in words. */
function allowed(tol: Tolerance | null): string {
  return tol === null
    ? "allowed: no error (they must match exactly)"
    : `allowed: |yours − expected| ≤ ${tol.atol} + ${tol.rtol} × |expected|`;
}

/** `x` to four significant digits, as the messages print errors. */
export function sig(x: number): string {
  return Number.isFinite(x) ? `${Number(x.toPrecision(4))}` : `${x}`;
}

function unravel(flat: number, shape: number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return index;
}

/** Both tensors printed as the chapter prints them, side by side when they fit. */
function printed(got: TensorValue, want: TensorValue): string[] {
  return sideBySide([
    { title: "yours:", text: ndarrayText(got) },
    { title: "expected:", text: ndarrayText(want) },
  ]).split("\n");
}

/** The absolute and relative error of `got` against `want` (infinite where one is not finite). */
function errors(got: number, want: number): [abs: number, rel: number] {
  const abs = Math.abs(got - want);
  if (Number.isNaN(abs)) return [Infinity, Infinity];
  return [abs, want === 0 ? (abs === 0 ? 0 : Infinity) : abs / Math.abs(want)];
}

type Diff = Omit<Difference, "path">;

function compareTensor(want: TensorValue, got: TensorValue, tol: Tolerance | null): Diff | null {
  const shapes = `yours: ${got.dtype} [${got.shape.join(", ")}]; expected: ${want.dtype} [${
    want.shape.join(", ")
  }]`;
  if (got.dtype !== want.dtype || got.shape.join() !== want.shape.join()) {
    const [what, yours, expected] = got.dtype !== want.dtype
      ? ["dtype", got.dtype, want.dtype]
      : ["shape", `[${got.shape.join(", ")}]`, `[${want.shape.join(", ")}]`];
    return {
      line: `${what} is ${yours}, expected ${expected}`,
      property: `the ${what} differs from the expected one (yours: ${yours})`,
      more: [shapes],
      printed: printed(got, want),
    };
  }
  const t = want.dtype === "float32" ? tol : null;
  let first = -1;
  let count = 0;
  let [maxAbs, maxAbsAt, maxRel, maxRelAt] = [-1, 0, -1, 0];
  for (let i = 0; i < want.data.length; i++) {
    if (close(got.data[i], want.data[i], t)) continue;
    if (first < 0) first = i;
    count++;
    const [abs, rel] = errors(got.data[i], want.data[i]);
    if (abs > maxAbs) [maxAbs, maxAbsAt] = [abs, i];
    if (rel > maxRel) [maxRel, maxRelAt] = [rel, i];
  }
  if (first < 0) return null;
  const at = (i: number) => `[${unravel(i, want.shape).join(", ")}]`;
  return {
    line: `element ${at(first)} is ${got.data[first]}, expected ${want.data[first]} ` +
      `(${tolText(t)}; ${count} of ${want.data.length} elements differ)`,
    property: `${count} of ${want.data.length} elements differ from the expected ones ` +
      `(${tolText(t)})`,
    more: [
      `${want.dtype} [${want.shape.join(", ")}], as expected`,
      `largest absolute error ${sig(maxAbs)} at ${at(maxAbsAt)}, largest relative error ` +
      `${sig(maxRel)} at ${at(maxRelAt)}; ${allowed(t)}`,
    ],
    printed: printed(got, want),
  };
}

function compareString(got: string, want: string): Diff | null {
  if (got === want) return null;
  const g = Array.from(got);
  const w = Array.from(want);
  let i = 0;
  while (i < g.length && i < w.length && g[i] === w[i]) i++;
  return {
    line: `got ${JSON.stringify(truncate(got, 80))} (${g.length} characters), expected ` +
      `${
        JSON.stringify(truncate(want, 80))
      } (${w.length} characters): they first differ at character ${i}`,
    property: `the string differs from the expected one (yours: ${g.length} characters)`,
    more: [],
    printed: [],
  };
}

function compareNumber(got: number, want: number, tol: Tolerance | null): Diff | null {
  if (close(got, want, tol)) return null;
  const [abs, rel] = errors(got, want);
  return {
    line: `got ${got}, expected ${want} (${tolText(tol)})`,
    property: `the number differs from the expected one (yours: ${got}; ${tolText(tol)})`,
    more: [`absolute error ${sig(abs)}, relative error ${sig(rel)}; ${allowed(tol)}`],
    printed: [],
  };
}

/** A value of another kind than expected. */
function kindDiff(want: Value, got: Value): Diff {
  return {
    line: `expected ${describeValue(want)}, got ${describeValue(got)}`,
    property: `not the kind of value expected (yours: ${describeValue(got)})`,
    more: [],
    printed: [],
  };
}

/**
 * Compares `got` with `want`; returns `null` when they agree, else the first place that differs
 * (named by `name`) and how.
 */
export function findDifference(
  want: Value,
  got: Value,
  tol: Tolerance | null,
  name: PlaceNamer,
  path: number[] = [],
): Difference | null {
  let diff: Diff | null;
  if (Array.isArray(want)) {
    if (!Array.isArray(got)) diff = kindDiff(want, got);
    else if (got.length !== want.length) {
      diff = {
        line: `a list of ${got.length}, expected ${want.length}`,
        property: `the number of items differs from the expected one (yours: ${got.length})`,
        more: [],
        printed: [],
      };
    } else {
      for (let i = 0; i < want.length; i++) {
        const inner = findDifference(want[i], got[i], tol, name, [...path, i]);
        if (inner !== null) return inner;
      }
      return null;
    }
  } else if (typeof want === "object" && want !== null && want.kind === "tensor") {
    diff = typeof got !== "object" || got === null || Array.isArray(got) || got.kind !== "tensor"
      ? kindDiff(want, got)
      : compareTensor(want, got, tol);
  } else if (typeof want === "number") {
    diff = typeof got === "number" ? compareNumber(got, want, tol) : kindDiff(want, got);
  } else if (typeof want === "string") {
    diff = typeof got === "string" ? compareString(got, want) : kindDiff(want, got);
  } else diff = describeValue(got) === describeValue(want) ? null : kindDiff(want, got);
  if (diff === null) return null;
  const place = name(path);
  return { ...diff, path, line: `${place}: ${diff.line}`, property: `${place}: ${diff.property}` };
}
