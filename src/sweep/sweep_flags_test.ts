import assert from "node:assert/strict";
import { join } from "node:path";
import { parseFlagsAndPositionals } from "../cli/flags.ts";
import { parseShard } from "../cli/shard.ts";
import { UsageError } from "../errors.ts";
import { tinyFlags } from "../testing.ts";
import { writeFolderPlan } from "./sweep.ts";
import { planSpecFromFlags, SWEEP_FLAGS, sweepPlan, workersFromFlags } from "./sweep_flags.ts";

/** What `deno task sweep ARGS --out DIR` reads, up to its plan: the plan and the workers. */
async function read(args: string[], dir: string, out = true) {
  const { values: flags } = parseFlagsAndPositionals(args, SWEEP_FLAGS, Infinity);
  const cli = planSpecFromFlags(flags);
  const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
  const workers = workersFromFlags(flags);
  return { plan: await sweepPlan(cli, flags.plan, dir, { out, shard }), workers };
}

Deno.test("sweep flags: train's flags are shared values, --grid axes and --seeds multiply them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-sweep-flags-" });
  const { plan, workers } = await read(
    [...tinyFlags(), "--grid", "lr=0.1,0.2", "--grid", "iter=random,consecutive", "--seeds", "3-4"],
    dir,
  );
  assert.equal(workers, navigator.hardwareConcurrency);
  assert.equal(plan.runs.length, 8);
  assert.deepEqual(plan.varying, ["iter", "state-init", "lr", "seed"]);
  assert.deepEqual(plan.runs.map((r) => [r.config.lr, r.config.iter, r.config.seed]), [
    [0.1, "random", 3],
    [0.1, "random", 4],
    [0.1, "consecutive", 3],
    [0.1, "consecutive", 4],
    [0.2, "random", 3],
    [0.2, "random", 4],
    [0.2, "consecutive", 3],
    [0.2, "consecutive", 4],
  ]);
  assert.ok(plan.runs.every((r) => r.config.hidden === 8 && r.flags["corpus-chars"] === "600"));
  assert.equal((await read(["--seeds", "0", "--jobs", "3"], dir)).workers, 3);
});

Deno.test("sweep flags: without a plan, the one in --out (or its shards') is continued", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-sweep-flags-" });
  const { plan } = await read([...tinyFlags(), "--seeds", "0,1"], dir);
  await writeFolderPlan(dir, plan);
  assert.equal((await read([], dir)).plan.digest, plan.digest);
  const sharded = join(dir, "sharded");
  await writeFolderPlan(join(sharded, "shard-1-of-2"), plan);
  assert.equal((await read(["--shard", "1/2"], sharded)).plan.digest, plan.digest);
  await assert.rejects(
    () => read([], join(dir, "empty")),
    new UsageError(
      `--out ${join(dir, "empty")} holds no plan to continue; give --grid, --plan or train flags`,
    ),
  );
  await assert.rejects(
    () => read([], dir, false),
    new UsageError("nothing to sweep: give --grid, --plan, --seeds or train flags (see --help)"),
  );
});

Deno.test("sweep flags: bad input is one UsageError that says what is wrong, before anything is written", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-sweep-flags-" });
  const plan = join(dir, "plan.json");
  await Deno.writeTextFile(plan, JSON.stringify({ grid: { hidden: [8] }, sweeps: 2 }));
  const grid = join(dir, "grid.json");
  await Deno.writeTextFile(grid, JSON.stringify({ grid: { hidden: [8] } }));
  // Not JSON, over lines: the parser's message quotes them, line breaks and all.
  const broken = join(dir, "broken.json");
  await Deno.writeTextFile(broken, '{\n  "grid": x,\n  "seeds": [0]\n}\n');
  const cases: [string[], RegExp][] = [
    [
      ["--grid", "bogus=1,2"],
      /^the command line: grid: unknown key 'bogus' \(deno task train has no --bogus\)$/,
    ],
    [["--grid", "hidden="], /^--grid hidden=: the axis hidden has no values$/],
    [["--grid", "hidden"], /^--grid hidden: write it as key=value1,value2,...$/],
    [["--grid", "lr=1", "--grid", "lr=2"], /^--grid lr is given twice$/],
    [
      ["--grid", "theta=1,abc"],
      /^the command line, run 1 \(.*theta=abc.*\): --theta must be a number, got 'abc'$/,
    ],
    [
      ["--grid", "hidden=8,16"],
      /^the command line: hidden is both an axis of the grid and a set value$/,
    ],
    [["--grid", "out=a,b"], /--out is not a run setting/],
    [["--seed", "1", "--seeds", "0,1"], /the seed is set both by seeds and as a value or an axis/],
    [["--plan", plan], /plan\.json: unknown field 'sweeps'/],
    [
      ["--plan", grid, "--grid", "hidden=8"],
      /^--grid hidden: the plan already has the axis hidden$/,
    ],
    [["--plan", join(dir, "none.json")], /^--plan .*none\.json cannot be read: no such file$/],
    [["--plan", broken], /^--plan .*broken\.json is not valid JSON$/],
    [["--seeds", "1,x"], /^--seeds must be integers/],
    [["--seeds", "4-2"], /^--seeds 4-2: the range is empty$/],
    [["--jobs", "0"], /^--jobs must be in \[1, 256\], got 0$/],
    [["--shard", "2/2"], /^shard index 2 \(from --shard 2\/2\) is not below the 2 shards/],
  ];
  for (const [args, pattern] of cases) {
    await assert.rejects(() => read([...tinyFlags(), ...args], join(dir, "out")), (err: Error) => {
      assert.ok(err instanceof UsageError, `${args}: ${err.stack}`);
      assert.match(err.message, pattern, args.join(" "));
      return true;
    });
  }
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
    "broken.json",
    "grid.json",
    "plan.json",
  ]);
  // A sweep folder's own plan.json, not valid JSON: named as it is, not as a --plan.
  await Deno.mkdir(join(dir, "out"));
  await Deno.copyFile(broken, join(dir, "out", "plan.json"));
  await assert.rejects(
    () => read([], join(dir, "out")),
    new UsageError(`${join(dir, "out", "plan.json")} is not valid JSON`),
  );
});
