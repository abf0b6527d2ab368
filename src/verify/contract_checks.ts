/**
 * The float64 contract's cases (`contract.ts`) run on each backend available here, with each
 * trainer that runs there: the `contract` group of `deno task verify`.
 *
 * @module
 */

import { type CorpusOptions, loadTrainingData } from "../data/corpus.ts";
import type { TrainingData } from "../data/read_corpus.ts";
import {
  type AdapterReport,
  type BackendChoice,
  probeAdapter,
  selectBackend,
} from "../train/backend.ts";
import { PRESETS } from "../train/config.ts";
import { FASTEST_TRAINER, TRAINER_NAMES, trainerRunsOn } from "../train/trainers.ts";
import { type Check, skipCheck } from "./check.ts";
import { contractCheck } from "./contract.ts";
import type { ContractGolden, ContractPreset } from "./goldens.ts";

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
