// Every CSV the grader writes for a class (grades.csv and the Canvas, Moodle and plain gradebook
// files), on generated students whose ids, names, files and notes start with whatever a
// spreadsheet executes: no cell, as a spreadsheet trims and reads it, starts a formula, and each
// student's id reads back from their row.

import assert from "node:assert/strict";
import { PyRandom } from "../../random/py_random.ts";
import { parseCsv } from "../csv.ts";
import type { FinalGrade } from "./final.ts";
import { GRADEBOOKS, gradebookText } from "./gradebook.ts";
import { gradesCsv, type StudentRecord } from "./outputs.ts";

const STARTS = ["", " ", "\t", "\r", "\n", "\u00a0", "\u3000", " \t"];
const FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1)", "\t", "\r", '=HYPERLINK("x")', "\uff1d1", "a"];
const TAILS = ["", ",", '"', "\r\n", "'", "é", "分", ";=2"];

function hostile(rng: PyRandom): string {
  const pick = (xs: string[]) => xs[rng.randbelow(xs.length)];
  return pick(STARTS) + pick(FORMULAS) + pick(TAILS) + pick(TAILS);
}

/** Whether a spreadsheet reads `cell` as a formula (it trims leading whitespace; `'` makes text). */
function readAsFormula(cell: string): boolean {
  if (cell.startsWith("'")) return false;
  return /^[\t\r]/.test(cell) || /^[=+\-@\uff1d\uff0b\uff0d\uff20]/.test(cell.trimStart());
}

function grade(rng: PyRandom, i: number, layout: string): FinalGrade {
  const record: StudentRecord = {
    student: `${hostile(rng)}${i}`,
    name: hostile(rng),
    layout,
    submission: hostile(rng),
    digest: "",
    grader: "v",
    status: "graded",
    note: hostile(rng),
    score: 50,
    maxScore: 100,
    points: { rnn: 10 },
    failed: {},
    seconds: 1,
    feedback: "feedback/x.md",
    crashed: false,
    submittedAt: null,
    lateMarker: false,
    hiddenWrong: {},
  };
  return { record, points: record.points, credit: 1, lateness: null, overrides: [], final: 50 };
}

Deno.test("grades.csv and every gradebook file: no cell starts a formula; ids read back (200 seeded classes)", () => {
  for (let seed = 0; seed < 200; seed++) {
    const rng = new PyRandom(seed);
    for (const layout of ["canvas", "moodle", "plain"]) {
      const grades = Array.from({ length: 1 + rng.randbelow(5) }, (_, i) => grade(rng, i, layout));
      const texts = [
        gradesCsv(grades, ["rnn"]),
        ...GRADEBOOKS.map((f) =>
          gradebookText(f, grades, { assignment: hostile(rng), now: new Date(0) })
        ),
      ];
      for (const text of texts) {
        const rows = parseCsv(text);
        assert.equal(rows.length, grades.length + (text.includes("Points Possible") ? 2 : 1));
        for (const cell of rows.flat()) {
          assert.ok(!readAsFormula(cell), `seed ${seed}: ${JSON.stringify(cell)}`);
        }
      }
      const ids = parseCsv(texts[0]).slice(1).map((r) => r[0]);
      for (const g of grades) {
        const shown = g.record.student.replaceAll("\r", "\\x0d").replaceAll("\n", "\\n");
        assert.ok(ids.includes(shown) || ids.includes(`'${shown}`), `seed ${seed}: ${shown}`);
      }
    }
  }
});
