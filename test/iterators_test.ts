import assert from "node:assert/strict";
import { type Batch, dataIterConsecutive, dataIterRandom, PyRandom } from "../mod.ts";
import { readGolden } from "./_helpers.ts";

interface ToyGolden {
  batchSize: number;
  numSteps: number;
  random: { pythonSeed: number; batches: Batch[] };
  consecutive: { batches: Batch[] };
}
interface PythonCase {
  length: number;
  batchSize: number;
  numSteps: number;
  consecutive: Batch[];
  random: { seed: number; epochs: Batch[][] }[];
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const chapter = readGolden<ToyGolden>("chapter_toy_batches.json");
const python = readGolden<{ cases: PythonCase[] }>("iterators.json").cases;

Deno.test("dataIterConsecutive on 0..29 prints the chapter's In [9] batches", () => {
  const got = [...dataIterConsecutive(range(30), chapter.batchSize, chapter.numSteps)];
  assert.deepEqual(got, chapter.consecutive.batches);
});

Deno.test("dataIterRandom on 0..29 with PyRandom(20030) prints the chapter's In [7] batches", () => {
  const rng = new PyRandom(chapter.random.pythonSeed);
  const got = [...dataIterRandom(range(30), chapter.batchSize, chapter.numSteps, rng)];
  assert.deepEqual(got, chapter.random.batches);
});

Deno.test("both samplers equal the chapter's Python code for every golden shape and seed", () => {
  assert.ok(python.length >= 4);
  for (const c of python) {
    const where = `length ${c.length}, batch ${c.batchSize}, steps ${c.numSteps}`;
    assert.deepEqual(
      [...dataIterConsecutive(range(c.length), c.batchSize, c.numSteps)],
      c.consecutive,
      where,
    );
    for (const { seed, epochs } of c.random) {
      const rng = new PyRandom(seed); // one generator for the whole run, one shuffle per epoch
      for (const [e, expected] of epochs.entries()) {
        const got = [...dataIterRandom(range(c.length), c.batchSize, c.numSteps, rng)];
        assert.deepEqual(got, expected, `${where}, seed ${seed}, epoch ${e + 1}`);
      }
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
