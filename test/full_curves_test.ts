import assert from "node:assert/strict";
import { chapterBandCheck } from "../src/verify/checks.ts";
import type { CurveGolden } from "../src/verify/goldens.ts";
import { readGolden } from "./_helpers.ts";

const full = readGolden<CurveGolden>("full_curves.json").cases;

Deno.test("the recorded 200-epoch chapter runs cover both samplers with the chapter's config", () => {
  assert.deepEqual(full.map((c) => c.config.iter).sort(), ["consecutive", "random"]);
  for (const c of full) {
    assert.equal(c.perplexities.length, 200);
    const { hidden, batchSize, numSteps, lr, theta, corpusChars, predLen } = c.config;
    assert.deepEqual([hidden, batchSize, numSteps, lr, theta, corpusChars, predLen], [
      256,
      32,
      35,
      0.2,
      5,
      20000,
      100,
    ]);
    assert.deepEqual(Object.keys(c.predictions), [
      "20",
      "40",
      "60",
      "80",
      "100",
      "120",
      "140",
      "160",
      "180",
      "200",
    ]);
    for (const texts of Object.values(c.predictions)) {
      assert.deepEqual(texts.map((t) => [...t].length), [103, 104, 106]); // len(prefix) + 100 + 1
    }
  }
});

Deno.test("both 200-epoch runs stay within the stated band of the chapter's printed perplexities", () => {
  for (const c of full) {
    const check = chapterBandCheck(`curve ${c.name}`, c.config.iter, c.perplexities);
    assert.equal(
      check.status,
      "ok",
      `${check.name}: ${check.measured} vs ${check.expected}, ${check.worst}`,
    );
  }
});
