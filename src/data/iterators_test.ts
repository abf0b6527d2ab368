import assert from "node:assert/strict";
import { PyRandom } from "../random/py_random.ts";
import { readGolden } from "../testing.ts";
import type { IteratorGolden, ToyBatches } from "../verify/goldens.ts";
import { dataIterConsecutive, dataIterRandom } from "./iterators.ts";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

Deno.test("both samplers on 0..29 print the chapter's In [7] (PyRandom(20030)) and In [9] batches", () => {
  // As the chapter printed them (batch 2 × 3 steps; the label is the data one character later).
  const random = [
    { data: [[6, 7, 8], [3, 4, 5]], label: [[7, 8, 9], [4, 5, 6]] },
    { data: [[18, 19, 20], [0, 1, 2]], label: [[19, 20, 21], [1, 2, 3]] },
    { data: [[12, 13, 14], [21, 22, 23]], label: [[13, 14, 15], [22, 23, 24]] },
    { data: [[24, 25, 26], [9, 10, 11]], label: [[25, 26, 27], [10, 11, 12]] },
  ];
  const consecutive = [
    { data: [[0, 1, 2], [15, 16, 17]], label: [[1, 2, 3], [16, 17, 18]] },
    { data: [[3, 4, 5], [18, 19, 20]], label: [[4, 5, 6], [19, 20, 21]] },
    { data: [[6, 7, 8], [21, 22, 23]], label: [[7, 8, 9], [22, 23, 24]] },
    { data: [[9, 10, 11], [24, 25, 26]], label: [[10, 11, 12], [25, 26, 27]] },
  ];
  assert.deepEqual([...dataIterRandom(range(30), 2, 3, new PyRandom(20030))], random);
  assert.deepEqual([...dataIterConsecutive(range(30), 2, 3)], consecutive);
  // The golden verify compares with holds the same transcription.
  const toy = readGolden<ToyBatches>("chapter_toy_batches.json");
  assert.deepEqual([toy.random.pythonSeed, toy.random.batches, toy.consecutive.batches], [
    20030,
    random,
    consecutive,
  ]);
});

Deno.test("both samplers equal the chapter's Python code for every golden shape and seed", () => {
  const golden = readGolden<IteratorGolden>("iterators.json"); // golden/make_goldens.py
  assert.equal(golden.cases.length, 4);
  for (const c of golden.cases) {
    const shape = `length ${c.length}, batch ${c.batchSize}, steps ${c.numSteps}`;
    const seq = range(c.length);
    assert.deepEqual([...dataIterConsecutive(seq, c.batchSize, c.numSteps)], c.consecutive, shape);
    assert.equal(c.random.length, 5, shape);
    for (const { seed, epochs } of c.random) {
      const rng = new PyRandom(seed); // one generator over the epochs, as a run has
      const got = epochs.map(() => [...dataIterRandom(seq, c.batchSize, c.numSteps, rng)]);
      assert.deepEqual(got, epochs, `${shape}, seed ${seed}`);
    }
  }
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
