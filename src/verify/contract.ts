/**
 * The float64 contract: the chapter's training computed in float64 by an independent NumPy
 * implementation (`golden/make_contract_curves.py`, recorded in `golden/contract_curves.json`),
 * for a few seeds of both samplers at the chapter's size and at the small preset's. Every backend
 * and trainer must reproduce its perplexities at epochs 1 and 2 within
 * {@linkcode CONTRACT_TOLERANCE}: a float32 engine that rounds each operation well lands that
 * close, one that accumulates a long sum in float32 does not.
 *
 * Unlike `curves.json`, which pins this project's own curves bit for bit on the backend that
 * recorded them, the contract holds every engine to the same float64 curve. This module is the
 * rule, with no file access, so the web page checks its runs by it too; running every case on
 * every backend is `contract_checks.ts`'s.
 *
 * @module
 */

import type { TrainingData } from "../data/read_corpus.ts";
import { disposeParams } from "../model/params.ts";
import { CHAPTER_STATE_INIT, sameSetting, stateInitOf } from "../chapter/chapter.ts";
import { PRESETS, type TrainConfig } from "../train/config.ts";
import { trainAndPredictRnn } from "../train/train.ts";
import { type TrainerName, TRAINERS } from "../train/trainers.ts";
import { type Check, checkClose, type Tolerance } from "./check.ts";
import type { ContractCase, ContractGolden, ContractPreset } from "./goldens.ts";

/**
 * How close every backend and trainer must come to the float64 curve, relative, at every epoch:
 * float32 rounding carried through 2 epochs of the chapter's model stays within 1e-5 of it on a
 * well-conditioned case, and within 1e-6 on the small preset's (golden/README.md has what each
 * backend and trainer measures).
 */
export const CONTRACT_TOLERANCE: Readonly<Record<ContractPreset, Tolerance>> = {
  chapter: { rtol: 1e-5, atol: 0 },
  small: { rtol: 1e-6, atol: 0 },
};

/** The training run a case stands for: its preset with its sampler, seed and epochs, no predictions. */
export function contractConfig(c: ContractCase): TrainConfig {
  return {
    ...PRESETS[c.preset],
    iter: c.iter,
    seed: c.seed,
    epochs: c.epochs,
    predPeriod: c.epochs + 1,
  };
}

/**
 * The contract's case that a run of `config` on the corpus `sha256` reproduces in its first
 * epochs: the same preset's sizes, sampler, state initialisation (the chapter's for the sampler)
 * and seed, on the contract's corpus, for at least the case's epochs; `undefined` when none.
 */
export function contractCaseFor(
  golden: ContractGolden,
  config: TrainConfig,
  datasetVersion: string | null,
): ContractCase | undefined {
  if (datasetVersion !== golden.dataset) return undefined;
  return golden.cases.find((c) => {
    const own = contractConfig(c);
    return sameSetting(own, config) && own.iter === config.iter && own.seed === config.seed &&
      stateInitOf(config) === CHAPTER_STATE_INIT[config.iter] && config.epochs >= c.epochs;
  });
}

/** A curve's first epochs against case `c`, at the contract's tolerance for its preset. */
export function checkContractCurve(
  name: string,
  c: ContractCase,
  perplexities: readonly number[],
): Check {
  return checkClose(
    name,
    perplexities.slice(0, c.epochs),
    c.perplexities,
    CONTRACT_TOLERANCE[c.preset],
  );
}

/** Trains case `c` on the active backend with `trainer` and compares its curve with the contract. */
export async function contractCheck(
  c: ContractCase,
  backend: string,
  trainer: TrainerName,
  data: TrainingData,
): Promise<Check> {
  const { params, curve } = await trainAndPredictRnn(
    contractConfig(c),
    data.indices,
    data.vocab,
    {},
    TRAINERS[trainer],
  );
  disposeParams(params);
  return checkContractCurve(
    `contract ${c.name} on ${backend}, ${trainer} trainer`,
    c,
    curve.map((r) => r.perplexity),
  );
}
