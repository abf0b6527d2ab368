import assert from "node:assert/strict";
import { join } from "node:path";
import { UsageError } from "../errors.ts";
import {
  expandPlan,
  flagsToArgs,
  mergeSpecs,
  parseGridFlag,
  parseSeedsFlag,
  planJson,
  type PlanSpec,
  readPlanFile,
  sharedFlags,
} from "./plan.ts";
import { sharedValues } from "../run/train_flags.ts";

Deno.test("plans: the grid, a list and seeds expand in order; a written plan.json is the same plan", async () => {
  const spec: PlanSpec = {
    fixed: { preset: "small", epochs: 2 },
    runs: [{ iter: "random" }, { iter: "random", "state-init": "epoch" }, { iter: "consecutive" }],
    grid: { hidden: [8, 16] },
    seeds: [0, 1],
  };
  const plan = await expandPlan(spec);
  assert.equal(plan.runs.length, 12);
  assert.deepEqual(plan.varying, ["iter", "state-init", "hidden", "seed"]);
  assert.deepEqual(plan.runs.slice(0, 3).map((r) => r.name), [
    "00_iter=random_state-init=batch_hidden=8_seed=0",
    "01_iter=random_state-init=batch_hidden=8_seed=1",
    "02_iter=random_state-init=batch_hidden=16_seed=0",
  ]);
  assert.equal(plan.runs[11].name, "11_iter=consecutive_state-init=epoch_hidden=16_seed=1");
  assert.deepEqual(plan.runs[5].flags, {
    preset: "small",
    iter: "random",
    "state-init": "epoch",
    epochs: "2",
    seed: "1",
    hidden: "8",
  });
  assert.equal(plan.runs[5].config.stateInit, "epoch");
  assert.equal(plan.runs[5].config.hidden, 8);
  // What every run shares: the flags as given, and every setting with one value in all.
  assert.equal(sharedFlags(plan.runs), "--preset small --epochs 2");
  const shared = sharedValues(plan.runs);
  assert.equal(shared.epochs, "2");
  assert.equal(shared["corpus-chars"], "2000"); // the small preset's, a default filled in
  for (const varying of plan.varying) assert.ok(!(varying in shared), varying);
  assert.deepEqual(sharedFlags([]), "");
  const again = await expandPlan(JSON.parse(planJson(plan.runs)));
  assert.equal(again.digest, plan.digest);
  assert.deepEqual(again.runs.map((r) => r.name), plan.runs.map((r) => r.name));
  // The command line adds axes, replaces seeds, and sets values for every run.
  const merged = await expandPlan(
    mergeSpecs(spec, { grid: { lr: ["0.1", "0.2"] }, seeds: [7], fixed: { epochs: "3" } }),
  );
  assert.equal(merged.runs.length, 12);
  assert.ok(merged.runs.every((r) => r.config.epochs === 3 && r.config.seed === 7));
  assert.deepEqual(parseGridFlag("lr=0.1,0.2"), ["lr", ["0.1", "0.2"]]);
  assert.deepEqual(parseSeedsFlag("2-4"), [2, 3, 4]);
  assert.deepEqual(parseSeedsFlag("0,5"), [0, 5]);
});

Deno.test("a plan file is checked part by part, each mistake one line naming the file and the part", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-plan-" });
  const cases: [unknown, RegExp][] = [
    [[1, 2], /^p\.json is not a plan: it must be a JSON object$/],
    [{ format: "other/1" }, /^p\.json: format is "other\/1", not rnnlab-sweep-plan\/1$/],
    [{ grid: { hidden: 8 } }, /^p\.json: grid\.hidden must be a list of values$/],
    [{ runs: [] }, /^p\.json: runs must be a non-empty list$/],
    [{ seeds: 3 }, /^p\.json: seeds must be a list$/],
  ];
  for (const [value, message] of cases) {
    await Deno.writeTextFile(join(dir, "p.json"), JSON.stringify(value));
    await assert.rejects(() => readPlanFile(join(dir, "p.json"), "p.json"), (err: Error) => {
      assert.ok(err instanceof UsageError);
      assert.match(err.message.replace(`${dir}/`, ""), message, JSON.stringify(value));
      return true;
    });
  }
  // Values: a switch takes true or false; others text or a finite number.
  for (
    const [fixed, message] of [
      [{ "allow-unknown-data": "yes" }, /--allow-unknown-data is a switch; give true or false/],
      [{ hidden: [8] }, /--hidden takes text or a number, got \[8\]/],
      [{ lr: null }, /--lr takes text or a number, got null/],
    ] as [Record<string, unknown>, RegExp][]
  ) {
    // A plan file holds any JSON: what the file checks let through, the values are checked for.
    await assert.rejects(() => expandPlan({ fixed } as PlanSpec), message);
  }
  const { runs } = await expandPlan({ fixed: { "allow-unknown-data": false, hidden: 8 } });
  assert.deepEqual(runs[0].flags, { hidden: "8" }); // a switch turned off is not written
  assert.deepEqual(flagsToArgs({ hidden: "8", "allow-unknown-data": true }), [
    "--hidden=8",
    "--allow-unknown-data",
  ]);
});

Deno.test("run names: the position, zero-padded, then the values that vary, made safe for a folder", async () => {
  const plan = await expandPlan({
    grid: { prefixes: ["分开", "a b/c"] },
    seeds: [0, 1, 2, 3, 4, 5],
  });
  assert.deepEqual(plan.runs.map((r) => r.name).slice(0, 2), [
    "00_prefixes=__seed=0", // 分开 has no letter a folder name keeps
    "01_prefixes=__seed=1",
  ]);
  assert.equal(plan.runs[11].name, "11_prefixes=a_b_c_seed=5");
  assert.deepEqual(plan.varying, ["prefixes", "seed"]);
});
