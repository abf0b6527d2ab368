// A class in one command: a class of thirteen submissions of every kind (modules, folders, a
// notebook, course tools' file names, a broken file, a broken notebook, a huge file, an endless
// loop, a hostile submission, a crashing grading) gives the expected grades.csv; a rerun grades
// only what changed; three shards collected equal one run; the CLI takes a zip safely; course
// tools' layouts name the students; bad input is one line and exit 2.

import assert from "node:assert/strict";
import { type Zippable, zipSync } from "fflate";
import { join } from "node:path";
import { boundJobs, type ClassOptions, gradeClass, type Grades } from "../src/grade/class/class.ts";
import { collectShards } from "../src/grade/class/collect.ts";
import { parseShard } from "../src/cli/shard.ts";
import { discover, gradescopeMetadata } from "../src/grade/class/layout.ts";
import { unzipSafely } from "../src/grade/class/unzip.ts";
import type { ExerciseName } from "../src/grade/contract.ts";
import { notebookFromModule } from "../src/grade/notebook.ts";
import { gradesWithoutTime, ROOT, runTask, SHARED, sharedGrader } from "./_helpers.ts";
import { EXIT } from "../src/errors.ts";

const DATA = { RNNLAB_DATA: `${SHARED}data` };
const ONLY: ExerciseName[] = ["getInputs", "gradClipping"];
const read = (path: string) => Deno.readTextFileSync(`${ROOT}${path}`);

/** What a hostile submission knows: where the other students' files, a canary and the outputs are. */
interface Stage {
  dir: string;
  classDir: string;
  canary: string;
  token: string;
}

/** A class folder of thirteen submissions, a README, and a canary outside it. */
async function makeClass(): Promise<Stage> {
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-class-" });
  const classDir = join(dir, "class");
  const token = `canary-${crypto.randomUUID()}`;
  const canary = join(dir, "canary.txt");
  await Deno.writeTextFile(canary, token);
  const put = async (path: string, text: string) => {
    await Deno.mkdir(join(classDir, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(classDir, path), text);
  };
  const staff = read("src/grade/staff_solution.ts");
  const alternative = read("fixtures/solutions/alternative.ts");
  await put("alice.ts", `${staff}\n// alice's own: ${token.replace("canary", "alice")}\n`);
  await put("bob/rnn_scratch.ts", read("fixtures/solutions/bug_one_hot_axis.ts"));
  await put("bob/alternative.ts", alternative);
  await put("carol.ipynb", notebookFromModule(staff));
  await put("dave.ts", read("fixtures/adversarial/syntax_error.ts.txt"));
  await put(
    "eve.ts",
    `${alternative}
// Hostile: reads another student's file, the canary and the outputs; writes the outputs; prints
// a fake row and terminal escapes.
for (const path of [${JSON.stringify(join(classDir, "alice.ts"))}, "../alice.ts", ${
      JSON.stringify(canary)
    }]) {
  try {
    console.log("read", Deno.readTextFileSync(path));
  } catch (err) {
    console.log("denied", (err as Error).name);
  }
}
try {
  Deno.writeTextFileSync(${JSON.stringify(join(dir, "out", "grades.csv"))}, "alice,0\\n");
} catch (err) {
  console.log("denied", (err as Error).name);
}
console.log("alice,0,0,0,graded\\x1b[2J");
`,
  );
  await put("frank.ts", read("src/grade/starter/rnn_scratch.ts"));
  await put("grace/README.md", "I forgot the code.\n");
  await put("heidi.ipynb", "{ this is not JSON");
  await put("ivan.ts", "");
  await Deno.truncate(join(classDir, "ivan.ts"), 40 << 20); // huge (and sparse)
  await put(
    "judy.ts",
    `${alternative.replace("export function getInputs(", "export function getInputsDone(")}
export function getInputs(): never {
  while (true) {
    // spin
  }
}
`,
  );
  await put("kimlee_1001_5001_rnn_scratch.ts", alternative);
  await put(
    "Leo Lane_2001_assignsubmission_file_/rnn_scratch.ts",
    read("fixtures/solutions/bug_per_tensor_clipping.ts"),
  );
  await put("Leo Lane_2001_assignsubmission_file_/alternative.ts", alternative);
  await put("mallory.ts", staff);
  await put("README.md", "The class of 2017.\n");
  return { dir, classDir, canary, token };
}

/** The grader, except that grading mallory crashes. */
async function crashingGrader(): Promise<Grades> {
  const grader = await sharedGrader();
  return {
    exercises: grader.exercises,
    grade: (path, opts) =>
      path.includes("mallory") ? Promise.reject(new Error("boom")) : grader.grade(path, opts),
  };
}

const options = (out: string, extra: Partial<ClassOptions> = {}): ClassOptions => ({
  out,
  jobs: 2,
  only: ONLY,
  timeoutScale: 0.2,
  typeCheck: false,
  corpus: "test",
  ...extra,
});

const EXPECTED = [
  "student,name,total,raw,credit,getInputs,gradClipping,status,submitted,late,submission,note," +
  "overrides",
  "1001,kimlee,20,20,100%,10,10,graded,,,kimlee_1001_5001_rnn_scratch.ts,,",
  "2001,Leo Lane,16,16,100%,10,6,graded,,,Leo Lane_2001_assignsubmission_file_/rnn_scratch.ts,,",
  "alice,,20,20,100%,10,10,graded,,,alice.ts,,",
  "bob,,10,10,100%,0,10,graded,,,bob/rnn_scratch.ts,,",
  "carol,,20,20,100%,10,10,graded,,,carol.ipynb,,",
  /^dave,,0,0,100%,0,0,error,,,dave\.ts,"not run: dave\.ts: SyntaxError: .*",$/,
  "eve,,20,20,100%,10,10,graded,,,eve.ts,,",
  "frank,,0,0,100%,0,0,graded,,,frank.ts,,",
  "grace,,0,0,100%,0,0,error,,,grace,no .ts or .ipynb file to grade (rnn_scratch.ts or " +
  "rnn_scratch.ipynb),",
  "heidi,,0,0,100%,0,0,error,,,heidi.ipynb,heidi.ipynb is not a Jupyter notebook: not valid JSON " +
  "(at position 2),",
  "ivan,,0,0,100%,0,0,error,,,ivan.ts,no .ts or .ipynb file to grade (rnn_scratch.ts or " +
  "rnn_scratch.ipynb); left out: ivan.ts: 41943040 bytes would pass the copy's bound of 33554432,",
  "judy,,10,10,100%,0,10,timeout,,,judy.ts,stopped at the time limit: getInputs,",
  "mallory,,0,0,100%,0,0,error,,,mallory.ts,the grading crashed: boom,",
];

function assertGrades(lines: string[]) {
  assert.equal(lines.length, EXPECTED.length, lines.join("\n"));
  EXPECTED.forEach((expected, i) => {
    if (typeof expected === "string") assert.equal(lines[i], expected);
    else assert.match(lines[i], expected);
  });
}

/** Every file under `dir`, with its content. */
async function filesUnder(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (rel: string) => {
    for await (const entry of Deno.readDir(join(dir, rel))) {
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else files.set(path, await Deno.readTextFile(join(dir, path)));
    }
  };
  await walk("");
  return files;
}

Deno.test("a class of thirteen submissions of every kind gives the expected grades.csv; a rerun grades only what changed; three shards collected equal one run", async () => {
  const s = await makeClass();
  try {
    const grader = await crashingGrader();
    const out = join(s.dir, "out");
    const log: string[] = [];
    const { records } = await gradeClass(
      grader,
      s.classDir,
      options(out, { log: (l) => log.push(l) }),
    );
    assert.equal(records.length, 13);
    const first = await gradesWithoutTime(out);
    assertGrades(first);

    // Failures stayed local, and the hostile submission reached nothing.
    const files = await filesUnder(out);
    // A feedback file and a feedback page per student.
    assert.equal([...files.keys()].filter((f) => /^feedback\/.*\.md$/.test(f)).length, 13);
    assert.equal([...files.keys()].filter((f) => /^feedback\/.*\.html$/.test(f)).length, 13);
    assert.match(
      files.get("feedback/bob.html")!,
      /Known mistake: <strong>one-hot of the rows \(examples\) instead of the columns \(time steps\)<\/strong>/,
    );
    assert.match(
      files.get("feedback/grace.html")!,
      /Not graded.*no \.ts or \.ipynb file to grade/s,
    );
    for (const [name, text] of files) {
      assert.ok(!text.includes(s.token), `the canary is in ${name}`);
      assert.ok(!text.includes(s.token.replace("canary", "alice")), `alice's file is in ${name}`);
    }
    const eve = files.get("feedback/eve.md")!;
    assert.equal(eve.match(/denied (NotCapable|PermissionDenied)/g)?.length, 2 * 4, eve); // both exercises
    assert.match(eve, /alice,0,0,0,graded\\x1b\[2J/); // shown, escaped, never believed
    assert.doesNotMatch(files.get("grades.csv")!, /^alice,0/m);
    assert.match(files.get("feedback/judy.md")!, /stopped: the exercise ran past its time limit/);
    const summary = files.get("summary.md")!;
    assert.match(
      summary,
      /^13 submissions: 7 graded, 1 timed out, 5 not graded \(counted as 0\)\.$/m,
    );
    assert.match(summary, /^Mean 8\.92, median 10 \(of 20\)\.$/m);
    assert.match(summary, /^\| 20 \| 4 \| ████ \|$/m);
    assert.match(summary, /^\| getInputs \| 10 \| 5\/13 \(38%\) \| .* \(3\) \|$/m);
    assert.match(summary, /^- not a submission: README\.md$/m);
    assert.match(summary, /^\| mallory \| error \| the grading crashed: boom \|$/m);

    // A rerun grades only what changed: bob's fix, and mallory's crashed grading.
    await Deno.writeTextFile(
      join(s.classDir, "bob", "rnn_scratch.ts"),
      read("src/grade/staff_solution.ts"),
    );
    const again: string[] = [];
    await gradeClass(grader, s.classDir, options(out, { log: (l) => again.push(l) }));
    const regraded = again.filter((l) => !/unchanged|^note: /.test(l)).map((l) =>
      l.replace(/^\[\d+\/13\] /, "")
    );
    assert.deepEqual(regraded.map((l) => l.split(":")[0]).sort(), ["bob", "mallory"]);
    assert.equal(again.filter((l) => /: unchanged, /.test(l)).length, 11);
    const after = await gradesWithoutTime(out);
    assert.equal(after[4], "bob,,20,20,100%,10,10,graded,,,bob/rnn_scratch.ts,,");
    assert.deepEqual(after.filter((_, i) => i !== 4), first.filter((_, i) => i !== 4));

    // Three shards, each graded on its own, collected: the same grades and summary as one run.
    const shards = [0, 1, 2].map((i) => join(s.dir, `shard-${i}`));
    const sizes: number[] = [];
    for (const [i, shard] of shards.entries()) {
      sizes.push(
        (await gradeClass(grader, s.classDir, options(shard, { shard: { index: i, count: 3 } })))
          .records.length,
      );
    }
    assert.equal(sizes.reduce((a, b) => a + b), 13);
    assert.ok(sizes.every((n) => n > 0), `${sizes}`);
    const all = join(s.dir, "all");
    await collectShards(shards, all);
    assert.deepEqual(await gradesWithoutTime(all), after);
    assert.equal(
      await Deno.readTextFile(join(all, "summary.md")),
      await Deno.readTextFile(join(out, "summary.md")),
    );
    const feedback = async (dir: string) =>
      [...(await filesUnder(join(dir, "feedback"))).keys()].sort();
    assert.deepEqual(await feedback(all), await feedback(out));
    await assert.rejects(
      collectShards(shards.slice(0, 2), join(s.dir, "partial")),
      /shard 2 of 3 missing/,
    );
  } finally {
    await Deno.remove(s.dir, { recursive: true });
  }
});

Deno.test("the CLI grades a zip of a class, unpacking it safely; bad input is one line and exit 2", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-zip-" });
  try {
    const text = new TextEncoder();
    const files: Zippable = {
      "class/alice.ts": text.encode(read("src/grade/staff_solution.ts")),
      "class/bob.ipynb": text.encode(notebookFromModule(read("fixtures/solutions/alternative.ts"))),
      "class/../../evil.ts": text.encode("export {};\n"),
      "/abs.ts": text.encode("export {};\n"),
      "class/link.ts": [text.encode("/etc/passwd"), { os: 3, attrs: (0o120777 << 16) >>> 0 }],
      "class/bomb.ts": new Uint8Array(40 << 20), // 40 MiB of zeros, a few KiB zipped
      "__MACOSX/class/._alice.ts": new Uint8Array(4),
    };
    await Deno.writeFile(join(dir, "class.zip"), zipSync(files));
    const out = join(dir, "out");
    const run = await runTask("grade", [
      "--batch",
      join(dir, "class.zip"),
      "--out",
      out,
      "--only",
      "getInputs",
      "--no-type-check",
    ], { env: DATA });
    assert.equal(run.code, EXIT.ok, run.stderr);
    assert.match(
      run.stdout,
      /^wrote .*grades\.csv, summary\.md and 2 feedback files: 2 students, 2 graded, 0 timed out, 0 not graded$/m,
    );
    const grades = await gradesWithoutTime(out);
    assert.deepEqual(grades.slice(0, 3), [
      "student,name,total,raw,credit,getInputs,status,submitted,late,submission,note,overrides",
      "alice,,10,10,100%,10,graded,,,alice.ts,,",
      "bob,,10,10,100%,10,graded,,,bob.ipynb,,",
    ]);
    // A link stored in the zip is left out (its central directory says it is one), never made.
    assert.equal(grades.length, 3);
    const summary = await Deno.readTextFile(join(out, "summary.md"));
    assert.match(summary, /left out of the zip: class\/\.\.\/\.\.\/evil\.ts: its name climbs out/);
    assert.match(summary, /left out of the zip: \/abs\.ts: its name is an absolute path/);
    assert.match(summary, /left out of the zip: class\/link\.ts: a symbolic link/);
    assert.match(
      summary,
      /left out of the zip: class\/bomb\.ts: it inflates to more than 33554432 bytes/,
    );
    for (const path of [join(dir, "evil.ts"), join(dir, "..", "evil.ts"), "/abs.ts"]) {
      assert.equal(await Deno.stat(path).then(() => true, () => false), false, path);
    }

    await Deno.writeTextFile(join(dir, "notes.txt"), "not a zip");
    await Deno.mkdir(join(dir, "class"));
    for (
      const [args, message] of [
        [
          ["--batch", join(dir, "missing"), "--out", out],
          /submissions .*missing: no such file or folder/,
        ],
        [
          ["--batch", join(dir, "notes.txt"), "--out", out],
          /.*notes\.txt is not a readable zip archive \(no zip signature at its start\)/,
        ],
        [
          ["--batch", join(dir, "class"), "--out", join(dir, "class", "out")],
          /--out .* is inside the submissions folder/,
        ],
        [["--batch", join(dir, "class")], /--batch needs --out DIR/],
        [
          ["--batch", join(dir, "class"), "--out", out, "--shard", "3/3"],
          /shard index 3 \(from --shard 3\/3\) is not below the 3 shards/,
        ],
        [
          ["--batch", join(dir, "class"), "--out", out, "--jobs", "0"],
          /--jobs must be in \[1, 256\], got 0/,
        ],
        [["--collect", out], /--collect needs --out DIR/],
        [
          ["--collect", join(dir, "class"), "--out", join(dir, "all")],
          /--collect .*class: no batch\.json of a batch's --out folder/,
        ],
      ] as const
    ) {
      const bad = await runTask("grade", [...args], { env: DATA });
      assert.equal(bad.code, EXIT.usage, `${args}: ${bad.stderr}`);
      assert.match(bad.stderr, new RegExp(`^error: ${message.source}[^\\n]*\\n$`));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("unpacking refuses a zip past its bounds of entries or bytes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const zip = join(dir, "x.zip");
    await Deno.writeFile(
      zip,
      zipSync({ "a.ts": new Uint8Array(3000), "b.ts": new Uint8Array(3000) }),
    );
    const limits = { entries: 10, entryBytes: 4000, totalBytes: 5000, depth: 4 };
    await assert.rejects(
      unzipSafely(zip, join(dir, "u1"), limits),
      /refused: it inflates to more than 5000 bytes/,
    );
    await assert.rejects(
      unzipSafely(zip, join(dir, "u2"), { ...limits, entries: 1 }),
      /refused: it holds more than 1 entries/,
    );
    const ok = await unzipSafely(zip, join(dir, "u3"), { ...limits, totalBytes: 6000 });
    assert.deepEqual([ok.files, ok.bytes, ok.leftOut], [2, 6000, []]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("course tools' layouts name the students", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const put = async (path: string) => {
      await Deno.mkdir(join(dir, path, ".."), { recursive: true });
      await Deno.writeTextFile(join(dir, path), "");
    };
    const students = async (sub: string) =>
      (await discover(join(dir, sub))).submissions.map((s) =>
        `${s.student}|${s.name}|${s.layout}|${s.sources.map((x) => `${x.path}>${x.as}`).join(";")}`
      );
    // Gradescope's export, inside the zip's one folder, with a group submission.
    await put("gs/assignment_1_export/submission_11/rnn_scratch.ts");
    await put("gs/assignment_1_export/submission_12/hw.ipynb");
    await Deno.writeTextFile(
      join(dir, "gs/assignment_1_export/submission_metadata.yml"),
      `submission_11:
  :submitters:
  - :name: Solo Student
    :sid: '100'
    :email: solo@example.edu
  :created_at: 2024-01-01 10:00:00.000000000 -08:00
  :score: 10.0
submission_12:
  :submitters:
  - :name: Pair One
    :sid: '200'
  - :name: Pair Two
    :email: two@example.edu
`,
    );
    assert.deepEqual(await students("gs"), [
      "100|Solo Student|gradescope|submission_11>",
      "200+two@example.edu|Pair One & Pair Two|gradescope|submission_12>",
    ]);
    // The submission's time, from :created_at:, where the metadata has one.
    assert.deepEqual(
      (await discover(join(dir, "gs"))).submissions.map((s) => s.submittedAt),
      ["2024-01-01T10:00:00.000-08:00", undefined],
    );
    // Canvas: flat files, late ones marked, a student's files grouped.
    await put("cv/smithjane_123_456_rnn_scratch.ts");
    await put("cv/smithjane_123_456_helpers.ts");
    await put("cv/doejohn_LATE_124_457_rnn_scratch-1.ipynb");
    assert.deepEqual(await students("cv"), [
      "123|smithjane|canvas|smithjane_123_456_helpers.ts>helpers.ts;smithjane_123_456_rnn_scratch.ts>rnn_scratch.ts",
      "124|doejohn|canvas|doejohn_LATE_124_457_rnn_scratch-1.ipynb>rnn_scratch-1.ipynb",
    ]);
    assert.deepEqual(
      (await discover(join(dir, "cv"))).submissions.map((s) => s.lateMarker),
      [false, true],
    );
    // Moodle: a folder per plugin and student, or flat files.
    await put("md/Jane Smith_301_assignsubmission_file_/rnn_scratch.ts");
    await put("md/Jane Smith_301_assignsubmission_onlinetext_/onlinetext.html");
    await put("md/John Doe_302_assignsubmission_file_rnn_scratch.ts");
    assert.deepEqual(await students("md"), [
      "301|Jane Smith|moodle|Jane Smith_301_assignsubmission_file_>;Jane Smith_301_assignsubmission_onlinetext_>",
      "302|John Doe|moodle|John Doe_302_assignsubmission_file_rnn_scratch.ts>rnn_scratch.ts",
    ]);
    // GitHub Classroom: <assignment>-<username> folders.
    await put("gh/rnn-scratch-submissions/rnn-scratch-octocat/rnn_scratch.ts");
    await put("gh/rnn-scratch-submissions/rnn-scratch-mona-lisa/rnn_scratch.ts");
    assert.deepEqual(await students("gh"), [
      "mona-lisa||github-classroom|rnn-scratch-mona-lisa>",
      "octocat||github-classroom|rnn-scratch-octocat>",
    ]);
    // Plain: files and folders named after the students; other loose files are no submission.
    await put("pl/alice.ts");
    await put("pl/bob/rnn_scratch.ts");
    await put("pl/notes.pdf");
    await put("pl/.DS_Store");
    const plain = await discover(join(dir, "pl"));
    assert.deepEqual(plain.submissions.map((s) => `${s.student}|${s.layout}`), [
      "alice|plain",
      "bob|plain",
    ]);
    assert.deepEqual(plain.ignored, ["notes.pdf"]);
    assert.deepEqual(
      gradescopeMetadata("submission_1:\n  :submitters: []\n").get("submission_1"),
      { submitters: [] },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--jobs is bounded by the cores; by default half of them", () => {
  const cores = navigator.hardwareConcurrency;
  assert.deepEqual(boundJobs(), { jobs: Math.max(1, Math.floor(cores / 2)), note: "" });
  assert.deepEqual(boundJobs(1), { jobs: 1, note: "" });
  const many = boundJobs(cores + 1);
  assert.ok(many.jobs <= cores);
  assert.match(
    many.note,
    new RegExp(`^--jobs ${cores + 1}: grading ${many.jobs} at once \\(${cores} cores`),
  );
});

Deno.test("--shard takes I/N, or N with the index from Slurm or an Indexed Job", () => {
  assert.deepEqual(parseShard("2/4", {}), { index: 2, count: 4 });
  assert.deepEqual(parseShard("4", { SLURM_ARRAY_TASK_ID: "3" }), { index: 3, count: 4 });
  assert.deepEqual(parseShard("4", { SLURM_ARRAY_TASK_ID: "5", SLURM_ARRAY_TASK_MIN: "2" }), {
    index: 3,
    count: 4,
  });
  assert.deepEqual(parseShard("4", { JOB_COMPLETION_INDEX: "0" }), { index: 0, count: 4 });
  assert.throws(() => parseShard("4", {}), /neither is set; give it as --shard I\/4/);
  assert.throws(() => parseShard("1/0", {}), /N must be in \[1, 10000\]/);
  assert.throws(() => parseShard("a/b", {}), /--shard must be I\/N .*got 'a\/b'/);
});
