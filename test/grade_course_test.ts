// Running a course on the grader, with generated classes and a stand-in grader
// (`_fake_grader.ts`): the late policy (credit windows, extensions, the time from the export or
// the staff's file, the edge of the deadline), overrides applied last and kept across a regrade
// after the tests change, and the gradebook files Canvas and Moodle import, read back as their
// importers read them; bad input is one line and exit 2.

import assert from "node:assert/strict";
import { join } from "node:path";
import { type ClassOptions, gradeClass } from "../src/grade/class/class.ts";
import { collectShards } from "../src/grade/class/collect.ts";
import { parseCsv } from "../src/grade/csv.ts";
import { UsageError } from "../src/errors.ts";
import { latePolicyFromFlags } from "../src/grade/class/late.ts";
import { fakeGrader } from "./_fake_grader.ts";
import { runTask } from "./_helpers.ts";

/** Writes `files` (path → text) under a new temporary folder; returns it. */
async function folder(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-course-" });
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(join(dir, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(dir, path), text);
  }
  return dir;
}

const options = (out: string, extra: Partial<ClassOptions> = {}): ClassOptions => ({
  out,
  jobs: 1,
  corpus: "test",
  typeCheck: false,
  ...extra,
});

/** grades.csv as objects, by column name. */
async function gradesOf(out: string): Promise<Record<string, string>[]> {
  const [head, ...rows] = parseCsv(await Deno.readTextFile(join(out, "grades.csv")));
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

const DEADLINE = "2026-03-01T23:59:00+01:00";
const at = (offsetSeconds: number) => {
  const t = new Date(new Date(DEADLINE).getTime() + offsetSeconds * 1000);
  // Gradescope's own format: local time and offset, nanoseconds.
  const local = new Date(t.getTime() + 3600_000).toISOString().replace("T", " ").replace("Z", "");
  return `${local.slice(0, 19)}.000000000 +01:00`;
};

/** A Gradescope export: one submission per (sid, seconds after the deadline). */
function gradescopeExport(times: [string, number][]): Record<string, string> {
  const files: Record<string, string> = {};
  let yaml = "";
  times.forEach(([sid, seconds], i) => {
    files[`export/submission_${i + 1}/rnn_scratch.ts`] = "// grade: rnn=6\nexport {};\n";
    yaml +=
      `submission_${i + 1}:\n  :submitters:\n  - :name: Student ${sid}\n    :sid: '${sid}'\n` +
      `  :created_at: ${at(seconds)}\n  :score: 0.0\n`;
  });
  files["export/submission_metadata.yml"] = yaml;
  return files;
}

Deno.test("the late policy: credit windows from the export's times, the edge of the deadline, an extension", async () => {
  const dir = await folder({
    ...gradescopeExport([
      ["early", -3600],
      ["edge", 0],
      ["second", 1],
      ["day", 25 * 3600],
      ["week", 7 * 24 * 3600],
      ["extended", 25 * 3600],
    ]),
    "extensions.csv": "student,deadline\nextended,2026-03-03T23:59:00+01:00\n",
  });
  try {
    const out = join(dir, "out");
    const late = await latePolicyFromFlags({
      deadline: DEADLINE,
      late: "1d:80%,3d:50%",
      extensions: join(dir, "extensions.csv"),
    });
    await gradeClass(fakeGrader(), join(dir, "export"), options(out, { late }));
    const rows = Object.fromEntries((await gradesOf(out)).map((r) => [r.student, r]));
    const seen = (s: string) => [rows[s].total, rows[s].raw, rows[s].credit, rows[s].late];
    assert.deepEqual(seen("early"), ["96", "96", "100%", ""]);
    assert.deepEqual(seen("edge"), ["96", "96", "100%", ""]); // at the deadline is on time
    assert.deepEqual(seen("second"), ["76.8", "96", "80%", "1s"]); // one second after is not
    assert.deepEqual(seen("day"), ["48", "96", "50%", "25h00m"]);
    assert.deepEqual(seen("week"), ["0", "96", "0%", "168h00m"]);
    assert.deepEqual(seen("extended"), ["96", "96", "100%", ""]);
    assert.equal(rows.second.submitted, "2026-03-01T23:59:01.000+01:00");
    const feedback = await Deno.readTextFile(join(out, "feedback", "second.md"));
    assert.match(
      feedback,
      /^- late policy: submitted 2026-03-01T23:59:01\.000\+01:00 \(from the export\): 1s late: 80% credit$/m,
    );
    assert.match(feedback, /^- final: 76\.8\/100$/m);
    assert.match(
      await Deno.readTextFile(join(out, "feedback", "extended.md")),
      /extended to 2026-03-03/,
    );
    const summary = await Deno.readTextFile(join(out, "summary.md"));
    assert.match(
      summary,
      /late policy: deadline 2026-03-01T23:59:00\+01:00; up to 24 h late: 80%, up to 72 h late: 50%; 0% after; 1 extension/,
    );

    // A rerun without the flags keeps the folder's policy (batch.json); --deadline none drops it.
    await gradeClass(fakeGrader(), join(dir, "export"), options(out));
    assert.equal((await gradesOf(out)).find((r) => r.student === "second")!.credit, "80%");
    await gradeClass(fakeGrader(), join(dir, "export"), options(out, { late: null }));
    assert.equal((await gradesOf(out)).find((r) => r.student === "second")!.credit, "100%");
    assert.doesNotMatch(await Deno.readTextFile(join(out, "feedback", "second.md")), /late policy/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Canvas: the LATE marker without a time stops the grading and names the student; the staff's times file fills it in", async () => {
  const dir = await folder({
    "class/smithjane_101_9001_rnn_scratch.ts": "export {};\n",
    "class/doejohn_LATE_102_9002_rnn_scratch.ts": "export {};\n",
    "times.csv": "student,time\n102,2026-03-02T10:00:00+01:00\n",
  });
  try {
    const out = join(dir, "out");
    const grader = fakeGrader();
    const late = await latePolicyFromFlags({ deadline: DEADLINE, late: "1d:80%" });
    await assert.rejects(
      gradeClass(grader, join(dir, "class"), options(out, { late })),
      (err: Error) =>
        err instanceof UsageError &&
        /^--deadline: no submission time for 1 student: 102 \(Canvas marks it LATE but gives no time\); give their times in --submitted-at FILE/
          .test(err.message),
    );
    assert.deepEqual(grader.graded, []); // refused before any grading
    const withTimes = await latePolicyFromFlags({
      deadline: DEADLINE,
      late: "1d:80%",
      submittedAt: join(dir, "times.csv"),
    });
    await gradeClass(grader, join(dir, "class"), options(out, { late: withTimes }));
    const rows = await gradesOf(out);
    assert.deepEqual(rows.map((r) => [r.student, r.credit, r.late]), [
      ["101", "100%", ""], // not marked LATE: on time by Canvas's due date
      ["102", "80%", "10h01m"],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("overrides are applied last, shown in the feedback, and survive a regrade after the tests change", async () => {
  const dir = await folder({
    "class/alice.ts": "// grade: rnn=6\nexport {};\n",
    "class/bob.ts": "export {};\n",
    "class/carol.ts": "// grade: trainRnn=0\nexport {};\n",
  });
  try {
    const out = join(dir, "out");
    await Deno.mkdir(out);
    await Deno.writeTextFile(
      join(out, "overrides.csv"),
      'student,exercise,points,reason,who\nalice,rnn,10,"the bias is added once, as the chapter does",kim\n' +
        "bob,total,0,academic integrity case 14,lee\n",
    );
    const first: string[] = [];
    await gradeClass(fakeGrader(), join(dir, "class"), options(out, { log: (l) => first.push(l) }));
    assert.ok(!first.some((l) => /graded again/.test(l)), first.join("\n")); // graded once
    const before = await gradesOf(out);
    assert.deepEqual(before.map((r) => [r.student, r.total, r.raw, r.rnn]), [
      ["alice", "100", "96", "10"],
      ["bob", "0", "100", "10"],
      ["carol", "70", "70", "10"],
    ]);
    assert.equal(before[0].overrides, "rnn 10 by kim: the bias is added once, as the chapter does");
    const feedback = await Deno.readTextFile(join(out, "feedback", "alice.md"));
    assert.match(
      feedback,
      /^- override of rnn by kim: 10 points \(the grader: 6\): the bias is added once, as the chapter does \(applied after grading; kept when the class is graded again\)$/m,
    );

    // The tests change (another grader version: here, another corpus), and alice's code too: all
    // are graded again, the grader now gives alice 7, and the overrides still apply, once each.
    await Deno.writeTextFile(join(dir, "class", "alice.ts"), "// grade: rnn=7\nexport {};\n");
    const log: string[] = [];
    const grader = fakeGrader();
    await gradeClass(
      grader,
      join(dir, "class"),
      options(out, { corpus: "v2", log: (l) => log.push(l) }),
    );
    assert.equal(grader.graded.length, 3);
    assert.ok(
      log.includes("note: alice was graded again; their overrides still apply (see the feedback)"),
      log.join("\n"),
    );
    const after = await gradesOf(out);
    assert.deepEqual(after.map((r) => [r.student, r.total, r.raw, r.rnn]), [
      ["alice", "100", "97", "10"],
      ["bob", "0", "100", "10"],
      ["carol", "70", "70", "10"],
    ]);
    const again = await Deno.readTextFile(join(out, "feedback", "alice.md"));
    assert.equal(again.match(/^## Final grade$/gm)?.length, 1);
    assert.match(again, /override of rnn by kim: 10 points \(the grader: 7\)/);
    assert.match(
      await Deno.readTextFile(join(out, "summary.md")),
      /override: alice's rnn set to 10 by kim/,
    );

    // A row the class cannot have is refused with its line.
    await Deno.writeTextFile(
      join(out, "overrides.csv"),
      "student,exercise,points,reason,who\nzed,rnn,1,x,y\n",
    );
    await assert.rejects(
      gradeClass(fakeGrader(), join(dir, "class"), options(out)),
      /overrides .*overrides\.csv, line 2: no student 'zed' in the class/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * A Canvas gradebook CSV read as Canvas's importer reads it (instructure/canvas-lms,
 * lib/gradebook_importer.rb): the header row (row[0] holds "Student", row[1] "ID", the student
 * columns end at "Section"), the "Points Possible" row, the student matched by the ID column, the
 * assignment's title and id from "Title (id)".
 */
function canvasImport(text: string) {
  const [header, ...rows] = parseCsv(text);
  assert.ok(header.length > 3 && header[0].includes("Student") && header[1].includes("ID"));
  let studentColumns = 3;
  if (/SIS\s+Login\s+ID/.test(header[2])) studentColumns += 1;
  else if (/SIS\s+User\s+ID/.test(header[2]) && /SIS\s+Login\s+ID/.test(header[3])) {
    studentColumns += 2;
  }
  assert.ok(header[studentColumns - 1].includes("Section"), "the student columns end at Section");
  const assignments = header.slice(studentColumns).map((h) => {
    const m = /^(.*)\s\((\d+)\)$/.exec(h);
    return m ? { title: m[1], id: m[2] } : { title: h, id: null };
  });
  let pointsPossible: string[] = [];
  const students: Record<string, string[]> = {};
  for (const row of rows) {
    if (row[0].includes("Points Possible")) pointsPossible = row.slice(studentColumns);
    else students[row[1]] = row.slice(studentColumns);
  }
  return { assignments, pointsPossible, students };
}

Deno.test("--gradebook canvas and moodle write what their importers read, keyed by the export's ids", async () => {
  const dir = await folder({
    "canvas/smithjane_101_9001_rnn_scratch.ts": "// grade: trainRnn=15\nexport {};\n",
    "canvas/doejohn_102_9002_rnn_scratch.ts": "export {};\n",
    "canvas/=cmd_103_9003_rnn_scratch.ts": "// grade: rnn=0\nexport {};\n",
    "moodle/Jane Smith_301_assignsubmission_file_/rnn_scratch.ts": "// grade: rnn=5\nexport {};\n",
    "moodle/John Doe_302_assignsubmission_file_/rnn_scratch.ts": "export {};\n",
  });
  try {
    const canvasOut = join(dir, "canvas-out");
    const result = await gradeClass(
      fakeGrader(),
      join(dir, "canvas"),
      options(canvasOut, { gradebook: "canvas", assignment: "RNN from scratch (4567)" }),
    );
    assert.deepEqual(result.gradebook?.leftOut, []);
    const canvas = canvasImport(await Deno.readTextFile(join(canvasOut, "gradebook-canvas.csv")));
    assert.deepEqual(canvas.assignments, [{ title: "RNN from scratch", id: "4567" }]);
    assert.deepEqual(canvas.pointsPossible, ["100"]);
    assert.deepEqual(canvas.students, { "101": ["85"], "102": ["100"], "103": ["90"] });
    // A name that a spreadsheet would read as a formula is not one.
    assert.match(await Deno.readTextFile(join(canvasOut, "gradebook-canvas.csv")), /^'=cmd,103,/m);

    const moodleOut = join(dir, "moodle-out");
    await gradeClass(
      fakeGrader(),
      join(dir, "moodle"),
      options(moodleOut, { gradebook: "moodle" }),
    );
    const [head, ...rows] = parseCsv(
      await Deno.readTextFile(join(moodleOut, "gradebook-moodle.csv")),
    );
    // Moodle's offline grading worksheet (mod/assign/feedback/offline/importgradeslib.php): the
    // columns found by name, the participant id after "Participant ", the time strtotime reads.
    const col = (name: string) => head.indexOf(name);
    assert.ok(col("Identifier") >= 0 && col("Grade") >= 0 && col("Last modified (grade)") >= 0);
    assert.deepEqual(
      rows.map((
        r,
      ) => [
        r[col("Identifier")].slice("Participant ".length),
        r[col("Grade")],
        r[col("Full name")],
      ]),
      [["301", "95", "Jane Smith"], ["302", "100", "John Doe"]],
    );
    assert.ok(!Number.isNaN(Date.parse(rows[0][col("Last modified (grade)")])));

    // Submissions that did not come from Canvas have no Canvas id.
    const plain = await folder({ "alice.ts": "export {};\n" });
    await assert.rejects(
      gradeClass(fakeGrader(), plain, options(join(dir, "plain-out"), { gradebook: "canvas" })),
      /--gradebook canvas needs the ids of a canvas export; these submissions came from plain \(try --gradebook csv\)/,
    );
    await Deno.remove(plain, { recursive: true });
    // Collecting writes the gradebook file too.
    await collectShards([canvasOut], join(dir, "collected"), { gradebook: "csv" });
    assert.equal(
      await Deno.readTextFile(join(dir, "collected", "gradebook.csv")),
      "student,name,score,max_score\r\n101,smithjane,85,100\r\n102,doejohn,100,100\r\n103,'=cmd,90,100\r\n",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the CLI refuses bad course input in one line with exit 2", async () => {
  const dir = await folder({ "class/alice.ts": "export {};\n", "bad.csv": "who,when\n" });
  try {
    const base = ["--batch", join(dir, "class"), "--out", join(dir, "out"), "--only", "rnn"];
    for (
      const [args, message] of [
        [["--late", "1d:80%"], /--late goes with --deadline/],
        [
          ["--deadline", "2026-03-01 23:59"],
          /--deadline: '2026-03-01 23:59' is not a time with its offset/,
        ],
        [["--deadline", DEADLINE, "--late", "1d:180%"], /--late: 1d:180%: credit above 100%/],
        [
          ["--deadline", DEADLINE, "--late", "2d:50%,1d:80%"],
          /--late: the windows must grow longer/,
        ],
        [
          ["--deadline", DEADLINE, "--extensions", join(dir, "bad.csv")],
          /--extensions .*bad\.csv: its header must be 'student,deadline'/,
        ],
        [
          ["--deadline", DEADLINE],
          /--deadline: no submission time for 1 student: alice \(the plain layout gives no submission time\)/,
        ],
        [["--gradebook", "blackboard"], /--gradebook must be one of canvas, moodle, csv/],
        [
          ["--similarity", "--shard", "0/2"],
          /--similarity compares the whole class: not with --shard/,
        ],
      ] as const
    ) {
      const bad = await runTask("grade", [...base, ...args]);
      assert.equal(bad.code, 2, `${args}: ${bad.stderr}`);
      assert.match(bad.stderr, new RegExp(`^error: ${message.source}[^\\n]*\\n$`));
    }
    const stray = await runTask("grade", [join(dir, "class", "alice.ts"), "--deadline", DEADLINE]);
    assert.equal(stray.code, 2);
    assert.match(stray.stderr, /^error: --deadline goes with --batch or --collect\n$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
