/**
 * The float64 contract: the chapter's training computed in float64 by an independent NumPy
 * implementation (`golden/make_contract_curves.py`, recorded in `golden/contract_curves.json`),
 * for a few seeds of both samplers at the chapter's size and at the small preset's. Every backend
 * and trainer must reproduce its perplexities at epochs 1 and 2 within
 * {@linkcode CONTRACT_TOLERANCE}: a float32 engine that rounds each operation well lands that
 * close, one that accumulates a long sum in float32 does not.
 *
 * Unlike `curves.json`, which pins this project's own curves bit for bit on the backend that
 * recorded them, the contract holds every engine to the same float64 curve.
 *
 * @module
 */

import type { CorpusOptions } from "../data/corpus.ts";
import { loadTrainingData, type TrainingData } from "../data/corpus.ts";
import { disposeParams } from "../model/params.ts";
import {
  type AdapterReport,
  type BackendChoice,
  probeAdapter,
  selectBackend,
} from "../train/backend.ts";
import { PRESETS, type TrainConfig } from "../train/config.ts";
import { trainAndPredictRnn } from "../train/train.ts";
import {
  FASTEST_TRAINER,
  TRAINER_NAMES,
  type TrainerName,
  trainerRunsOn,
  TRAINERS,
} from "../train/trainers.ts";
import { type Check, checkClose, skipCheck, type Tolerance } from "./check.ts";
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
  return checkClose(
    `contract ${c.name} on ${backend}, ${trainer} trainer`,
    curve.map((r) => r.perplexity),
    c.perplexities,
    CONTRACT_TOLERANCE[c.preset],
  );
}

/**
 * The backends `choice` checks the contract on, given the adapter here (`gpu`): all of them for
 * `auto`, skipping software GPUs.
 */
function contractBackends(choice: BackendChoice, gpu: AdapterReport | undefined): BackendChoice[] {
  if (choice !== "auto") return [choice];
  return ["cpu", "wasm", ...(gpu && !gpu.software ? ["webgpu" as const] : [])];
}

/** Options of {@linkcode contractChecks}. */
export interface ContractOptions {
  /** A backend, or `auto` for every one available here (cpu, wasm, and webgpu on a hardware GPU). */
  backend: BackendChoice;
  /** Every trainer on every case; else the fastest trainer on every case, the others on the first of each sampler. */
  allTrainers: boolean;
  /** Where the corpus comes from. */
  corpus: CorpusOptions;
  /** Progress lines. */
  log: (line: string) => void;
}

/**
 * The contract's cases on each backend `options` name, with each trainer available there: one row
 * per run, and a skip row where the chapter's size is far too slow (cpu, a software GPU).
 */
export async function contractChecks(
  golden: ContractGolden,
  options: ContractOptions,
): Promise<Check[]> {
  const checks: Check[] = [];
  const { backend: choice } = options;
  const gpu = choice === "auto" || choice === "webgpu" ? await probeAdapter() : undefined;
  const corpus = { ...options.corpus, dataset: golden.dataset };
  const data: Record<ContractPreset, TrainingData> = {
    small: await loadTrainingData(corpus, PRESETS.small.corpusChars),
    chapter: await loadTrainingData(corpus, PRESETS.chapter.corpusChars),
  };
  for (const backend of contractBackends(choice, gpu)) {
    const software = backend === "webgpu" && gpu?.software;
    const info = await selectBackend(backend);
    for (const preset of ["small", "chapter"] as const) {
      const cases = golden.cases.filter((c) => c.preset === preset);
      if (preset === "chapter" && (backend === "cpu" || software)) {
        const why = backend === "cpu"
          ? "the cpu backend is far too slow for the chapter config; use wasm"
          : "a software WebGPU adapter is far too slow for the chapter config";
        checks.push(skipCheck(`contract: the chapter-sized cases on ${backend}`, why));
        continue;
      }
      for (const c of cases) {
        const first = cases.find((o) => o.iter === c.iter) === c;
        for (const trainer of TRAINER_NAMES.filter((t) => trainerRunsOn(t, info.name))) {
          // The fastest (the default, `auto`'s) on every case, the others on the first.
          if (!options.allTrainers && !first && trainer !== FASTEST_TRAINER[info.name]) continue;
          options.log(`contract ${c.name} on ${info.name}, ${trainer} trainer…`);
          checks.push(await contractCheck(c, info.name, trainer, data[preset]));
        }
      }
    }
  }
  return checks;
}
