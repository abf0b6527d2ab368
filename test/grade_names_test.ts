// Names are data, not URLs, end to end: the staff solution saved under generated hostile names
// (spaces, #?%&+;'"`, %xx valid and not, Unicode with right-to-left text and combining marks,
// control characters, a leading '-', 255 bytes) scores full marks on every route: a single file,
// a notebook, a --batch folder, a zip of a class, and Gradescope's submission/ folder. Each route
// grades one name of every exercise and more names on a cheap exercise; the name-to-path step is
// property-tested over thousands of names in src/grade/graded_name_test.ts.

import assert from "node:assert/strict";
import { zipSync } from "fflate";
import { join } from "node:path";
import { gradeClass } from "../src/grade/class/class.ts";
import { parseCsv } from "../src/grade/csv.ts";
import { nameText, textReport } from "../src/grade/feedback.ts";
import { feedbackPage } from "../src/grade/feedback_page.ts";
import { escapeHtml } from "../src/report/html.ts";
import { hostileName, NAME_CLASSES, NAME_MAX_BYTES } from "../src/grade/hostile_names.ts";
import { notebookFromModule } from "../src/grade/notebook.ts";
import { PyRandom } from "../src/random/py_random.ts";
import { ROOT, runTask, SHARED, sharedGrader } from "./_helpers.ts";

const STAFF = Deno.readTextFileSync(`${ROOT}src/grade/staff_solution.ts`);
const NOTEBOOK = notebookFromModule(STAFF);
const CHEAP = ["getInputs"] as const;

/**
 * `count` generated names ending in `ext`: the first holds a piece of every class, the last is
 * 255 bytes long (the file system's limit), the others are drawn at random.
 */
function names(seed: number, ext: string, count: number, maxBytes?: number): string[] {
  const rng = new PyRandom(seed);
  const all = NAME_CLASSES.map((c) => hostileName(rng, "", c, 40)).join("") + ext;
  const bytes = (t: string) => new TextEncoder().encode(t).length;
  let long = `-分开 #%zz\t${"分".repeat(70)}`;
  while (bytes(long + ext) < (maxBytes ?? NAME_MAX_BYTES)) long += "x";
  const random = Array.from(
    { length: count - 2 },
    (_, i) => hostileName(rng, ext, NAME_CLASSES[i % NAME_CLASSES.length], maxBytes),
  );
  return [all, ...random, long + ext];
}
async function withDir(f: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "names-" });
  try {
    await f(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a single file and a notebook under hostile names score full marks", async () => {
  const grader = await sharedGrader();
  await withDir(async (dir) => {
    for (const [ext, text, seed] of [[".ts", STAFF, 11], [".ipynb", NOTEBOOK, 12]] as const) {
      for (const [i, name] of names(seed, ext, 4).entries()) {
        const folder = join(dir, `${ext.slice(1)}-${i}`);
        await Deno.mkdir(folder);
        await Deno.writeTextFile(join(folder, name), text);
        const report = await grader.grade(join(folder, name), i === 0 ? {} : { only: CHEAP });
        const why = [...report.rejected, ...report.loadErrors].join("\n");
        assert.equal(report.score, report.maxScore, `${JSON.stringify(name)}: ${why}`);
        assert.equal(report.maxScore, i === 0 ? 100 : 10);
        assert.deepEqual(report.advice, [], JSON.stringify(name));
      }
    }
  });
});

Deno.test("a syntax error in a file under a hostile name is reported under that name, as text", async () => {
  const grader = await sharedGrader();
  await withDir(async (dir) => {
    const name = "hw #1?\n%zz\u202e.ts";
    await Deno.writeTextFile(join(dir, name), `${STAFF}\nexport const broken = ;\n`);
    const report = await grader.grade(join(dir, name), { only: CHEAP });
    assert.equal(report.score, 0);
    const said = report.rejected.join("\n");
    assert.ok(said.includes(nameText(name)), said);
    assert.ok(!said.includes("submission.ts"), said);
    // The report's first line and the page's title show the name as one line of plain text.
    const [first] = textReport(report).split("\n");
    assert.equal(first, `rnnlab autograder: ${nameText(join(dir, name))}`);
    const page = await feedbackPage(report, name, "");
    assert.ok(page.includes(`<title>Feedback: ${escapeHtml(nameText(name))}`), page.slice(0, 400));
    assert.ok(!/[\r\u202e]/.test(page));
  });
});

/** The rows of grades.csv, by student id as the CSV shows it. */
async function totals(out: string): Promise<Map<string, string[]>> {
  const [head, ...rows] = parseCsv(await Deno.readTextFile(join(out, "grades.csv")));
  const at = (c: string) => head.indexOf(c);
  return new Map(
    rows.map((r) => [r[at("student")], [r[at("total")], r[at("status")], r[at("note")]]]),
  );
}

Deno.test("a --batch folder and a zip of a class under hostile names: every student at full marks", async () => {
  const grader = await sharedGrader();
  await withDir(async (dir) => {
    // The folder: each student a folder with a hostile name, holding a file with another.
    const folder = join(dir, "class");
    const students = names(21, "", 3, 120);
    const files = names(22, ".ts", 3, 120);
    for (const [i, student] of students.entries()) {
      await Deno.mkdir(join(folder, student), { recursive: true });
      const text = i === 2 ? NOTEBOOK : STAFF;
      await Deno.writeTextFile(
        join(folder, student, i === 2 ? `${files[i]}.ipynb` : files[i]),
        text,
      );
    }
    const opts = { jobs: 1, corpus: "test", tempRoot: dir };
    await gradeClass(grader, folder, { ...opts, out: join(dir, "out") });
    const rows = await totals(join(dir, "out"));
    assert.equal(rows.size, students.length, [...rows.keys()].join(" | "));
    for (const [id, [total, status, note]] of rows) {
      assert.deepEqual([total, status], ["100", "graded"], `${id}: ${note}`);
    }
    // The zip: plain files named after the students, in a folder with a hostile name.
    const entries: Record<string, Uint8Array> = {};
    const zipped = names(23, ".ts", 4);
    for (const name of zipped) entries[`hw #2 %zz/${name}`] = new TextEncoder().encode(STAFF);
    const zip = join(dir, "class.zip");
    await Deno.writeFile(zip, zipSync(entries));
    await gradeClass(grader, zip, { ...opts, out: join(dir, "out-zip"), only: CHEAP });
    const zrows = await totals(join(dir, "out-zip"));
    assert.equal(zrows.size, zipped.length, [...zrows.keys()].join(" | "));
    for (const [id, [total, status, note]] of zrows) {
      assert.deepEqual([total, status], ["10", "graded"], `${id}: ${note}`);
    }
  });
});

Deno.test("Gradescope's submission/ folder with a hostile file name: full marks in results.json", async () => {
  await withDir(async (dir) => {
    const [name] = names(31, ".ts", 2);
    await Deno.mkdir(join(dir, "submission"));
    await Deno.mkdir(join(dir, "results"));
    await Deno.writeTextFile(join(dir, "submission", name), STAFF);
    const run = await runTask("grade", ["--gradescope", dir], {
      env: { RNNLAB_DATA: `${SHARED}data` },
    });
    assert.equal(run.code, 0, run.stderr);
    const results = JSON.parse(await Deno.readTextFile(join(dir, "results", "results.json")));
    assert.equal(results.score, 100, results.output);
  });
});
