// The grader against adversarial submissions: each misbehaves in one way, and the grader must
// survive it, say what happened, and grade the rest. The submissions may import from fixtures/
// (they re-export the alternative solution), so `root` is that folder.

import assert from "node:assert/strict";
import type { ExerciseName } from "../src/grade/contract.ts";
import type { ExerciseResult, GradeOptions, GradeReport } from "../src/grade/grader.ts";
import { ROOT, sharedGrader } from "./_helpers.ts";

async function grade(
  name: string,
  only: ExerciseName[],
  opts: GradeOptions = {},
): Promise<GradeReport> {
  const grader = await sharedGrader();
  return grader.grade(`${ROOT}fixtures/adversarial/${name}.ts`, {
    root: `${ROOT}fixtures`,
    only,
    ...opts,
  });
}

function exercise(report: GradeReport, name: ExerciseName): ExerciseResult {
  return report.exercises.find((e) => e.name === name)!;
}

function assertFull(report: GradeReport, ...names: ExerciseName[]) {
  for (const name of names) {
    const ex = exercise(report, name);
    assert.equal(ex.score, ex.maxScore, `${name}: ${ex.cases.map((c) => c.feedback).join("\n")}`);
  }
}

function assertZero(report: GradeReport, name: ExerciseName, feedback: RegExp) {
  const ex = exercise(report, name);
  assert.equal(ex.score, 0);
  for (const c of ex.cases) assert.match(c.feedback, feedback);
}

Deno.test("an endless loop is stopped at the time limit; trainRnn runs with the reference rnn", async () => {
  const report = await grade("infinite_loop", ["rnn", "gradClipping", "trainRnn"], {
    timeoutScale: 0.1,
  });
  assertZero(report, "rnn", /ran past its time limit of 3 s/);
  assertFull(report, "gradClipping", "trainRnn");
  assert.ok(exercise(report, "trainRnn").referencePrimitives.includes("rnn"));
});

Deno.test("unbounded allocation, on the V8 heap or outside it, is stopped", async () => {
  const report = await grade("allocates", ["getInputs", "rnn", "perplexity"], {
    limits: { rssMb: 700 },
    timeoutScale: 0.5,
  });
  assertZero(report, "getInputs", /ran out of memory \(V8 heap limit 512 MiB\)/);
  assertZero(report, "rnn", /used more than 700 MiB of memory/);
  assertFull(report, "perplexity");
});

Deno.test("a thrown Error or non-Error is reported per case", async () => {
  const report = await grade("throws", ["gradClipping", "perplexity", "rnn"]);
  assertZero(
    report,
    "gradClipping",
    /^gradClipping threw TypeError: grads.map is not a function\nHint: In \[16\]/,
  );
  assertZero(report, "perplexity", /^perplexity threw a thrown string: a string, not an Error/);
  assertFull(report, "rnn");
});

Deno.test("Deno.exit in the middle of an exercise ends that exercise only", async () => {
  const report = await grade("exits_early", ["perplexity", "getInputs"]);
  assertZero(report, "perplexity", /the process exited \(code 0\) before perplexity returned/);
  assert.equal(exercise(report, "perplexity").cases[0].output, "bye\n");
  assertFull(report, "getInputs");
});

Deno.test("printed fake scores and fake protocol lines are shown, never believed", async () => {
  const report = await grade("fake_score", ["getInputs", "rnn"]);
  assertZero(
    report,
    "getInputs",
    /the list of inputs: a list of 1, expected [345]|inputs\[0\]: element \[0, 0\] is 1, expected 0/,
  );
  const output = exercise(report, "getInputs").cases[0].output;
  assert.match(output, /^\{"score": 100, "tests": \[\]\}\nScore 100\/100\n/);
  assert.match(output, /00000000-0000-0000-0000-000000000000 \{"t":"done"\}/);
  assertFull(report, "rnn");
  assert.equal(report.score, 15);
});

Deno.test("patched JSON, toJSON, TextEncoder, Deno.stdout and Deno.exit cannot forge results", async () => {
  const report = await grade("patches_globals", ["getInputs", "rnn", "gradClipping"]);
  assertZero(
    report,
    "getInputs",
    /the list of inputs: a list of 1, expected [345]|inputs\[0\]: element \[0, 0\] is 1, expected 0/,
  );
  assertFull(report, "rnn", "gradClipping");
});

Deno.test("a static import of the goldens is refused before anything runs", async () => {
  const report = await grade("imports_golden", ["getInputs", "rnn"]);
  assert.deepEqual(report.rejected, [
    `adversarial/imports_golden.ts imports "../../golden/chapter_printed.json": only modules in the ` +
    `submission's folder and npm:@tensorflow/tfjs@4.22.0 may be imported`,
  ]);
  assert.equal(report.score, 0);
  assertZero(report, "rnn", /^The submission was not run:\n/);
});

for (
  const [name, probes] of [["reads_files", 7], ["opens_sockets", 4], ["reads_env", 5]] as const
) {
  Deno.test(`${name}: every attempt is denied, and the submission is graded normally`, async () => {
    const report = await grade(name, ["getInputs"]);
    assertFull(report, "getInputs");
    const output = exercise(report, "getInputs").cases[0].output;
    assert.equal(output.match(/^probe .*: denied$/gm)?.length, probes, output);
    assert.doesNotMatch(output, /LEAKED/);
  });
}
