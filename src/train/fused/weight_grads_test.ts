import assert from "node:assert/strict";
import { rowsByToken } from "./weight_grads.ts";

Deno.test("rowsByToken groups the rows by token, in row order", () => {
  const { starts, rows } = rowsByToken(Int32Array.from([2, 0, 2, 3, 0, 2]), 5);
  assert.deepEqual([...starts], [0, 2, 2, 5, 6, 6]);
  assert.deepEqual([...rows], [1, 4, 0, 2, 5, 3]);
});
