import assert from "node:assert/strict";
import { ratiosTo, threadSpeedup } from "./rounds.ts";

Deno.test("ratios to PyTorch pair the rounds; a yardstick of fewer rounds gives none", () => {
  const { vsTorch, vsTorchRnn } = ratiosTo([100, 90, 120], { eager: [200, 300, 240] });
  assert.deepEqual(vsTorch!.samples, [0.5, 0.3, 0.5]);
  assert.equal(vsTorch!.median, 0.5);
  assert.equal(vsTorchRnn, undefined);
  assert.deepEqual(ratiosTo([100, 90], { eager: [200] }), {});
});

Deno.test("the threads' speedup is the one-thread time over this one, round by round", () => {
  const speedup = threadSpeedup([100, 80, 110], [160, 160, 154])!;
  assert.deepEqual(speedup.samples, [1.6, 2, 1.4]);
  assert.equal(speedup.median, 1.6);
  assert.equal(threadSpeedup([100, 80], undefined), undefined, "no one-thread run");
  assert.equal(threadSpeedup([100, 80], [160]), undefined, "not the same rounds");
});
