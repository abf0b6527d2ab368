/**
 * The shapes of the golden files `deno task verify` reads, and reading them from a folder
 * (`golden/` by default; tests point it at a doctored copy).
 *
 * @module
 */

import { join } from "node:path";
import { UsageError } from "../errors.ts";
import type { Batch } from "../data/iterators.ts";
import { PARAM_NAMES, type ParamArrays } from "../model/params.ts";
import type { IterKind } from "../chapter/chapter.ts";
import type { TrainConfig } from "../train/config.ts";
import type { TrainerName } from "../train/trainers.ts";

/** `corpus.json`: per version, what CPython computes from the zip. */
export interface CorpusGolden {
  /** The generator command. */
  generator: string;
  /** Per version name. */
  versions: Record<string, {
    chars: number;
    first49: string;
    vocabSize: number;
    vocabSha256: string;
    first40Indices: number[];
    indicesSha256: string;
  }>;
}

/** `chapter_printed.json`: the chapter's own printed outputs (the corpus part). */
export interface ChapterPrinted {
  /** In [1], [2], [4], [5]. */
  corpus: { chars: number; first49: string; vocabSize: number; sample40: string };
}

/** `chapter_toy_batches.json`: the chapter's In [7] and In [9] batches on 0..29. */
export interface ToyBatches {
  /** `batch_size=2`. */
  batchSize: number;
  /** `num_steps=3`. */
  numSteps: number;
  /** In [7], with the CPython seed that reproduces it. */
  random: { pythonSeed: number; batches: Batch[] };
  /** In [9]. */
  consecutive: { batches: Batch[] };
}

/** `iterators.json`: the chapter's samplers run by CPython on toy inputs. */
export interface IteratorGolden {
  /** The generator command. */
  generator: string;
  /** One case per (length, batch, steps). */
  cases: {
    length: number;
    batchSize: number;
    numSteps: number;
    consecutive: Batch[];
    random: { seed: number; epochs: Batch[][] }[];
  }[];
}

/** A float array with its shape. */
export interface GoldenArray {
  /** Row-major shape. */
  shape: number[];
  /** Values. */
  data: number[];
}

/** `model.json`: forward, loss, gradients, clipping and prediction computed by NumPy. */
export interface ModelGolden {
  /** The generator command. */
  generator: string;
  /** The toy vocabulary. */
  vocab: string[];
  /** The fixed parameters, by the chapter's names. */
  params: Record<string, GoldenArray>;
  /** One batch of indices and its labels (batch × steps). */
  data: number[][];
  /** The labels. */
  label: number[][];
  /** The carried state fed in. */
  state: GoldenArray;
  /** The outputs, steps × batch × vocab. */
  outputs: GoldenArray;
  /** The last hidden state. */
  finalState: GoldenArray;
  /** The summed cross-entropy. */
  lossSum: number;
  /** Gradients by parameter name. */
  grads: Record<string, number[]>;
  /** Their global L2 norm. */
  gradNorm: number;
  /** The θ the clipped gradients used. */
  clipTheta: number;
  /** Clipped gradients by parameter name. */
  clipped: Record<string, number[]>;
  /** Greedy predictions. */
  predictions: { prefix: string; numChars: number; text: string }[];
}

/** The model golden's fixed parameters as float32 arrays (the values tfjs computes with). */
export function goldenParams(g: ModelGolden): ParamArrays {
  return Object.fromEntries(
    PARAM_NAMES.map((
      n,
    ) => [n, { shape: g.params[n].shape, data: Float32Array.from(g.params[n].data) }]),
  ) as ParamArrays;
}

/** One recorded training curve. */
export interface CurveCase {
  /** Its name in the table. */
  name: string;
  /** The tfjs backend that recorded it. */
  backend: "cpu" | "wasm" | "webgpu";
  /** The trainer that recorded it (re-runs use the same one); `reference` when absent. */
  trainer?: TrainerName;
  /** The full config. */
  config: TrainConfig;
  /** The corpus version. */
  dataset: string;
  /** Perplexity per epoch. */
  perplexities: number[];
  /** The predictions on the printed epochs, by epoch. */
  predictions: Record<string, string[]>;
  /** Seconds per epoch when recorded (information only). */
  secondsPerEpoch: number;
  /** The command that recorded it. */
  command: string;
  /** The machine that recorded it. */
  machine: string;
}

/** The presets the contract covers. */
export type ContractPreset = "chapter" | "small";

/** One curve of the contract. */
export interface ContractCase {
  /** `chapter-random-seed-7`, say. */
  name: string;
  /** Whose sizes: the chapter's or the small preset's. */
  preset: ContractPreset;
  /** The sampler. */
  iter: IterKind;
  /** The seed of both generators. */
  seed: number;
  /** How many epochs. */
  epochs: number;
  /** Perplexity per epoch, computed in float64. */
  perplexities: number[];
  /** How far float32-sized noise moves each epoch's perplexity, relative (the case's conditioning). */
  sensitivity: number[];
}

/** `contract_curves.json`. */
export interface ContractGolden {
  /** The generator command. */
  generator: string;
  /** The corpus version. */
  dataset: string;
  /** The presets' sizes, learning rate, θ and tolerances the generator used. */
  settings: {
    presets: Record<
      ContractPreset,
      Pick<TrainConfig, "corpusChars" | "hidden" | "batchSize" | "numSteps">
    >;
    lr: number;
    theta: number;
    tolerance: Record<ContractPreset, number>;
  };
  /** The well-conditioned cases every engine must reproduce. */
  cases: ContractCase[];
  /** The seeds tried and left out: float32-sized noise moves them by more than a tenth of the tolerance. */
  illConditioned: ContractCase[];
}

/** `curves.json` (short curves CI re-runs) and `full_curves.json` (the 200-epoch chapter runs). */
export interface CurveGolden {
  /** The recorded cases. */
  cases: CurveCase[];
}

/** Reads and parses `name` from the golden folder, as a one-line error when it cannot. */
export function readGoldenFile<T>(dir: string, name: string): T {
  const path = join(dir, name);
  try {
    return JSON.parse(Deno.readTextFileSync(path));
  } catch (err) {
    throw new UsageError(`cannot read golden ${path}: ${(err as Error).message.split("\n")[0]}`);
  }
}
