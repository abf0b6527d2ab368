/**
 * The chapter's "周杰伦歌词数据集" cells (In [1]–[3]) on disk: find `jaychou_lyrics.txt.zip`, then
 * check and read it (`read_corpus.ts`, which has no file access and serves the web page too).
 *
 * Where the zip comes from, in order: `--data PATH` (a file or a folder), `$RNNLAB_DATA`, `./data/`,
 * `../shared/data/`, then the version's pinned public URL (verified by SHA-256 and cached in
 * `./data/`). A place given by the flag or the variable is authoritative: if it holds no corpus,
 * that is an error, not a reason to look further. A file found by its version's name must have that version's digest; a file named
 * explicitly may be an unknown corpus only when `allowUnknownData` is set.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { CHAPTER_CORPUS_CHARS } from "../chapter/chapter.ts";
import { UsageError } from "../errors.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { statOrNull } from "../io/fs.ts";
import {
  checkGivenCorpus,
  checkNamedCorpus,
  type Corpus,
  type CorpusSource,
  readCorpusZip,
  type TrainingData,
  trainingData,
} from "./read_corpus.ts";
import { DATASETS, DEFAULT_DATASET } from "./registry.ts";

/** How to find the corpus; every field is optional. */
export interface CorpusOptions {
  /** `--data PATH`: a zip file, or a folder holding `jaychou_lyrics-<version>.txt.zip`. */
  data?: string;
  /** `--dataset`: which known version to look for (default 2017). */
  dataset?: string;
  /** `--allow-unknown-data`: accept an explicitly named zip whose digest is not in the registry. */
  allowUnknownData?: boolean;
  /** The value of `$RNNLAB_DATA`; read from the environment when left out. */
  env?: string;
  /** Folders searched after the flag and the variable (default `./data`, `../shared/data`). */
  searchDirs?: string[];
  /** Folder that caches a download (default `./data`). */
  cacheDir?: string;
  /** The fetch used for the download (tests pass a fake); `null` disables the download. */
  fetch?: typeof fetch | null;
}

/** Folders searched after `--data` and `$RNNLAB_DATA`. */
export const DEFAULT_SEARCH_DIRS: readonly string[] = ["data", join("..", "shared", "data")];

function readEnvData(): string | undefined {
  const perm = Deno.permissions.querySync({ name: "env", variable: "RNNLAB_DATA" });
  return perm.state === "granted" ? Deno.env.get("RNNLAB_DATA") || undefined : undefined;
}

/**
 * Finds the corpus zip and checks its digest; returns its bytes and provenance. Throws a
 * {@linkcode UsageError} naming every place it looked when there is none.
 */
export async function resolveCorpus(
  opts: CorpusOptions = {},
): Promise<{ bytes: Uint8Array<ArrayBuffer>; source: CorpusSource }> {
  const version = opts.dataset ?? DEFAULT_DATASET;
  const dataset = DATASETS[version];
  if (!dataset) {
    throw new UsageError(
      `unknown --dataset ${version}; known: ${Object.keys(DATASETS).join(", ")}`,
    );
  }
  const tried: string[] = [];
  const explicit: [string, string | undefined][] = [
    ["--data", opts.data],
    ["$RNNLAB_DATA", "env" in opts ? opts.env : readEnvData()],
  ];
  for (const [label, given] of explicit) {
    if (!given) {
      tried.push(`${label} (not set)`);
      continue;
    }
    // A place named explicitly is authoritative: never fall back past it silently.
    const info = await statOrNull(given);
    if (info?.isFile) {
      const bytes = await Deno.readFile(given);
      return { bytes, source: await checkGivenCorpus(given, bytes, opts) };
    }
    if (!info?.isDirectory) throw new UsageError(`${label} ${given}: no such file or folder`);
    const inside = join(given, dataset.fileName);
    if (!(await statOrNull(inside))?.isFile) {
      throw new UsageError(`${label} ${given}: folder has no ${dataset.fileName}`);
    }
    const bytes = await Deno.readFile(inside);
    return { bytes, source: await checkNamedCorpus(inside, bytes, dataset) };
  }
  for (const dir of opts.searchDirs ?? DEFAULT_SEARCH_DIRS) {
    const path = join(dir, dataset.fileName);
    if ((await statOrNull(path))?.isFile) {
      const bytes = await Deno.readFile(path);
      return { bytes, source: await checkNamedCorpus(path, bytes, dataset) };
    }
    tried.push(resolve(path));
  }
  const doFetch = opts.fetch === undefined ? fetch : opts.fetch;
  if (doFetch === null) tried.push(`${dataset.url} (download disabled)`);
  else {
    let bytes: Uint8Array<ArrayBuffer> | undefined;
    try {
      const res = await doFetch(dataset.url);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      bytes = new Uint8Array(await res.arrayBuffer());
    } catch (err) {
      tried.push(`${dataset.url} (${(err as Error).message.split("\n")[0]})`);
    }
    if (bytes) {
      const source = await checkNamedCorpus(dataset.url, bytes, dataset);
      const cacheDir = opts.cacheDir ?? "data";
      const cachedAt = join(cacheDir, dataset.fileName);
      await Deno.mkdir(cacheDir, { recursive: true });
      await writeFileAtomic(cachedAt, bytes);
      return { bytes, source: { ...source, cachedAt } };
    }
  }
  throw new UsageError(`corpus ${dataset.fileName} not found; looked in: ${tried.join("; ")}`);
}

/** Finds, checks and reads the corpus (In [1] and [2] of the chapter). */
export async function loadCorpus(opts: CorpusOptions = {}): Promise<Corpus> {
  const { bytes, source } = await resolveCorpus(opts);
  return { text: readCorpusZip(bytes, source.path), source };
}

/** In [1]–[5] in one call: find, check and read the corpus, prepare it, build the vocabulary, encode. */
export async function loadTrainingData(
  opts: CorpusOptions,
  corpusChars: number = CHAPTER_CORPUS_CHARS,
): Promise<TrainingData> {
  return trainingData(await loadCorpus(opts), corpusChars);
}
