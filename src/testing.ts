/**
 * What the tests of both tiers share (the unit tests beside the modules, and those in `test/`):
 * where the shared folder and the goldens are, the one tiny config, the chapter's text, one
 * autograder per test process, and the ONNX tests' small parameters. Not part of any entry point.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { DATASETS } from "./data/registry.ts";
import { PARAM_NAMES, type ParamArrays } from "./model/params.ts";
import { METADATA_KEYS } from "./onnx/metadata.ts";
import { encodeRnnModel } from "./onnx/model.ts";
import { NumpyRandomState } from "./random/numpy_random.ts";
import { environment } from "./run/environment.ts";
import { type RunRecord, runRecord } from "./run/record.ts";
import { configFlagValues } from "./run/train_flags.ts";
import { SMALL_PRESET, type TrainConfig } from "./train/config.ts";
import type { ChapterText } from "./grade/exercises/mod.ts";
import type { Grader } from "./grade/grader.ts";

/** `../shared/` beside the checkout. */
export const SHARED: string = fileURLToPath(new URL("../../shared/", import.meta.url));

/** The repository root. */
export const ROOT: string = fileURLToPath(new URL("../", import.meta.url));

/**
 * A config that trains in a fraction of a second per epoch on cpu: the small preset's loop on 600
 * characters, hidden 8, batch 3 × 5 steps, 2 epochs; `changes` over it.
 */
export function tinyConfig(changes: Partial<TrainConfig> = {}): TrainConfig {
  return {
    ...SMALL_PRESET,
    epochs: 2,
    corpusChars: 600,
    hidden: 8,
    batchSize: 3,
    numSteps: 5,
    predLen: 5,
    prefixes: ["分开"],
    ...changes,
  };
}

/**
 * {@linkcode tinyConfig} as train's flags: `--preset small` and the values that differ from it
 * (`--corpus-chars 600 --hidden 8 …`), for the tests that run `deno task train` or `sweep`.
 */
export function tinyFlags(changes: Partial<TrainConfig> = {}): string[] {
  const small = configFlagValues(SMALL_PRESET);
  const tiny = configFlagValues(tinyConfig(changes));
  const differ = (Object.keys(tiny) as (keyof typeof tiny)[]).filter((k) => tiny[k] !== small[k]);
  return ["--preset", "small", ...differ.flatMap((k) => [`--${k}`, tiny[k]])];
}

/**
 * The record a session of `config` over `vocab` would write after `perplexities` (one second an
 * epoch, on cpu with the reference trainer): a run's `run.json` without training one.
 */
export function recordOf(
  config: TrainConfig,
  status: RunRecord["status"],
  perplexities: number[],
  vocab: string[],
): Omit<RunRecord, "params"> {
  const facts = {
    config,
    backend: { name: "cpu" as const, adapter: "tfjs cpu", reason: "requested" },
    trainer: "reference" as const,
    trainerReason: "requested",
    source: { path: "corpus.zip", sha256: "ab".repeat(32), dataset: DATASETS["2017"] },
    vocab,
    environment: environment(),
  };
  const curve = perplexities.map((perplexity, i) => ({ epoch: i + 1, perplexity, seconds: 1 }));
  const session = { startedAt: "2026-12-06T00:00:00.000Z", fromEpoch: 0 };
  return runRecord(facts, session, curve, status);
}

/** Reads a JSON file under `golden/`. */
export function readGolden<T>(name: string): T {
  return JSON.parse(Deno.readTextFileSync(`${ROOT}golden/${name}`));
}

/** The chapter's prepared corpus, as the autograder grades with it. */
export async function chapterText(): Promise<ChapterText> {
  const { loadCorpus } = await import("./data/corpus.ts");
  const { prepareCorpus } = await import("./data/read_corpus.ts");
  const corpus = await loadCorpus({ searchDirs: [`${SHARED}data`], fetch: null });
  return { chars: prepareCorpus(corpus.text) };
}

let grader: Promise<Grader> | undefined;

/** One autograder over the chapter's corpus per test process: its expected answers are computed once. */
export function sharedGrader(): Promise<Grader> {
  grader ??= (async () => {
    const { Grader } = await import("./grade/grader.ts");
    return new Grader(await chapterText());
  })();
  return grader;
}

// The ONNX tests' fixtures: parameters and a vocabulary small enough to run in milliseconds.

/** Twelve characters, the first two prefixes' included. */
export const VOCAB = Array.from("不他你分开我是的说了在 ");

/**
 * Parameters with every entry (biases included) drawn from N(0, std²): large enough that a wrong
 * layout (an untransposed W_hh, a misplaced bias) changes the outputs far beyond float32 noise.
 */
export function randomParams(vocab: number, hidden: number, seed = 1, std = 0.4): ParamArrays {
  const rng = new NumpyRandomState(seed);
  const shapes = {
    W_xh: [vocab, hidden],
    W_hh: [hidden, hidden],
    b_h: [hidden],
    W_hy: [hidden, vocab],
    b_y: [vocab],
  };
  return Object.fromEntries(PARAM_NAMES.map((name) => {
    const shape = shapes[name];
    const size = shape.reduce((a, b) => a * b, 1);
    return [name, { shape, data: Float32Array.from(rng.normal(0, std, size)) }];
  })) as ParamArrays;
}

/** `n × n` row-major matrix transposed. */
export function transposed(m: Float32Array, n: number): Float32Array {
  return Float32Array.from({ length: n * n }, (_, k) => m[(k % n) * n + Math.floor(k / n)]);
}

/** {@linkcode randomParams} over {@linkcode VOCAB} and their ONNX model, the vocabulary in its metadata. */
export function smallRnnModel(
  hidden: number,
  seed = 1,
): { params: ParamArrays; bytes: Uint8Array } {
  const params = randomParams(VOCAB.length, hidden, seed);
  return {
    params,
    bytes: encodeRnnModel(params, { [METADATA_KEYS.vocab]: JSON.stringify(VOCAB) }),
  };
}

/**
 * Every string one typo from `word`: each letter dropped, doubled or replaced by its neighbour
 * in the alphabet, and each pair of neighbouring letters swapped (those equal to `word` left out).
 */
export function oneLetterTypos(word: string): string[] {
  const typos = new Set<string>();
  for (let i = 0; i < word.length; i++) {
    const [head, ch, tail] = [word.slice(0, i), word[i], word.slice(i + 1)];
    const next = String.fromCharCode(ch === "z" ? 97 : ch.charCodeAt(0) + 1);
    typos.add(head + tail).add(head + ch + ch + tail).add(head + next + tail);
    if (i + 1 < word.length) typos.add(head + word[i + 1] + ch + word.slice(i + 2));
  }
  typos.delete(word);
  return [...typos].filter((t) => t.length > 0);
}

/**
 * Runs `f` on a disk that fills up after `writes` more file writes: from then on `Deno.writeFile`
 * and `Deno.writeTextFile` write a first byte, then fail as Deno does on a full disk (`ENOSPC`,
 * `os error 28`). The real functions are put back however `f` ends.
 */
export async function withFullDisk<T>(writes: number, f: () => Promise<T>): Promise<T> {
  const real = { writeFile: Deno.writeFile, writeTextFile: Deno.writeTextFile };
  let left = writes;
  const full = async (path: string | URL, first: Uint8Array) => {
    await real.writeFile(path, first);
    throw Object.assign(
      new Error(`No space left on device (os error 28): writefile '${path}'`),
      { code: "ENOSPC" },
    );
  };
  Deno.writeFile = (path, data, options) =>
    left-- > 0 ? real.writeFile(path, data, options) : full(path, new Uint8Array(1));
  Deno.writeTextFile = (path, data, options) =>
    left-- > 0 ? real.writeTextFile(path, data, options) : full(path, new Uint8Array(1));
  try {
    return await f();
  } finally {
    Object.assign(Deno, real);
  }
}
