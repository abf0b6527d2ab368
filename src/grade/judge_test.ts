import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import type { TensorValue } from "./codec.ts";
import { buildExercises } from "./exercises/mod.ts";
import { judgeCase, type Judgement } from "./judge.ts";
import type { MistakeTable, Outcome } from "./mistakes/table.ts";
import { chapterText } from "../testing.ts";

await tf.setBackend("cpu");
const gradClipping = buildExercises(await chapterText()).find((e) => e.name === "gradClipping")!;
const NO_MISTAKES: MistakeTable = { key: "", outcomes: new Map() };
const hidden = gradClipping.cases.findIndex((c) => c.hidden);
const expected = tf.tidy(() => gradClipping.expected(gradClipping.cases[hidden]) as never);

/** `expected` with its first tensor's first element multiplied by `by`. */
function scaledFirst(by: number): Outcome {
  const value = structuredClone(expected) as TensorValue[];
  value[0].data[0] *= by;
  return { value };
}

/** The verdict on the hidden case when the submission gave `outcome` on every case. */
function judge(outcome: Outcome): Judgement {
  const evidence = gradClipping.cases.map((c) => ({ hidden: c.hidden, outcome }));
  return judgeCase(gradClipping, hidden, outcome, expected, evidence, NO_MISTAKES);
}

Deno.test("a hidden case's wrong output is known by the values given, not by its feedback", () => {
  assert.equal(judge({ value: expected }).wrongOutput, "", "a passed case has no wrong output");
  const doubled = judge(scaledFirst(2));
  assert.match(doubled.wrongOutput, /^[0-9a-f]{8}$/);
  // The same wrong values up to float noise: the same digest.
  assert.equal(judge(scaledFirst(2 * (1 + 1e-9))).wrongOutput, doubled.wrongOutput);
  // Other wrong values: a hidden case's feedback names only what differs, the digest tells.
  const tripled = judge(scaledFirst(3));
  assert.equal(tripled.feedback, doubled.feedback);
  assert.notEqual(tripled.wrongOutput, doubled.wrongOutput);
  // What it threw counts too.
  assert.equal(judge({ error: "boom" }).wrongOutput, judge({ error: "boom" }).wrongOutput);
  assert.notEqual(judge({ error: "boom" }).wrongOutput, judge({ error: "bang" }).wrongOutput);
});
