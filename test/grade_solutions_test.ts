// The grader against known solutions: the staff's (full marks), a correct one written differently
// (full marks: the tolerances hold), the starter (nothing), and one realistic bug per file, each of
// which must cost points in exactly the exercises it touches and be named from the catalogue of
// mistakes. These nine bugs were written before the catalogue, which was made with them in view:
// they are not held out (fixtures/held_out/ and test/grade_diagnosis_test.ts are).

import assert from "node:assert/strict";
import { type ExerciseName, PRIMITIVES } from "../src/grade/contract.ts";
import type { GradeReport } from "../src/grade/grader.ts";
import { ROOT, sharedGrader } from "./_helpers.ts";

const solution = (name: string) => `${ROOT}fixtures/solutions/${name}.ts`;

/** Exercise → [score, max] of a report. */
function scores(report: GradeReport): Record<string, [number, number]> {
  return Object.fromEntries(report.exercises.map((e) => [e.name, [e.score, e.maxScore]]));
}

/** The exercises of a report that lost points. */
function losers(report: GradeReport): string[] {
  return report.exercises.filter((e) => e.score < e.maxScore).map((e) => e.name);
}

/** The cases of a report with a diagnosis: no correct solution has any. */
function diagnosed(report: GradeReport): string[] {
  return report.exercises.flatMap((e) => e.cases.filter((c) => c.diagnosis !== null)).map((c) =>
    c.name
  );
}

Deno.test("the staff solution gets full marks, in seconds", async () => {
  const report = await (await sharedGrader()).grade(`${ROOT}src/grade/staff_solution.ts`);
  assert.deepEqual(losers(report), []);
  assert.equal(report.score, 100);
  assert.equal(report.maxScore, 100);
  assert.equal(report.exercises.length, 8);
  assert.ok(
    report.exercises.every((e) => e.cases.some((c) => c.hidden) && e.cases.some((c) => !c.hidden)),
  );
  for (const c of report.exercises.find((e) => e.name === "trainRnn")!.cases) {
    assert.deepEqual(c.referencePrimitives, []);
  }
  assert.deepEqual([report.rejected, report.loadErrors, report.advice], [[], [], []]);
  assert.deepEqual(diagnosed(report), []);
  assert.ok(report.seconds < 60, `grading took ${report.seconds} s`);
});

Deno.test("a correct solution written differently gets full marks", async () => {
  const report = await (await sharedGrader()).grade(solution("alternative"));
  assert.deepEqual(losers(report), []);
  assert.deepEqual(diagnosed(report), []);
  assert.deepEqual(report.advice, []); // it fits the contract's types too
});

Deno.test("the starter file gets nothing, and says TODO for every case", async () => {
  const report = await (await sharedGrader()).grade(`${ROOT}src/grade/starter/rnn_scratch.ts`);
  assert.equal(report.score, 0);
  for (const c of report.exercises.flatMap((e) => e.cases)) {
    assert.match(c.feedback, /threw Error: TODO/);
  }
});

const BUGS: [file: string, touches: ExerciseName[], detail: RegExp, mistake: string][] = [
  [
    "bug_sampler_off_by_one",
    ["dataIterRandom"],
    /epoch 1, (the batches|batch \d+, data): /,
    "dataIterRandom/no-minus-one",
  ],
  [
    "bug_consecutive_epoch_size",
    ["dataIterConsecutive"],
    /the batches: a list of \d+, expected \d+/,
    "dataIterConsecutive/no-minus-one",
  ],
  [
    "bug_one_hot_axis",
    ["getInputs"],
    /the list of inputs: a list of 2, expected 3/,
    "getInputs/rows-not-steps",
  ],
  [
    "bug_missing_bias",
    ["rnn"],
    /outputs\[0\]: element \[0, 0\] is .*, expected .*within rtol/,
    "rnn/no-b-y",
  ],
  [
    "bug_per_tensor_clipping",
    ["gradClipping"],
    /grads\[\d\]: element .* differ/,
    "gradClipping/per-tensor",
  ],
  [
    "bug_prediction_length",
    ["predictRnn"],
    /\(12 characters\), expected .*\(13 characters\)/,
    "predictRnn/one-step-short",
  ],
  [
    "bug_perplexity_label_order",
    ["perplexity"],
    /the perplexity: got .*, expected/,
    "perplexity/label-order",
  ],
  ["bug_no_state_reset", ["trainRnn"], /epoch 1 perplexity: got/, "trainRnn/random-state-carried"],
  ["bug_mean_loss", ["trainRnn"], /epoch 1 perplexity: got/, "trainRnn/mean-loss"],
];

for (const [file, touches, detail, mistake] of BUGS) {
  Deno.test(`${file} loses points in ${touches.join(", ")} and nowhere else, and is named`, async () => {
    const report = await (await sharedGrader()).grade(solution(file), { typeCheck: false });
    assert.deepEqual(losers(report), touches, JSON.stringify(scores(report)));
    const failed = report.exercises.find((e) => e.name === touches[0])!.cases.find((c) =>
      !c.passed
    )!;
    assert.match(failed.feedback, detail);
    assert.match(failed.feedback, /\nHint: In \[|\nHint: The perplexity/);
    // The first failed case names the mistake; no failed case names another.
    assert.equal(failed.diagnosis?.kind === "one" && failed.diagnosis.mistake.id, mistake);
    const others = report.exercises.flatMap((e) => e.cases).filter((c) =>
      c.diagnosis?.kind === "one" && c.diagnosis.mistake.id !== mistake
    );
    assert.deepEqual(others.map((c) => c.name), []);
    // A failed primitive is replaced by the reference's in the end-to-end exercise: no double penalty.
    const train = report.exercises.find((e) => e.name === "trainRnn")!;
    const primitives: readonly string[] = PRIMITIVES;
    for (const c of train.cases) {
      assert.deepEqual(c.referencePrimitives, touches.filter((t) => primitives.includes(t)));
    }
  });
}
