/**
 * The trainers a run can use, by the name `--trainer` takes.
 *
 * - `reference`: the chapter's loop op by op with tfjs autograd; readable, and what the goldens
 *   record.
 * - `batched`: the same math with the large products once per minibatch (a row gather for the
 *   one-hot input, one output product over all steps); about 2× faster on wasm.
 * - `fused`: hand-written WGSL kernels for the webgpu backend (`src/train/fused/`), a few
 *   dispatches per step and no read-back inside an epoch.
 *
 * @module
 */

import { batchedTrainer } from "./batched.ts";
import { fusedTrainer } from "./fused/trainer.ts";
import { referenceTrainer, type TrainerFactory } from "./train.ts";

/** Every trainer by name. */
export const TRAINERS = {
  reference: referenceTrainer,
  batched: batchedTrainer,
  fused: fusedTrainer,
} as const satisfies Record<string, TrainerFactory>;

/** A `--trainer` value. */
export type TrainerName = keyof typeof TRAINERS;

/** The `--trainer` values. */
export const TRAINER_NAMES = Object.keys(TRAINERS) as TrainerName[];
