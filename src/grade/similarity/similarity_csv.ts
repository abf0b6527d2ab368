/**
 * `similarity.csv`: one row per pair compared token by token, flagged pairs first, then by
 * similarity: the two students, the similarity and each side's own tokens, the wrong outputs on
 * hidden cases they share (and how many of those no one else has), whether and why the pair is
 * flagged, and where the common runs are, as line ranges in each file.
 *
 * @module
 */

import { csvCell, csvText } from "../csv.ts";
import type { Finding } from "./findings.ts";
import type { Compared, Span } from "./similarity.ts";

/** Turns offsets into 1-based line numbers of `text`. */
export function lineFinder(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** A span as `12-18` (or `12`), by line. */
function lines(span: Span, line: (offset: number) => number): string {
  const [from, to] = [line(span.start), line(Math.max(span.start, span.end - 1))];
  return from === to ? `${from}` : `${from}-${to}`;
}

/** The CSV text of `found` over the compared `files`. */
export function similarityCsv(found: readonly Finding[], files: readonly Compared[]): string {
  const finders = new Map<number, (offset: number) => number>();
  const finder = (i: number) => {
    if (!finders.has(i)) finders.set(i, lineFinder(files[i].file.text));
    return finders.get(i)!;
  };
  const head = [
    "rank",
    "student_a",
    "student_b",
    "similarity",
    "matched_tokens",
    "own_tokens_a",
    "own_tokens_b",
    "same_wrong_hidden",
    "same_wrong_hidden_only_them",
    "flagged",
    "reasons",
    "file_a",
    "file_b",
    "matched_lines",
  ];
  const rows = found.map(({ pair, wrong, reasons }, i) => {
    const [a, b] = [files[pair.a], files[pair.b]];
    const spans = pair.matches.map((m) =>
      `a ${lines(m.a, finder(pair.a))} = b ${lines(m.b, finder(pair.b))}`
    );
    return [
      String(i + 1),
      csvCell(a.file.student),
      csvCell(b.file.student),
      pair.similarity.toFixed(3),
      String(pair.matched),
      String(a.own),
      String(b.own),
      String(wrong?.cases.length ?? 0),
      String(wrong?.rare.length ?? 0),
      reasons.length > 0 ? "yes" : "no",
      csvCell(reasons.join("; ")),
      csvCell(a.file.file),
      csvCell(b.file.file),
      csvCell(spans.join("; ")),
    ];
  });
  return csvText([head, ...rows]);
}
