// The default trainer: `auto` picks the fastest on the backend, and the run records it and why.

import assert from "node:assert/strict";
import { join } from "node:path";
import { readRunDir } from "../run.ts";
import { disposeParams, initParams } from "../src/model/params.ts";
import { selectBackend } from "../src/train/backend.ts";
import { SMALL_PRESET } from "../src/train/config.ts";
import {
  chooseTrainer,
  TRAINER_CHOICES,
  TRAINER_NAMES,
  trainerRunsOn,
  TRAINERS,
} from "../src/train/trainers.ts";
import { runTask } from "./_helpers.ts";

Deno.test("auto is the fused trainer on webgpu and the batched one on wasm and cpu; a named one is that one", () => {
  assert.deepEqual(TRAINER_CHOICES, ["auto", "reference", "batched", "fused"]);
  assert.deepEqual(chooseTrainer("auto", "webgpu"), {
    name: "fused",
    reason: "auto: the fastest on webgpu",
  });
  assert.equal(chooseTrainer("auto", "wasm").name, "batched");
  assert.equal(chooseTrainer("auto", "cpu").name, "batched");
  assert.deepEqual(chooseTrainer("reference", "wasm"), { name: "reference", reason: "requested" });
});

Deno.test("the fused trainer runs on webgpu only, the others anywhere; TRAINERS.fused refuses cpu in one line", async () => {
  const on = (backend: string) => TRAINER_NAMES.filter((t) => trainerRunsOn(t, backend));
  assert.deepEqual(on("webgpu"), ["reference", "batched", "fused"]);
  assert.deepEqual(on("wasm"), ["reference", "batched"]);
  assert.deepEqual(on("cpu"), ["reference", "batched"]);
  await selectBackend("cpu");
  const params = initParams(5, 3, 0);
  assert.throws(() => TRAINERS.fused(params, SMALL_PRESET), {
    message: "the fused trainer needs the webgpu backend, not cpu",
  });
  disposeParams(params);
});

Deno.test("deno task train without --trainer trains with auto's choice, records it, and resumes with it", async () => {
  const out = join(await Deno.makeTempDir({ prefix: "rnnlab-auto-" }), "run");
  const small = ["--preset", "small", "--epochs", "1", "--backend", "wasm"];
  const res = await runTask("train", [...small, "--out", out]);
  assert.equal(res.code, 0, res.stderr);
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
  assert.equal(other.code, 2);
  assert.match(other.stderr, /trained with --trainer batched; it continues only so/);
  const resumed = await runTask("train", ["--resume", out, "--epochs", "2", "--trainer", "auto"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  ({ record } = await readRunDir(out));
  assert.equal(record.curve.length, 2);
  assert.equal(record.trainer, "batched");
  assert.equal(record.trainerReason, "auto: the fastest on wasm");
});
