// CSV as the grader writes and reads it: what csvCell writes parses back to the text (control
// characters escaped, formulas defused), on seeded random cells; no cell, as a spreadsheet trims
// and reads it, starts a formula; the staff's files as Excel and other tools save them (BOM, CRLF,
// quoted line breaks) parse.

import assert from "node:assert/strict";
import { PyRandom } from "../random/py_random.ts";
import { csvCell, csvText, parseCsv } from "./csv.ts";

/** Pieces of cells: text, CSV's own syntax, formula starts, and every kind of leading space. */
const ALPHABET = [
  "a",
  "Z",
  "0",
  " ",
  ",",
  '"',
  '""',
  "\n",
  "\r",
  "\r\n",
  "=",
  "+",
  "-",
  "@",
  "'",
  "é",
  "分",
  "\t",
  "\u00a0",
  "\u3000",
  "\u2003",
  "\ufeff",
  "\u000b",
  "\u000c",
  "\uff1d",
  "\uff0b",
  "\uff0d",
  "\uff20",
  "=SUM(A1:A9)",
  '=HYPERLINK("http://x")',
  "@cmd",
];

/** A cell of up to `n` pieces; half of them start with whitespace and then a formula piece. */
function randomCell(rng: PyRandom, n: number): string {
  const pick = () => ALPHABET[rng.randbelow(ALPHABET.length)];
  const body = Array.from({ length: rng.randbelow(n) }, pick).join("");
  if (rng.randbelow(2) === 0) return body;
  const spaces = Array.from(
    { length: rng.randbelow(3) },
    () => [" ", "\t", "\r", "\n", "\u00a0", "\u3000"][rng.randbelow(6)],
  ).join("");
  return spaces + ["=", "+", "-", "@", "\t", "\r", "\uff1d"][rng.randbelow(7)] + body;
}

/**
 * Whether a spreadsheet would read `cell` (as parsed) as a formula: it trims leading whitespace
 * (tab, CR, no-break and ideographic spaces included) and looks at the first character, unless the
 * cell starts with `'`, which makes it text; a cell that starts with a tab or CR is OWASP's risk.
 */
function readAsFormula(cell: string): boolean {
  if (cell.startsWith("'")) return false;
  return /^[\t\r]/.test(cell) || /^[=+\-@\uff1d\uff0b\uff0d\uff20]/.test(cell.trimStart());
}

Deno.test("cells written by csvCell read back as written, never as formulas (1000 seeded tables)", () => {
  for (let seed = 0; seed < 1000; seed++) {
    const rng = new PyRandom(seed);
    const rows = Array.from(
      { length: 1 + rng.randbelow(4) },
      () => Array.from({ length: 1 + rng.randbelow(4) }, () => randomCell(rng, 8)),
    );
    const parsed = parseCsv(csvText(rows.map((r) => r.map(csvCell))));
    const expected = rows.map((r) =>
      r.map((t) => {
        const shown = t.replaceAll("\r", "\\x0d").replaceAll("\n", "\\n")
          .replaceAll("\u000b", "\\x0b").replaceAll("\u000c", "\\x0c")
          .replaceAll("\ufeff", "\\ufeff");
        return /^\s*[=+\-@\t\uff1d\uff0b\uff0d\uff20]/.test(shown) ? `'${shown}` : shown;
      })
    ).filter((r) => r.length > 1 || r[0] !== "");
    assert.deepEqual(parsed, expected, `seed ${seed}: ${JSON.stringify(rows)}`);
    for (const cell of parsed.flat()) {
      assert.ok(!readAsFormula(cell), `seed ${seed}: ${JSON.stringify(cell)} reads as a formula`);
    }
  }
});

Deno.test("the cells OWASP lists are defused, whatever whitespace comes first", () => {
  for (const text of ["\t=1", " =1", "\u00a0+1", "\t", "\u3000@x", " \t-2"]) {
    const [[cell]] = parseCsv(csvText([[csvCell(text)]]));
    assert.ok(cell.startsWith("'"), JSON.stringify(text));
  }
  // A carriage return is written as the text \x0d: it starts no formula.
  assert.equal(parseCsv(csvText([[csvCell("\r=1")]]))[0][0], "\\x0d=1");
  assert.equal(csvCell("alice"), "alice");
  assert.equal(csvCell("3"), "3");
});

Deno.test("the staff's files parse as spreadsheets save them", () => {
  assert.deepEqual(
    parseCsv('\ufeffstudent,time\r\n"alice","2026-03-01T10:00:00Z"\r\n\r\nbob,"a, ""b""\nc"\n'),
    [
      ["student", "time"],
      ["alice", "2026-03-01T10:00:00Z"],
      ["bob", 'a, "b"\nc'],
    ],
  );
  assert.throws(() => parseCsv('a,"b\n'), /a quoted cell is not closed/);
});
