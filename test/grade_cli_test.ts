// `deno task grade` and `deno task grade:bundle` as users run them: the starter, the text report,
// Gradescope's results.json, errors, and the bundle's run_autograder in a Gradescope-like folder.

import assert from "node:assert/strict";
import { unzipSync } from "fflate";
import { dirname, join } from "node:path";
import { chapterText, ROOT, runTask, SHARED } from "./_helpers.ts";
import { EXIT } from "../src/errors.ts";

const DATA = { RNNLAB_DATA: `${SHARED}data` };

function assertGradescopeSchema(results: Record<string, unknown>) {
  assert.deepEqual(Object.keys(results).sort(), [
    "output",
    "output_format",
    "sandbox",
    "score",
    "stdout_visibility",
    "tests",
  ]);
  assert.equal(results.stdout_visibility, "hidden");
  assert.ok(
    ["bubblewrap", "permissions"].includes(results.sandbox as string),
    `${results.sandbox}`,
  );
  const tests = results.tests as Record<string, unknown>[];
  for (const test of tests) {
    assert.deepEqual(Object.keys(test).sort(), [
      "max_score",
      "name",
      "number",
      "output",
      "output_format",
      "score",
      "status",
      "visibility",
    ]);
    assert.match(test.number as string, /^[1-9]\.[1-5]$/);
    assert.ok(["passed", "failed"].includes(test.status as string));
    assert.ok(
      ["visible", "after_due_date", "after_published", "hidden"].includes(
        test.visibility as string,
      ),
    );
  }
}

Deno.test("grade --init writes the starter, once", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const first = await runTask("grade", ["--init", `${dir}/hw`]);
    assert.equal(first.code, EXIT.ok, first.stderr);
    assert.equal(
      await Deno.readTextFile(`${dir}/hw/rnn_scratch.ts`),
      await Deno.readTextFile(`${ROOT}src/grade/starter/rnn_scratch.ts`),
    );
    const again = await runTask("grade", ["--init", `${dir}/hw`]);
    assert.equal(again.code, EXIT.usage);
    assert.match(again.stderr, /^error: .*rnn_scratch\.ts exists; not overwriting it\n$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("grade prints the report and writes Gradescope's results.json; exit 0 whatever the score", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = await runTask("grade", [
      "fixtures/solutions/bug_missing_bias.ts",
      "--only",
      "rnn,gradClipping",
      "--results",
      `${dir}/results.json`,
      "--html",
      `${dir}/feedback.html`,
    ], { env: DATA });
    assert.equal(out.code, EXIT.ok, out.stderr);
    assert.equal(out.stderr, "");
    assert.match(out.stdout, /^rnnlab autograder: .*bug_missing_bias\.ts\n/);
    assert.match(
      out.stdout,
      /\nrnn \(In \[13\] rnn\) {2}0\/15 {2}0\/5 cases\n {2}FAIL public {2}batch 2, steps 3/,
    );
    assert.match(
      out.stdout,
      /\ngradClipping \(In \[16\] grad_clipping\) {2}10\/10 {2}5\/5 cases\n/,
    );
    assert.match(out.stdout, /\nScore 10\/25 \(graded in [\d.]+ s\)\n/);
    const results = JSON.parse(await Deno.readTextFile(`${dir}/results.json`));
    assertGradescopeSchema(results);
    assert.equal(results.score, 10);
    assert.equal(results.tests.length, 10);
    assert.deepEqual(results.tests.map((t: { visibility: string }) => t.visibility).slice(0, 5), [
      "visible",
      "visible",
      "after_published",
      "after_published",
      "after_published",
    ]);
    // Each test in Markdown: the mistake named, the feedback verbatim in a code block.
    assert.equal(results.tests[0].output_format, "md");
    assert.match(
      results.tests[0].output,
      /^\*\*Known mistake: the output bias b_y left out\*\* \(the chapter, In \[13\]: `Y = nd\.dot\(H, W_hy\) \+ b_y`\)\n\n```text\noutputs\[0\]: element \[0, 0\] is /,
    );
    assert.ok(!("hidden" in results) && !results.output.includes("Hi, looks like"));
    assert.match(out.stdout, /\nfeedback page: .*feedback\.html written\n$/);
    const page = await Deno.readTextFile(`${dir}/feedback.html`);
    assert.match(page, /Known mistake: <strong>the output bias b_y left out<\/strong>/);
    assert.match(page, /<title>Feedback: bug_missing_bias\.ts<\/title>/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("grade --json prints Gradescope's results instead of the report", async () => {
  const out = await runTask("grade", [
    "src/grade/staff_solution.ts",
    "--only",
    "gradClipping",
    "--json",
  ], {
    env: DATA,
  });
  assert.equal(out.code, EXIT.ok, out.stderr);
  const results = JSON.parse(out.stdout);
  assertGradescopeSchema(results);
  assert.equal(results.score, 10);
  assert.equal(
    results.output,
    "Public cases: 4/4 points, 2/2 passed. The 3 hidden cases (6 points) and the total are shown " +
      "when grades are published.\ngradClipping (In [16] grad_clipping): public cases 2/2",
  );
});

Deno.test("bad command lines end in one error line and exit code 2", async () => {
  for (
    const [args, message] of [
      [[], /give the submission to grade/],
      [["a.ts", "b.ts"], /Unexpected argument 'b\.ts'/],
      [["x.ts", "--only", "rnn,nope"], /--only must be one of dataIterRandom, .*, got 'nope'/],
      [["x.ts", "--timeout-scale", "0"], /--timeout-scale must be in \[0\.01, 100\], got 0/],
      [["missing.ts"], /submission missing\.ts is not a file/],
      [
        ["x.ts", "--html", "/nonexistent/f.html"],
        /feedback page \/nonexistent\/f\.html: its folder/,
      ],
      [["--batch", "x", "--out", "y", "--html", "f.html"], /--html goes with one submission/],
      [["--bogus"], /unknown flag --bogus; the nearest known flag is --/],
    ] as const
  ) {
    const out = await runTask("grade", [...args], { env: DATA });
    assert.equal(out.code, EXIT.usage, `${args}: ${out.stderr}`);
    assert.match(out.stderr, new RegExp(`^error: ${message.source}[^\\n]*\\n$`));
  }
});

Deno.test("the Gradescope bundle grades a submission in a Gradescope-like folder", async () => {
  const root = await Deno.makeTempDir();
  try {
    const bash = (script: string) =>
      new Deno.Command("bash", {
        args: [join(root, "source", script)],
        env: { AUTOGRADER_ROOT: root, NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
    const zip = `${root}/autograder.zip`;
    const built = await runTask("grade:bundle", ["--out", zip], { env: DATA });
    assert.equal(built.code, EXIT.ok, built.stderr);
    const files = unzipSync(await Deno.readFile(zip));
    for (
      const name of [
        "setup.sh",
        "run_autograder",
        "deno.json",
        "deno.lock",
        "tasks/grade.ts",
        "src/grade/child.ts",
      ]
    ) {
      assert.ok(name in files, name);
    }
    assert.ok("data/jaychou_lyrics-2017.txt.zip" in files);
    // What the catalogue's mistakes give on the cases, computed when the bundle was built, for the
    // grader to read rather than compute; no unit test travels.
    const table = `runs/grader/mistake_outcomes.json`;
    const key = JSON.parse(new TextDecoder().decode(files[table])).key;
    const { buildExercises } = await import("../src/grade/exercises/mod.ts");
    const { tableKey } = await import("../src/grade/mistakes/table.ts");
    assert.equal(key, await tableKey(buildExercises(await chapterText())));
    assert.deepEqual(Object.keys(files).filter((f) => f.endsWith("_test.ts")), []);
    for (const [name, data] of Object.entries(files)) {
      await Deno.mkdir(dirname(join(root, "source", name)), { recursive: true });
      await Deno.writeFile(join(root, "source", name), data);
    }
    await Deno.mkdir(`${root}/submission`);
    const setup = await bash("setup.sh");
    assert.equal(setup.code, 0, new TextDecoder().decode(setup.stderr));
    const empty = await bash("run_autograder"); // nothing submitted: a zero, still exit 0
    assert.equal(empty.code, EXIT.ok, new TextDecoder().decode(empty.stderr));
    const none = JSON.parse(await Deno.readTextFile(`${root}/results/results.json`));
    assert.deepEqual([none.score, none.tests], [0, []]);
    assert.match(none.output, /No submission to grade/);
    await Deno.copyFile(
      `${ROOT}fixtures/solutions/bug_prediction_length.ts`,
      `${root}/submission/rnn_scratch.ts`,
    );
    await Deno.writeTextFile(
      `${root}/submission/alternative.ts`,
      await Deno.readTextFile(`${ROOT}fixtures/solutions/alternative.ts`),
    );

    const before = (await Deno.stat(join(root, "source", table))).mtime;
    const run = await bash("run_autograder");
    assert.equal(run.code, EXIT.ok, new TextDecoder().decode(run.stderr));
    assert.deepEqual(
      (await Deno.stat(join(root, "source", table))).mtime,
      before,
      "read, not built",
    );
    const results = JSON.parse(await Deno.readTextFile(`${root}/results/results.json`));
    assertGradescopeSchema(results);
    assert.equal(results.score, 85);
    const failed = results.tests.filter((t: { status: string }) => t.status === "failed");
    assert.ok(
      failed.length === 5 &&
        failed.every((t: { name: string }) => t.name.startsWith("predictRnn: ")),
    );
    assert.ok(
      failed.every((t: { output: string }) =>
        t.output.includes("one known mistake: one step too few: num_chars + len(prefix) − 1.")
      ),
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
