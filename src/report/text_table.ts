/**
 * Tables for the terminal: columns padded to their widest cell, where a Chinese character takes
 * two columns (as terminals draw it) and numbers are right-aligned.
 *
 * @module
 */

/** Whether a code point is drawn two columns wide (CJK, full-width forms, Hangul, …). */
function isWide(code: number): boolean {
  return (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) || (code >= 0x20000 && code <= 0x3fffd);
}

/** How many terminal columns `text` takes. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const c of text) width += isWide(c.codePointAt(0)!) ? 2 : 1;
  return width;
}

/** A table as lines of text: a header, a rule, and the rows; `right[i]` right-aligns column i. */
export function textTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  right: readonly boolean[] = [],
): string {
  const widths = head.map((h, i) =>
    Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? "")))
  );
  const line = (r: readonly string[]) =>
    r.map((c, i) => {
      const pad = " ".repeat(widths[i] - displayWidth(c));
      return right[i] ? pad + c : c + pad;
    }).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
