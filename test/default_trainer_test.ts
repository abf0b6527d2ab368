// The default trainer: a run trained without --trainer records auto's choice and resumes with it
// (the choice itself: src/train/trainers_test.ts).

import assert from "node:assert/strict";
import { join } from "node:path";
import { readRunDir } from "../run.ts";
import { runTask } from "./_helpers.ts";
import { EXIT } from "../src/errors.ts";

Deno.test("deno task train without --trainer trains with auto's choice, records it, and resumes with it", async () => {
  const out = join(await Deno.makeTempDir({ prefix: "rnnlab-auto-" }), "run");
  const small = ["--preset", "small", "--epochs", "1", "--backend", "wasm"];
  const res = await runTask("train", [...small, "--out", out]);
  assert.equal(res.code, EXIT.ok, res.stderr);
  assert.match(res.stdout, /^Will use wasm .*, batched trainer \(auto: the fastest on wasm\)$/m);
  let { record } = await readRunDir(out);
  assert.equal(record.trainer, "batched");
  assert.equal(record.trainerReason, "auto: the fastest on wasm");

  const other = await runTask("train", [
    "--resume",
    out,
    "--epochs",
    "2",
    "--trainer",
    "reference",
  ]);
  assert.equal(other.code, EXIT.usage);
  assert.match(other.stderr, /trained with --trainer batched; it continues only so/);
  const resumed = await runTask("train", ["--resume", out, "--epochs", "2", "--trainer", "auto"]);
  assert.equal(resumed.code, EXIT.ok, resumed.stderr);
  ({ record } = await readRunDir(out));
  assert.equal(record.curve.length, 2);
  assert.equal(record.trainer, "batched");
  assert.equal(record.trainerReason, "auto: the fastest on wasm");
});
