import assert from "node:assert/strict";
import { bfloat16Round } from "./mutations.ts";

Deno.test("bfloat16 keeps float32's top 16 bits, rounding to nearest, ties to even", () => {
  assert.equal(bfloat16Round(1), 1);
  assert.equal(bfloat16Round(1 + 2 ** -8), 1); // a tie: to the even 1
  assert.equal(bfloat16Round(1 + 3 * 2 ** -8), 1 + 2 ** -6); // a tie: to the even 1 + 2⁻⁶
  assert.equal(bfloat16Round(1 + 2 ** -8 + 2 ** -20), 1 + 2 ** -7); // above the tie: up
  assert.equal(bfloat16Round(-0.1), -0.10009765625);
  assert.ok(Math.abs(bfloat16Round(0.1) - 0.1) <= 0.1 * 2 ** -9);
});
