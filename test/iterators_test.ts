import assert from "node:assert/strict";
import { dataIterConsecutive, dataIterRandom, PyRandom } from "../mod.ts";
import { chapterBatchChecks, iteratorChecks } from "../src/verify/checks.ts";
import type { IteratorGolden, ToyBatches } from "../src/verify/goldens.ts";
import { readGolden } from "./_helpers.ts";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

Deno.test("both samplers on 0..29 print the chapter's In [7] (PyRandom(20030)) and In [9] batches", () => {
  const checks = chapterBatchChecks(readGolden<ToyBatches>("chapter_toy_batches.json"));
  assert.deepEqual(checks.map((c) => c.status), ["ok", "ok"], JSON.stringify(checks));
});

Deno.test("both samplers equal the chapter's Python code for every golden shape and seed", () => {
  const checks = iteratorChecks(readGolden<IteratorGolden>("iterators.json"));
  assert.equal(checks.length, 4 * 6); // four shapes: the consecutive sampler and five seeds each
  for (const c of checks) assert.equal(c.status, "ok", `${c.name}: ${c.worst}`);
});

Deno.test("the samplers reject bad arguments before yielding anything", () => {
  const rng = new PyRandom(0);
  assert.throws(
    () => dataIterRandom(range(30), 0, 3, rng),
    /batchSize must be an integer >= 1, got 0/,
  );
  assert.throws(
    () => dataIterConsecutive(range(30), 2, 0),
    /numSteps must be an integer >= 1, got 0/,
  );
  assert.throws(() => dataIterRandom(range(30), 2.5, 3, rng), /batchSize must be an integer/);
  assert.throws(
    () => dataIterRandom(range(6), 2, 3, rng),
    /too short for one batch of 2 × 3 steps/,
  );
  assert.throws(
    () => dataIterConsecutive(range(7), 2, 3),
    /too short for one batch of 2 × 3 steps/,
  );
  // The smallest corpora that do fit: one example per row, plus the label's extra character.
  assert.equal([...dataIterRandom(range(7), 2, 3, rng)].length, 1);
  assert.equal([...dataIterConsecutive(range(8), 2, 3)].length, 1);
});
