// The comparison of a value with the expected one, and its three messages: the line with both
// values, the lines a public case adds (shapes, largest errors, tensors printed as the chapter
// prints them), and a hidden case's property, which names no expected value.

import assert from "node:assert/strict";
import type { TensorValue } from "./codec.ts";
import { ndarrayText, sideBySide } from "./ndarray_text.ts";
import type { Tolerance } from "../tolerance.ts";
import { findDifference } from "./value_diff.ts";

const t = (dtype: string, shape: number[], data: number[]): TensorValue => ({
  kind: "tensor",
  dtype,
  shape,
  data,
});
const name = (p: number[]) => `at [${p}]`;
const tol = { rtol: 1e-4, atol: 1e-5 };
const line = (
  want: Parameters<typeof findDifference>[0],
  got: typeof want,
  tl: Tolerance | null = tol,
) => findDifference(want, got, tl, name)?.line ?? null;

Deno.test("comparisons check structure, dtype, shape, then values, and name the first difference", () => {
  const want = [t("float32", [2, 2], [1, 2, 3, 4])];
  assert.equal(line(want, [t("float32", [2, 2], [1, 2, 3, 4.0001])]), null);
  assert.equal(
    line(want, [t("float32", [2, 2], [1, 2, 3.1, 4])]),
    "at [0]: element [1, 0] is 3.1, expected 3 (within rtol 0.0001, atol 0.00001; 1 of 4 elements differ)",
  );
  assert.equal(
    line(want, [t("int32", [2, 2], [1, 2, 3, 4])]),
    "at [0]: dtype is int32, expected float32",
  );
  assert.equal(
    line(want, [t("float32", [4], [1, 2, 3, 4])]),
    "at [0]: shape is [4], expected [2, 2]",
  );
  assert.equal(
    line(want, [[1, 2]]),
    "at [0]: expected a float32 tensor of shape [2, 2], got a list of 2",
  );
  assert.equal(line(want, []), "at []: a list of 0, expected 1");
  assert.equal(
    line(t("int32", [1], [7]), t("int32", [1], [8])),
    "at []: element [0] is 8, expected 7 (exactly; 1 of 1 elements differ)",
  );
  assert.equal(line(2, NaN), "at []: got NaN, expected 2 (within rtol 0.0001, atol 0.00001)");
  assert.match(line("分开我", "分开你", null)!, /first differ at character 2/);
  // What the wire format describes compares by its description (a mistake's output may be one).
  const malformed = {
    kind: "other",
    what: "malformed tensor (5 values for shape [2, 3])",
  } as const;
  assert.equal(line(malformed, { ...malformed }), null);
  assert.equal(
    line(malformed, null),
    "at []: expected a malformed tensor (5 values for shape [2, 3]), got null",
  );
});

Deno.test("a public case's difference shows both shapes, the largest errors and both tensors", () => {
  const want = t("float32", [2, 3], [0.5, 1, 2, 3, 4, 0]);
  const got = t("float32", [2, 3], [0.5, 1.5, 2, 3, 4.2, 0.01]);
  const d = findDifference(want, got, tol, name)!;
  assert.equal(d.path.length, 0);
  assert.match(
    d.line,
    /^at \[\]: element \[0, 1\] is 1\.5, expected 1 \(.*3 of 6 elements differ\)$/,
  );
  assert.deepEqual(d.more, [
    "float32 [2, 3], as expected",
    "largest absolute error 0.5 at [0, 1], largest relative error Infinity at [1, 2]; " +
    "allowed: |yours − expected| ≤ 0.00001 + 0.0001 × |expected|",
  ]);
  assert.deepEqual(d.printed, [
    "yours:                  expected:",
    "[[ 0.5   1.5   2.  ]    [[ 0.5  1.   2. ]",
    " [ 3.    4.2   0.01]]    [ 3.   4.   0. ]]",
    "<NDArray 2x3 float32>   <NDArray 2x3 float32>",
  ]);
  // The hidden form names the place and the property, never an expected value.
  assert.equal(
    d.property,
    "at []: 3 of 6 elements differ from the expected ones (within rtol 0.0001, atol 0.00001)",
  );
  const shape = findDifference(want, t("float32", [3, 2], [1, 2, 3, 4, 5, 6]), tol, name)!;
  assert.equal(shape.property, "at []: the shape differs from the expected one (yours: [3, 2])");
  assert.deepEqual(shape.more, ["yours: float32 [3, 2]; expected: float32 [2, 3]"]);
  const number = findDifference(45.31, 82.03, { rtol: 1e-3, atol: 0 }, name)!;
  assert.deepEqual(number.more, [
    "absolute error 36.72, relative error 0.8104; allowed: |yours − expected| ≤ 0 + 0.001 × |expected|",
  ]);
  assert.equal(
    number.property,
    "at []: the number differs from the expected one (yours: 82.03; within rtol 0.001, atol 0)",
  );
  assert.ok(!number.property.includes("45.31"));
});

Deno.test("tensors print as the chapter prints NDArrays, long axes summarised", () => {
  // In [7]'s first batch, and In [10]'s one-hot rows.
  assert.equal(
    ndarrayText(t("float32", [2, 3], [18, 19, 20, 0, 1, 2])),
    "[[ 18.  19.  20.]\n [  0.   1.   2.]]\n<NDArray 2x3 float32>",
  );
  const hot = new Array(2 * 1465).fill(0);
  [hot[0], hot[1465 + 2]] = [1, 1];
  assert.equal(
    ndarrayText(t("float32", [2, 1465], hot)),
    "[[ 1.  0.  0. ...,  0.  0.  0.]\n [ 0.  0.  1. ...,  0.  0.  0.]]\n<NDArray 2x1465 float32>",
  );
  assert.equal(ndarrayText(t("int32", [1, 3], [-1, 10, 2])), "[[-1 10  2]]\n<NDArray 1x3 int32>");
  assert.equal(ndarrayText(t("float32", [], [2.5])), " 2.5\n<NDArray scalar float32>");
  assert.equal(
    sideBySide([{ title: "a", text: "1\n22" }, { title: "bb", text: "3" }]),
    "a    bb\n1    3\n22",
  );
  assert.equal(sideBySide([{ title: "a", text: "1" }, { title: "b", text: "2" }], 3), "a\n1\nb\n2");
});
