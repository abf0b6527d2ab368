// The flags that make a config, written back from it: read again, they make the same config.

import assert from "node:assert/strict";
import { PyRandom } from "../random/py_random.ts";
import { PRESETS, type TrainConfig } from "../train/config.ts";
import { configArgs, configFromFlags } from "./train_flags.ts";

/** A config: a preset with a few of its values changed, drawn by `rng`. */
function drawConfig(rng: PyRandom): { preset: string; config: TrainConfig } {
  const preset = ["chapter", "small"][rng.randbelow(2)];
  const config = configFromFlags({ preset });
  const changes: Partial<TrainConfig> = {
    iter: rng.randbelow(2) ? "random" : "consecutive",
    stateInit: rng.randbelow(2) ? "batch" : "epoch",
    epochs: 1 + rng.randbelow(300),
    seed: rng.randbelow(2 ** 31),
    hidden: 1 + rng.randbelow(512),
    lr: rng.random() * 2,
    theta: 0.01 + rng.random() * 10,
    prefixes: rng.randbelow(2) ? ["分开"] : ["a b", "it's", "分开"],
  };
  const keys = Object.keys(changes) as (keyof TrainConfig)[];
  for (const key of keys.filter(() => rng.randbelow(3) === 0)) {
    (config as unknown as Record<string, unknown>)[key] = changes[key];
  }
  return { preset, config };
}

Deno.test("configArgs: the flags it writes make the same config again (300 drawn configs)", () => {
  const rng = new PyRandom(23);
  for (let i = 0; i < 300; i++) {
    const { preset, config } = drawConfig(rng);
    const args = configArgs(config, preset);
    const flags = Object.fromEntries(
      Array.from({ length: args.length / 2 }, (_, k) => [args[2 * k].slice(2), args[2 * k + 1]]),
    );
    assert.deepEqual(configFromFlags(flags), config, `case ${i} (seed 23): ${args.join(" ")}`);
  }
});

Deno.test("configArgs names only what differs from the preset", () => {
  assert.deepEqual(configArgs(configFromFlags({ preset: "small" }), "small"), [
    "--preset",
    "small",
  ]);
  assert.deepEqual(configArgs({ ...PRESETS.chapter, hidden: 64 }, "chapter"), [
    "--preset",
    "chapter",
    "--hidden",
    "64",
  ]);
});
