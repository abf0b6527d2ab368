// Naming a mistake by outputs: one match is named, several are said, none is said; a public case
// is judged by the public cases alone, a hidden one by all; a case with no value is not diagnosed.

import assert from "node:assert/strict";
import type { ExerciseName } from "../contract.ts";
import type { Exercise } from "../exercises/mod.ts";
import { type CaseEvidence, diagnose, diagnosisLines } from "./diagnose.ts";
import type { MistakeTable, Outcome } from "./table.ts";

const exercise = {
  name: "rnn",
  title: "In [13] rnn",
  tolerance: { rtol: 1e-4, atol: 1e-5 },
  place: () => "the value",
  cases: [
    { name: "a", hidden: false, args: {} },
    { name: "b", hidden: false, args: {} },
    { name: "c", hidden: true, args: {} },
  ],
} as unknown as Exercise;

const values = (...xs: number[]): Outcome[] => xs.map((value) => ({ value }));
const byExercise = (name: ExerciseName, outcomes: Outcome[]) =>
  new Map<ExerciseName, Outcome[]>([[name, outcomes]]);
const table: MistakeTable = {
  key: "",
  outcomes: new Map([
    ["rnn/sigmoid", byExercise("rnn", values(1, 2, 3))],
    ["rnn/relu", byExercise("rnn", values(1, 5, 9))],
    ["perplexity/mean-of-exp", byExercise("perplexity", values(1, 2, 3))],
  ]),
};
const student = (...outcomes: (Outcome | null)[]): CaseEvidence[] =>
  outcomes.map((outcome, i) => ({ hidden: exercise.cases[i].hidden, outcome }));
const id = (d: ReturnType<typeof diagnose>) =>
  d?.kind === "one" ? d.mistake.id : d?.kind === "several" ? d.mistakes.map((m) => m.id) : d?.kind;

Deno.test("one matching mistake is named, within the tolerance", () => {
  const s = student(...values(1.00001, 2, 3));
  assert.equal(id(diagnose(table, exercise, s, 0)), "rnn/sigmoid");
  assert.equal(id(diagnose(table, exercise, s, 2)), "rnn/sigmoid");
  const lines = diagnosisLines(diagnose(table, exercise, s, 0)!, exercise);
  assert.equal(
    lines[0],
    "Diagnosis: your output is what the chapter's code gives with one known mistake: sigmoid " +
      "instead of tanh.",
  );
  assert.equal(
    lines[1],
    "  The chapter, In [13]: H = nd.tanh(nd.dot(X, W_xh) + nd.dot(H, W_hh) + b_h)",
  );
});

Deno.test("mistakes the cases cannot tell apart are said, not guessed between", () => {
  const s = student({ value: 1 }, null, null); // the other cases did not finish
  assert.deepEqual(id(diagnose(table, exercise, s, 0)), ["rnn/sigmoid", "rnn/relu"]);
  assert.match(
    diagnosisLines(diagnose(table, exercise, s, 0)!, exercise).join("\n"),
    /each of 2 known mistakes gives; these cases cannot tell them apart:\n {2}- sigmoid/,
  );
});

Deno.test("no match is said, with how many mistakes were considered", () => {
  const d = diagnose(table, exercise, student(...values(1, 7, 3)), 0);
  assert.deepEqual(d, { kind: "none", considered: 2 });
  assert.equal(
    diagnosisLines(d!, exercise)[0],
    "Diagnosis: your output matches none of the 2 known mistakes of rnn, so none is named: " +
      "compare your code with the chapter's In [13].",
  );
});

Deno.test("a public case is judged by the public cases only; a hidden one by all", () => {
  const s = student(...values(1, 2, 4)); // the hidden case contradicts the sigmoid
  assert.equal(id(diagnose(table, exercise, s, 0)), "rnn/sigmoid");
  assert.equal(id(diagnose(table, exercise, s, 2)), "none");
});

Deno.test("a case that threw, or did not finish, is not diagnosed; an error agrees with an error", () => {
  const threw = student({ error: "boom" }, ...values(2, 3));
  assert.equal(diagnose(table, exercise, threw, 0), null);
  assert.equal(diagnose(table, exercise, student(null, ...values(2, 3)), 0), null);
  const withError: MistakeTable = {
    key: "",
    outcomes: new Map([["rnn/sigmoid", byExercise("rnn", [{ error: "x" }, ...values(2, 3)])]]),
  };
  assert.equal(id(diagnose(withError, exercise, threw, 1)), "rnn/sigmoid");
  assert.equal(id(diagnose(withError, exercise, student(...values(1, 2, 3)), 1)), "none");
});
