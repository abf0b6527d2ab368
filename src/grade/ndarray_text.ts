/**
 * Tensors printed as the chapter prints its NDArrays (MXNet prints them as NumPy 1.13 did): rows in
 * brackets, every element the same width, floats with a point (`6.`), a space kept for the sign,
 * long axes summarised to their first and last three elements (`...,`), and a footer with the
 * shape, so that a student compares the feedback with the chapter's In [7] and In [10] at a glance:
 *
 * ```text
 * [[ 6.  7.  8.]
 *  [ 3.  4.  5.]]
 * <NDArray 2x3 float32>
 * ```
 *
 * The footer names the dtype where MXNet names the device: here the dtype is what can be wrong.
 *
 * @module
 */

import type { TensorValue } from "./codec.ts";
import { displayWidth } from "../report/text_table.ts";

/** Tensors with more elements than this are summarised, as NumPy's `threshold` does. */
export const SUMMARY_THRESHOLD = 100;
/** How many elements a summarised axis keeps at each end (NumPy's `edgeitems`). */
const EDGE = 3;
/** The most decimals a float is printed with. */
const DECIMALS = 6;

/** The indices of an axis of `n` elements that are printed; `-1` stands for `...`. */
function shown(n: number, summarise: boolean): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (!summarise || n <= 2 * EDGE) return all;
  return [...all.slice(0, EDGE), -1, ...all.slice(n - EDGE)];
}

/** Formats every element the same way: integers as they are, floats with the decimals they need. */
function formatter(t: TensorValue, values: number[]): (x: number) => string {
  const finite = values.filter(Number.isFinite);
  if (t.dtype !== "float32") return (x) => `${x}`;
  if (finite.every(Number.isInteger)) return (x) => Number.isFinite(x) ? ` ${x}.` : ` ${x}`;
  const big = Math.max(0, ...finite.map(Math.abs));
  const tiny = Math.min(Infinity, ...finite.filter((x) => x !== 0).map(Math.abs));
  if (big >= 1e8 || tiny < 1e-4) {
    return (x) => Number.isFinite(x) ? (x < 0 ? "" : " ") + x.toExponential(4) : ` ${x}`;
  }
  const decimals = Math.max(
    1,
    ...finite.map((x) => (x.toFixed(DECIMALS).replace(/0+$/, "").split(".")[1] ?? "").length),
  );
  return (x) => {
    if (!Number.isFinite(x)) return ` ${x}`;
    const text = x.toFixed(decimals);
    const trimmed = text.replace(/0+$/, "");
    return (x < 0 ? "" : " ") + trimmed + " ".repeat(text.length - trimmed.length);
  };
}

/** The tensor as the chapter prints an NDArray, with its footer. */
export function ndarrayText(t: TensorValue): string {
  const summarise = t.data.length > SUMMARY_THRESHOLD;
  const strides = t.shape.map((_, d) => t.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  // The elements printed, to size the columns by.
  const printed: number[] = [];
  const collect = (d: number, offset: number) => {
    if (d === t.shape.length) return void printed.push(t.data[offset]);
    for (const i of shown(t.shape[d], summarise)) {
      if (i >= 0) collect(d + 1, offset + i * strides[d]);
    }
  };
  collect(0, 0);
  const format = formatter(t, printed);
  const width = Math.max(0, ...printed.map((x) => format(x).length));
  const cell = (x: number) => format(x).padStart(width);
  const block = (d: number, offset: number, indent: string): string => {
    if (d === t.shape.length) return cell(t.data[offset]);
    const last = d === t.shape.length - 1;
    const items = shown(t.shape[d], summarise).map((i) =>
      i < 0 ? "..." : block(d + 1, offset + i * strides[d], `${indent} `)
    );
    if (last) return `[${items.map((s) => s === "..." ? "...," : s).join(" ")}]`;
    const gap = "\n".repeat(t.shape.length - d - 1);
    return `[${items.join(`${gap}${indent} `)}]`;
  };
  const body = t.shape.length === 0 ? cell(t.data[0]) : block(0, 0, "");
  const dims = t.shape.length === 0 ? "scalar" : t.shape.join("x");
  return `${body}\n<NDArray ${dims} ${t.dtype}>`;
}

/**
 * Blocks of text side by side under their titles (`yours` beside `expected`), each column as wide
 * as its widest line; or one under another when they would be wider than `width` columns.
 */
export function sideBySide(
  blocks: readonly { title: string; text: string }[],
  width = 100,
): string {
  const lines = blocks.map((b) => [b.title, ...b.text.split("\n")]);
  const widths = lines.map((ls) => Math.max(...ls.map(displayWidth)));
  if (widths.reduce((a, b) => a + b + 3, 0) > width) {
    return lines.map((ls) => ls.join("\n")).join("\n");
  }
  const rows = Math.max(...lines.map((ls) => ls.length));
  return Array.from({ length: rows }, (_, r) =>
    lines.map((ls, i) => {
      const text = ls[r] ?? "";
      return i === lines.length - 1 ? text : text + " ".repeat(widths[i] - displayWidth(text) + 3);
    }).join("").trimEnd()).join("\n");
}
