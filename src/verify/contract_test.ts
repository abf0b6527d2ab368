// Which runs the float64 contract has a curve for (what the web page checks), and its rule: the
// first epochs within the preset's tolerance, a curve just outside it failing.

import assert from "node:assert/strict";
import golden from "../../golden/contract_curves.json" with { type: "json" };
import {
  checkContractCurve,
  CONTRACT_TOLERANCE,
  contractCaseFor,
  contractConfig,
} from "./contract.ts";
import type { ContractGolden } from "./goldens.ts";

const contract = golden as ContractGolden;

Deno.test("contractCaseFor: every case's own run finds it, with more epochs and other predictions too", () => {
  for (const c of contract.cases) {
    const config = contractConfig(c);
    assert.equal(contractCaseFor(contract, config, "2017"), c, c.name);
    const longer = { ...config, epochs: 200, predPeriod: 20, predLen: 100, prefixes: ["分开"] };
    assert.equal(contractCaseFor(contract, longer, "2017"), c, `${c.name}, 200 epochs`);
  }
});

Deno.test("contractCaseFor: a run that differs in anything the curve depends on has none", () => {
  const c = contract.cases.find((k) => k.preset === "small" && k.iter === "random")!;
  const config = contractConfig(c);
  const others = {
    hidden: { ...config, hidden: config.hidden + 1 },
    lr: { ...config, lr: 0.3 },
    theta: { ...config, theta: 1 },
    seed: { ...config, seed: 12345 },
    corpusChars: { ...config, corpusChars: 3000 },
    stateInit: { ...config, stateInit: "epoch" as const },
    epochs: { ...config, epochs: 1 },
  };
  for (const [what, other] of Object.entries(others)) {
    assert.equal(contractCaseFor(contract, other, "2017"), undefined, what);
  }
  assert.equal(contractCaseFor(contract, config, "2018"), undefined, "another corpus");
  assert.equal(contractCaseFor(contract, config, null), undefined, "an unknown corpus");
});

Deno.test("checkContractCurve: within the preset's tolerance passes, twice it fails", () => {
  for (const c of [contract.cases[0], contract.cases.find((k) => k.preset === "small")!]) {
    const rtol = CONTRACT_TOLERANCE[c.preset].rtol;
    const near = [...c.perplexities.map((p) => p * (1 + rtol / 2)), 1];
    assert.equal(checkContractCurve(c.name, c, near).status, "ok", c.name);
    const far = c.perplexities.map((p, i) => i === 1 ? p * (1 + 2 * rtol) : p);
    assert.equal(checkContractCurve(c.name, c, far).status, "FAIL", c.name);
  }
});
