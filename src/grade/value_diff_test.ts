import assert from "node:assert/strict";
import type { TensorValue } from "./codec.ts";
import { compareValues } from "./value_diff.ts";

const t = (dtype: string, shape: number[], data: number[]): TensorValue => ({
  kind: "tensor",
  dtype,
  shape,
  data,
});

Deno.test("comparisons check structure, dtype, shape, then values, and name the first difference", () => {
  const name = (p: number[]) => `at [${p}]`;
  const tol = { rtol: 1e-4, atol: 1e-5 };
  const want = [t("float32", [2, 2], [1, 2, 3, 4])];
  assert.equal(compareValues(want, [t("float32", [2, 2], [1, 2, 3, 4.0001])], tol, name), null);
  assert.equal(
    compareValues(want, [t("float32", [2, 2], [1, 2, 3.1, 4])], tol, name),
    "at [0]: element [1, 0] is 3.1, expected 3 (within rtol 0.0001, atol 0.00001; 1 of 4 elements differ)",
  );
  assert.equal(
    compareValues(want, [t("int32", [2, 2], [1, 2, 3, 4])], tol, name),
    "at [0]: dtype is int32, expected float32",
  );
  assert.equal(
    compareValues(want, [t("float32", [4], [1, 2, 3, 4])], tol, name),
    "at [0]: shape is [4], expected [2, 2]",
  );
  assert.equal(
    compareValues(want, [[1, 2]], tol, name),
    "at [0]: expected a float32 tensor of shape [2, 2], got a list of 2",
  );
  assert.equal(compareValues(want, [], tol, name), "at []: a list of 0, expected 1");
  assert.equal(
    compareValues(t("int32", [1], [7]), t("int32", [1], [8]), tol, name),
    "at []: element [0] is 8, expected 7 (exactly; 1 of 1 elements differ)",
  );
  assert.equal(
    compareValues(2, NaN, tol, name),
    "at []: got NaN, expected 2 (within rtol 0.0001, atol 0.00001)",
  );
  assert.match(compareValues("分开我", "分开你", null, name)!, /first differ at character 2/);
});
