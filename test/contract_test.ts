// The float64 contract (golden/contract_curves.json): every backend and trainer reproduces it. cpu
// and wasm are checked by `deno task verify` (see verify_test.ts); webgpu here, on whatever adapter
// Deno finds. That its cases are the presets' runs is src/verify/contract_test.ts.

import assert from "node:assert/strict";
import { loadTrainingData } from "../src/data/corpus.ts";
import { probeAdapter, selectBackend } from "../src/train/backend.ts";
import { PRESETS } from "../src/train/config.ts";
import type { Check } from "../src/verify/check.ts";
import { contractCheck } from "../src/verify/contract.ts";
import { contractChecks } from "../src/verify/contract_checks.ts";
import type { ContractGolden } from "../src/verify/goldens.ts";
import { readGolden } from "./_helpers.ts";

const golden = readGolden<ContractGolden>("contract_curves.json");

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
