/**
 * The trainers a run can use, by the name `--trainer` takes.
 *
 * - `reference`: the chapter's loop op by op with tfjs autograd; the readable one.
 * - `batched`: the same math with the large products once per minibatch (a row gather for the
 *   one-hot input, one output product over all steps); about 2× faster on wasm.
 * - `fused`: hand-written WGSL kernels for the webgpu backend (`src/train/fused/`), a few
 *   dispatches per step and no read-back inside an epoch.
 *
 * `auto`, the default, is the fastest on the backend: fused on webgpu, batched on wasm and cpu.
 * They compute the chapter's curve within the float64 contract's tolerance, as the reference does.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { BackendInfo } from "./backend.ts";
import { batchedTrainer } from "./batched.ts";
import { fusedTrainer } from "./fused/trainer.ts";
import { referenceTrainer, type TrainerFactory } from "./train.ts";

/** The backends each trainer runs on: the fused trainer's kernels are WGSL, for webgpu only. */
export const TRAINER_BACKENDS = {
  reference: ["webgpu", "wasm", "cpu"],
  batched: ["webgpu", "wasm", "cpu"],
  fused: ["webgpu"],
} as const satisfies Record<string, readonly BackendInfo["name"][]>;

/** A trainer's name. */
export type TrainerName = keyof typeof TRAINER_BACKENDS;

/** Whether trainer `name` runs on `backend`. */
export function trainerRunsOn(name: TrainerName, backend: string): boolean {
  return (TRAINER_BACKENDS[name] as readonly string[]).includes(backend);
}

/** `factory`, which throws when started on a backend that trainer `name` does not run on. */
function onItsBackends(name: TrainerName, factory: TrainerFactory): TrainerFactory {
  return (params, config) => {
    const backend = tf.getBackend();
    if (!trainerRunsOn(name, backend)) {
      const needs = TRAINER_BACKENDS[name].join(" or ");
      throw new Error(`the ${name} trainer needs the ${needs} backend, not ${backend}`);
    }
    return factory(params, config);
  };
}

/** Every trainer by name; each throws when started on a backend it does not run on. */
export const TRAINERS: Readonly<Record<TrainerName, TrainerFactory>> = {
  reference: onItsBackends("reference", referenceTrainer),
  batched: onItsBackends("batched", batchedTrainer),
  fused: onItsBackends("fused", fusedTrainer),
};

/** The trainers' names. */
export const TRAINER_NAMES = Object.keys(TRAINERS) as TrainerName[];

/** A `--trainer` value: a trainer, or `auto` for the fastest on the backend. */
export type TrainerChoice = TrainerName | "auto";

/** The `--trainer` values. */
export const TRAINER_CHOICES: readonly TrainerChoice[] = ["auto", ...TRAINER_NAMES];

/** The fastest trainer on each backend: what `auto` picks. */
export const FASTEST_TRAINER = {
  webgpu: "fused",
  wasm: "batched",
  cpu: "batched",
} as const satisfies Record<BackendInfo["name"], TrainerName>;

/** The trainer that `choice` names on `backend`, and why, as `run.json` records it. */
export function chooseTrainer(
  choice: TrainerChoice,
  backend: BackendInfo["name"],
): { name: TrainerName; reason: string } {
  return choice === "auto"
    ? { name: FASTEST_TRAINER[backend], reason: `auto: the fastest on ${backend}` }
    : { name: choice, reason: "requested" };
}
