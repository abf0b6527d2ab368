// Class layouts that try to mix students up (issue 21), graded by the real grader on one exercise,
// each test asserting what was protected: the other student's file, record and feedback.
//
// - claims_another_student.ts, uploaded under a name that spells another student's LMS id in a
//   Moodle and a Canvas flat export: the victim's file is byte-identical afterwards and graded as
//   theirs, with the score it gets alone; the uploader is graded from their own file.
// - collides_after_cleaning.ts, beside students whose ids clean to the same file name (Zoë and
//   Zoe, a b and a_b, Alice and alice, bob.ts and bob/) and one whose id is a formula: every
//   student has a row with the score of their own file, their own feedback file naming their own
//   submission, and the formula is text in grades.csv.

import assert from "node:assert/strict";
import { join } from "node:path";
import { gradeClass } from "../src/grade/class/class.ts";
import { parseCsv } from "../src/grade/csv.ts";
import type { ExerciseName } from "../src/grade/contract.ts";
import { sha256Hex } from "../src/io/sha256.ts";
import { ROOT, sharedGrader } from "./_helpers.ts";

const ONLY: ExerciseName[] = ["getInputs"];
const STAFF = Deno.readTextFileSync(`${ROOT}src/grade/staff_solution.ts`);
const fixture = (name: string) => Deno.readTextFileSync(`${ROOT}fixtures/adversarial/${name}`);

/** The score of `text` graded alone, as a file of its own. */
async function alone(text: string): Promise<number> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "rnn_scratch.ts"), text);
    return (await (await sharedGrader()).grade(join(dir, "rnn_scratch.ts"), { only: ONLY })).score;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** grades.csv's rows by student: total and submission. */
async function rows(out: string): Promise<Record<string, { total: string; submission: string }>> {
  const [head, ...body] = parseCsv(await Deno.readTextFile(join(out, "grades.csv")));
  const at = (c: string) => head.indexOf(c);
  return Object.fromEntries(
    body.map((r) => [r[at("student")], { total: r[at("total")], submission: r[at("submission")] }]),
  );
}

/** Grades the class folder `files` (path → text) into `dir/out`. */
async function gradeFolder(dir: string, files: Record<string, string>): Promise<string> {
  const classDir = join(dir, "class");
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(join(classDir, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(classDir, path), text);
  }
  const out = join(dir, "out");
  await gradeClass(await sharedGrader(), classDir, {
    out,
    jobs: 1,
    corpus: "test",
    only: ONLY,
    typeCheck: false,
    tempRoot: dir,
  });
  return out;
}

Deno.test("claims_another_student: the victim's file is untouched and graded as theirs, in Moodle and Canvas", async () => {
  const [staff, hostile] = [await alone(STAFF), await alone(fixture("claims_another_student.ts"))];
  assert.notEqual(staff, hostile); // else the test could not tell the files apart
  for (
    const [victim, crafted] of [
      [
        "Victim V_222_assignsubmission_file_rnn_scratch.ts",
        "Mallory M_111_assignsubmission_file_Victim V_222_assignsubmission_file_rnn_scratch.ts",
      ],
      ["victim_222_9_rnn_scratch.ts", "mallory_111_8_victim_222_9_rnn_scratch.ts"],
    ]
  ) {
    const dir = await Deno.makeTempDir({ prefix: "claims-" });
    try {
      const out = await gradeFolder(dir, {
        [victim]: STAFF,
        [crafted]: fixture("claims_another_student.ts"),
      });
      const digest = await sha256Hex(await Deno.readFile(join(dir, "class", victim)));
      assert.equal(digest, await sha256Hex(new TextEncoder().encode(STAFF)));
      assert.deepEqual(await rows(out), {
        "111": { total: `${hostile}`, submission: crafted },
        "222": { total: `${staff}`, submission: victim },
      });
      const feedback = await Deno.readTextFile(join(out, "feedback", "222.md"));
      assert.match(feedback, new RegExp(`^- score: ${staff}/10$`, "m"));
      assert.doesNotMatch(feedback, /I am student 222/);
      assert.match(await Deno.readTextFile(join(out, "feedback", "111.md")), /I am student 222/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});

Deno.test("collides_after_cleaning: every student a row, their own score and their own feedback", async () => {
  const hostileText = fixture("collides_after_cleaning.ts");
  const [staff, hostile] = [await alone(STAFF), await alone(hostileText)];
  assert.notEqual(staff, hostile);
  const files: Record<string, string> = {
    "Zoë.ts": STAFF,
    "Zoe.ts": hostileText,
    "a b.ts": hostileText,
    "a_b.ts": STAFF,
    "Alice.ts": STAFF,
    "alice.ts": hostileText,
    "bob.ts": hostileText,
    "bob/rnn_scratch.ts": STAFF,
    "=HYPERLINK(1).ts": STAFF,
  };
  const expected: Record<string, [string, number]> = {
    "Zoë": ["Zoë.ts", staff],
    "Zoe": ["Zoe.ts", hostile],
    "a b": ["a b.ts", hostile],
    "a_b": ["a_b.ts", staff],
    "Alice": ["Alice.ts", staff],
    "alice": ["alice.ts", hostile],
    "bob (bob)": ["bob/rnn_scratch.ts", staff],
    "bob (bob.ts)": ["bob.ts", hostile],
    "'=HYPERLINK(1)": ["'=HYPERLINK(1).ts", staff], // text, not a formula
  };
  const dir = await Deno.makeTempDir({ prefix: "collides-" });
  try {
    const out = await gradeFolder(dir, files);
    const got = await rows(out);
    assert.deepEqual(
      Object.fromEntries(Object.entries(got).map(([s, r]) => [s, [r.submission, Number(r.total)]])),
      expected,
    );
    const feedback = await Array.fromAsync(Deno.readDir(join(out, "feedback")));
    const pages = feedback.filter((f) => f.name.endsWith(".md"));
    assert.equal(pages.length, Object.keys(expected).length);
    const said = new Map<string, string>();
    for (const page of pages) {
      const text = await Deno.readTextFile(join(out, "feedback", page.name));
      const submission = /^- submission: (.*)$/m.exec(text)![1].replace(/\\(.)/g, "$1"); // Markdown
      const score = Number(/^- score: ([\d.]+)\//m.exec(text)![1]);
      said.set(submission, `${score}`);
      assert.equal(text.includes("whose feedback is this?"), score === hostile, page.name);
    }
    assert.deepEqual(
      new Map(Object.values(expected).map(([file, score]) => [file.replace(/^'/, ""), `${score}`])),
      said,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
