// The float64 contract (golden/contract_curves.json): its cases are the presets' runs. Every backend
// and trainer reproducing them is test/contract_test.ts (webgpu) and deno task verify (cpu, wasm).

import assert from "node:assert/strict";
import { PRESETS } from "../train/config.ts";
import { readGolden } from "../testing.ts";
import { CONTRACT_TOLERANCE, contractConfig } from "./contract.ts";
import type { ContractGolden } from "./goldens.ts";

const golden = readGolden<ContractGolden>("contract_curves.json");

Deno.test("the contract's cases are the presets' runs, several seeds of both samplers, each well-conditioned", () => {
  const { settings } = golden;
  for (const preset of ["chapter", "small"] as const) {
    const { corpusChars, hidden, batchSize, numSteps, lr, theta } = PRESETS[preset];
    assert.deepEqual(settings.presets[preset], { corpusChars, hidden, batchSize, numSteps });
    assert.deepEqual([settings.lr, settings.theta], [lr, theta]);
    assert.equal(settings.tolerance[preset], CONTRACT_TOLERANCE[preset].rtol);
    for (const iter of ["random", "consecutive"] as const) {
      const cases = golden.cases.filter((c) => c.preset === preset && c.iter === iter);
      assert.equal(cases.length, 3, `${preset} ${iter}`);
      for (const c of cases) {
        assert.equal(c.perplexities.length, 2);
        assert.ok(Math.max(...c.sensitivity) <= settings.tolerance[preset] / 10, c.name);
        assert.equal(contractConfig(c).predPeriod, 3, "no predictions");
      }
    }
  }
  for (const c of golden.illConditioned) {
    assert.ok(Math.max(...c.sensitivity) > settings.tolerance[c.preset] / 10, c.name);
  }
  // The float64 run of the chapter's config, seed 7, random sampler, as measured independently.
  const seed7 = golden.cases.find((c) => c.name === "chapter-random-seed-7")!;
  assert.deepEqual(seed7.perplexities.map((p) => p.toFixed(6)), ["1023.640124", "481.090921"]);
});
