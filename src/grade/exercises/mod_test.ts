import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import type { TensorValue, Value } from "../codec.ts";
import { decodeRequest, encodeRequest } from "../protocol.ts";
import { EXERCISES } from "../contract.ts";
import { findDifference } from "../value_diff.ts";
import { chapterText, readGolden } from "../../testing.ts";
import type { ToyBatches } from "../../verify/goldens.ts";
import { FLOAT } from "./exercise.ts";
import { buildExercises, type Exercise } from "./mod.ts";
import { batchesAsTensors } from "./values.ts";

/** The line a difference is told in, or `null` when there is none. */
const compareValues = (...args: Parameters<typeof findDifference>) =>
  findDifference(...args)?.line ?? null;

await tf.setBackend("cpu");
const exercises = buildExercises(await chapterText());
const byName = (name: string) => exercises.find((e) => e.name === name)!;

/** `ex`'s expected answer to its case `i`, as the grader holds it. */
const expected = (ex: Exercise, i: number): Value =>
  tf.tidy(() => ex.expected(ex.cases[i]) as never);

/** The first float or int tensor in `v`, depth first. */
function firstTensor(v: Value): TensorValue | undefined {
  if (Array.isArray(v)) {
    for (const x of v) {
      const t = firstTensor(x);
      if (t) return t;
    }
    return undefined;
  }
  return typeof v === "object" && v !== null && v.kind === "tensor" && v.data.length > 0
    ? v
    : undefined;
}

/** `v` with the first element of its first tensor (or the number itself) replaced by `f` of it. */
function changeFirst(v: Value, f: (x: number) => number): Value {
  const copy = structuredClone(v);
  if (typeof copy === "number") return f(copy);
  const t = firstTensor(copy)!;
  t.data[0] = f(t.data[0]);
  return copy;
}

Deno.test("the eight exercises in grading order: 100 points, public cases first, unique names", () => {
  assert.deepEqual(exercises.map((e) => e.name), [...EXERCISES]);
  assert.equal(exercises.reduce((s, e) => s + e.points, 0), 100);
  for (const ex of exercises) {
    assert.ok(ex.cases.length >= 2, ex.name);
    assert.equal(ex.cases[0].hidden, false, `${ex.name}: a public case comes first`);
    const firstHidden = ex.cases.findIndex((c) => c.hidden);
    assert.ok(ex.cases.slice(firstHidden).every((c) => c.hidden), `${ex.name}: public cases first`);
    assert.equal(new Set(ex.cases.map((c) => c.name)).size, ex.cases.length, ex.name);
    assert.ok(ex.hint.length > 40 && ex.timeoutS > 0, ex.name);
  }
  // Integers and text exactly; the float exercises within NumPy's allclose.
  assert.deepEqual(
    exercises.map((e) => [e.name, e.tolerance]),
    [
      ["dataIterRandom", null],
      ["dataIterConsecutive", null],
      ["getInputs", null],
      ["rnn", FLOAT],
      ["gradClipping", FLOAT],
      ["predictRnn", null],
      ["perplexity", FLOAT],
      ["trainRnn", { rtol: 1e-3, atol: 0 }],
    ],
  );
});

Deno.test("every case's arguments come from fixed seeds and reach the child as they are", async () => {
  const again = buildExercises(await chapterText());
  for (const [i, ex] of exercises.entries()) {
    assert.deepEqual(again[i].cases, ex.cases, `${ex.name}: the same arguments each time`);
    const request = {
      nonce: "n",
      submission: "file:///s.ts",
      exercise: ex.name,
      cases: ex.cases.map((c) => c.args),
      referencePrimitives: [],
      memoryMb: 1,
    };
    assert.deepEqual(
      decodeRequest(encodeRequest(request)),
      request,
      `${ex.name}: through the wire`,
    );
  }
});

Deno.test("the expected answers: the chapter's In [7] and In [9] batches, and 30 for uniform guesses over 30", () => {
  const toy = readGolden<ToyBatches>("chapter_toy_batches.json");
  assert.deepEqual(expected(byName("dataIterRandom"), 0), [batchesAsTensors(toy.random.batches)]);
  assert.deepEqual(
    expected(byName("dataIterConsecutive"), 0),
    batchesAsTensors(toy.consecutive.batches),
  );
  const perplexity = byName("perplexity");
  assert.match(perplexity.cases[1].name, /uniform predictions over 30 characters give 30/);
  assert.ok(Math.abs((expected(perplexity, 1) as number) - 30) < 1e-4);
  // predictRnn returns len(prefix) + numChars + 1 characters, starting with the prefix.
  const predict = byName("predictRnn");
  const text = expected(predict, 0) as string;
  assert.equal([...text].length, 2 + 10 + 1);
  assert.ok(text.startsWith("分开"));
});

Deno.test("scoring a case: the expected answer passes; a change passes within the tolerance only, and says where", () => {
  for (const ex of exercises.filter((e) => e.name !== "trainRnn")) { // trainRnn's answer trains: in test/
    for (const i of [0, ex.cases.length - 1]) {
      const want = expected(ex, i);
      const what = `${ex.name}, ${ex.cases[i].name}`;
      assert.equal(compareValues(want, want, ex.tolerance, ex.place), null, what);
      if (typeof want === "string") {
        const n = [...want].length;
        assert.equal(
          compareValues(want, `${want}x`, ex.tolerance, ex.place),
          `the prediction: got ${JSON.stringify(`${want}x`)} (${n + 1} characters), expected ` +
            `${JSON.stringify(want)} (${n} characters): they first differ at character ${n}`,
          what,
        );
        continue;
      }
      const tol = ex.tolerance ?? { rtol: 0, atol: 0 };
      const first = typeof want === "number" ? want : firstTensor(want)!.data[0];
      const within = changeFirst(want, (x) => x + (tol.atol + tol.rtol * Math.abs(first)) / 2);
      const beyond = changeFirst(
        want,
        (x) => x + 2 * (tol.atol + tol.rtol * Math.abs(first)) + 1e-3,
      );
      if (ex.tolerance !== null) {
        assert.equal(compareValues(want, within, ex.tolerance, ex.place), null, what);
      }
      const feedback = compareValues(want, beyond, ex.tolerance, ex.place);
      assert.ok(feedback !== null, `${what}: a change beyond the tolerance fails`);
      assert.ok(
        feedback.startsWith(`${ex.place(typeof want === "number" ? [] : placeOfFirst(want))}: `),
        `${what}: ${feedback}`,
      );
    }
  }
});

/** The list indices of the first tensor in `v`. */
function placeOfFirst(v: Value, path: number[] = []): number[] {
  if (!Array.isArray(v)) return path;
  for (const [i, x] of v.entries()) {
    if (firstTensor(x)) return placeOfFirst(x, [...path, i]);
  }
  return path;
}
