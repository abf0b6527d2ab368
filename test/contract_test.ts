// The float64 contract (golden/contract_curves.json): its cases are the presets' runs, and every
// backend and trainer reproduces them. cpu and wasm are checked by `deno task verify` (see
// verify_test.ts); webgpu here, on whatever adapter Deno finds.

import assert from "node:assert/strict";
import { loadTrainingData } from "../src/data/corpus.ts";
import { probeAdapter, selectBackend } from "../src/train/backend.ts";
import { PRESETS } from "../src/train/config.ts";
import type { Check } from "../src/verify/check.ts";
import { CONTRACT_TOLERANCE, contractCheck, contractConfig } from "../src/verify/contract.ts";
import { contractChecks } from "../src/verify/contract_checks.ts";
import type { ContractGolden } from "../src/verify/goldens.ts";
import { readGolden } from "./_helpers.ts";

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

const gpu = await probeAdapter();

Deno.test({
  name:
    "every trainer on webgpu reproduces the contract: the small preset within 1e-6 (a software adapter here), the chapter's within 1e-5 on a hardware GPU",
  ignore: gpu === undefined,
  fn: async () => {
    const checks: Check[] = [];
    if (gpu!.software) { // as verify would run it, less the reference and batched trainers' second case
      await selectBackend("webgpu");
      const data = await loadTrainingData({ fetch: null }, PRESETS.small.corpusChars);
      for (const c of golden.cases.filter((c) => c.preset === "small")) {
        const trainers = c === golden.cases.find((o) => o.preset === "small")
          ? ["reference", "batched", "fused"] as const
          : ["fused"] as const;
        for (const trainer of trainers) {
          checks.push(await contractCheck(c, "webgpu", trainer, data));
        }
      }
    } else {
      const options = { backend: "webgpu", allTrainers: false, corpus: {}, log: () => {} } as const;
      checks.push(...await contractChecks(golden, options));
    }
    for (const c of checks) {
      assert.equal(c.status, "ok", `${c.name}: ${c.measured} vs ${c.expected}, ${c.worst}`);
    }
    const names = checks.map((c) => c.name);
    for (const trainer of ["reference", "batched", "fused"]) {
      assert.ok(
        names.includes(`contract small-random-seed-0 on webgpu, ${trainer} trainer`),
        trainer,
      );
    }
    assert.equal(names.filter((n) => n.includes("fused")).length, gpu!.software ? 6 : 12);
  },
});
