import assert from "node:assert/strict";
import { disposeParams, initParams } from "../model/params.ts";
import { selectBackend } from "./backend.ts";
import { SMALL_PRESET } from "./config.ts";
import {
  chooseTrainer,
  TRAINER_CHOICES,
  TRAINER_NAMES,
  trainerRunsOn,
  TRAINERS,
} from "./trainers.ts";

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
