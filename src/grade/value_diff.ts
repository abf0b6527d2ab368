/**
 * Comparing a submission's value with the expected one, and saying what differs.
 *
 * Structure first (a tensor where a tensor is due, the number of items of a list), then dtype and
 * shape, then the elements: exactly for integers and strings, within `|got - expected| <= atol +
 * rtol * |expected|` (NumPy's `allclose`) for floats. The first difference is reported with its
 * place, both values and how many elements differ.
 *
 * @module
 */

import type { TensorValue, Value } from "./codec.ts";

/** A float tolerance, as in NumPy's `allclose`; `null` means exact. */
export interface Tolerance {
  /** Relative tolerance. */
  rtol: number;
  /** Absolute tolerance. */
  atol: number;
}

/** Names a place in a result from its list indices, e.g. `[0, 2, 1]` → `epoch 1, batch 3, label`. */
export type PlaceNamer = (path: number[]) => string;

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

function close(got: number, want: number, tol: Tolerance | null): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (tol === null || !Number.isFinite(want)) return got === want;
  return Math.abs(got - want) <= tol.atol + tol.rtol * Math.abs(want);
}

function tolText(tol: Tolerance | null): string {
  return tol === null ? "exactly" : `within rtol ${tol.rtol}, atol ${tol.atol}`;
}

function unravel(flat: number, shape: number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return index;
}

function compareTensor(want: TensorValue, got: TensorValue, tol: Tolerance | null): string | null {
  if (got.dtype !== want.dtype) return `dtype is ${got.dtype}, expected ${want.dtype}`;
  if (got.shape.join() !== want.shape.join()) {
    return `shape is [${got.shape.join(", ")}], expected [${want.shape.join(", ")}]`;
  }
  const t = want.dtype === "float32" ? tol : null;
  let first = -1;
  let count = 0;
  for (let i = 0; i < want.data.length; i++) {
    if (!close(got.data[i], want.data[i], t)) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (first < 0) return null;
  return `element [${unravel(first, want.shape).join(", ")}] is ${got.data[first]}, expected ` +
    `${want.data[first]} (${tolText(t)}; ${count} of ${want.data.length} elements differ)`;
}

function firstDifference(got: string, want: string): string {
  const g = Array.from(got);
  const w = Array.from(want);
  let i = 0;
  while (i < g.length && i < w.length && g[i] === w[i]) i++;
  return `got ${JSON.stringify(truncate(got, 80))} (${g.length} characters), expected ` +
    `${
      JSON.stringify(truncate(want, 80))
    } (${w.length} characters): they first differ at character ${i}`;
}

/**
 * Compares `got` with `want`; returns `null` when they agree, else one line naming the first
 * place that differs (named by `name`) and how.
 */
export function compareValues(
  want: Value,
  got: Value,
  tol: Tolerance | null,
  name: PlaceNamer,
  path: number[] = [],
): string | null {
  const at = (msg: string) => `${name(path)}: ${msg}`;
  if (Array.isArray(want)) {
    if (!Array.isArray(got)) {
      return at(`expected a list of ${want.length}, got ${describeValue(got)}`);
    }
    if (got.length !== want.length) return at(`a list of ${got.length}, expected ${want.length}`);
    for (let i = 0; i < want.length; i++) {
      const diff = compareValues(want[i], got[i], tol, name, [...path, i]);
      if (diff !== null) return diff;
    }
    return null;
  }
  if (typeof want === "object" && want !== null && want.kind === "tensor") {
    if (typeof got !== "object" || got === null || Array.isArray(got) || got.kind !== "tensor") {
      return at(`expected ${describeValue(want)}, got ${describeValue(got)}`);
    }
    const diff = compareTensor(want, got, tol);
    return diff === null ? null : at(diff);
  }
  if (typeof want === "number") {
    if (typeof got !== "number") return at(`expected a number, got ${describeValue(got)}`);
    return close(got, want, tol) ? null : at(`got ${got}, expected ${want} (${tolText(tol)})`);
  }
  if (typeof want === "string") {
    if (typeof got !== "string") return at(`expected a string, got ${describeValue(got)}`);
    return got === want ? null : at(firstDifference(got, want));
  }
  return got === want ? null : at(`expected ${describeValue(want)}, got ${describeValue(got)}`);
}
