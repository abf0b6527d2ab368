// CSV as the grader writes and reads it: what csvCell writes parses back to the text (control
// characters escaped, formulas defused), on seeded random cells; the staff's files as Excel and
// other tools save them (BOM, CRLF, quoted line breaks) parse.

import assert from "node:assert/strict";
import { PyRandom } from "../random/py_random.ts";
import { csvCell, csvText, parseCsv } from "./csv.ts";

const ALPHABET = [
  "a",
  "Z",
  "0",
  " ",
  ",",
  '"',
  "\n",
  "\r",
  "=",
  "+",
  "-",
  "@",
  "'",
  "é",
  "分",
  "\t",
];

Deno.test("cells written by csvCell read back as written, never as formulas (300 seeded tables)", () => {
  for (let seed = 0; seed < 300; seed++) {
    const rng = new PyRandom(seed);
    const rows = Array.from(
      { length: 1 + rng.randbelow(4) },
      () =>
        Array.from(
          { length: 1 + rng.randbelow(4) },
          () =>
            Array.from({ length: rng.randbelow(8) }, () => ALPHABET[rng.randbelow(ALPHABET.length)])
              .join(""),
        ),
    );
    const parsed = parseCsv(csvText(rows.map((r) => r.map(csvCell))));
    const expected = rows.map((r) =>
      r.map((t) => {
        const shown = t.replaceAll("\r", "\\x0d").replaceAll("\n", "\\n");
        return /^[=+\-@]/.test(shown) ? `'${shown}` : shown;
      })
    ).filter((r) => r.length > 1 || r[0] !== "");
    assert.deepEqual(parsed, expected, `seed ${seed}: ${JSON.stringify(rows)}`);
  }
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
