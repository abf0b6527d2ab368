/**
 * The chapter's "周杰伦歌词数据集" cells (In [1]–[3]): find `jaychou_lyrics.txt.zip`, check it, read
 * the text as Python's `open(...).read()` would, and prepare it for training.
 *
 * Where the zip comes from, in order: `--data PATH` (a file or a folder), `$RNNLAB_DATA`, `./data/`,
 * `../shared/data/`, then the version's pinned public URL (verified by SHA-256 and cached in
 * `./data/`). A place given by the flag or the variable is authoritative: if it holds no corpus,
 * that is an error, not a reason to look further. A file found by its version's name must have that version's digest; a file named
 * explicitly may be an unknown corpus only when `allowUnknownData` is set.
 *
 * @module
 */

import { unzipSync } from "fflate";
import { join, resolve } from "node:path";
import { CHAPTER_CORPUS_CHARS } from "../chapter/chapter.ts";
import { UsageError } from "../errors.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { sha256Hex } from "../io/sha256.ts";
import { statOrNull } from "../io/fs.ts";
import { datasetByDigest, type DatasetInfo, DATASETS, DEFAULT_DATASET } from "./registry.ts";
import { buildVocab, encode, type Vocab } from "./vocab.ts";

/** The name of the text file inside the zip, as in the chapter. */
export const CORPUS_ENTRY = "jaychou_lyrics.txt";

/** Where the corpus bytes came from and what they are. */
export interface CorpusSource {
  /** The file read (or the URL downloaded, then cached at `cachedAt`). */
  path: string;
  /** SHA-256 of the zip file. */
  sha256: string;
  /** The known version, or `undefined` for an unknown corpus allowed by `allowUnknownData`. */
  dataset: DatasetInfo | undefined;
  /** Where a download was cached, when the corpus came from the network. */
  cachedAt?: string;
}

/** The corpus text as Python reads it, and its provenance. */
export interface Corpus {
  /** The whole text, newlines as `\n` (Python's universal newlines). */
  text: string;
  /** Where it came from. */
  source: CorpusSource;
}

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

function short(digest: string): string {
  return digest.slice(0, 12);
}

/** Checks a file named explicitly (flag or variable): a known digest, or an allowed unknown one. */
async function checkExplicit(
  path: string,
  bytes: Uint8Array<ArrayBuffer>,
  opts: CorpusOptions,
): Promise<CorpusSource> {
  const sha256 = await sha256Hex(bytes);
  const known = datasetByDigest(sha256);
  if (known && opts.dataset && known.version !== opts.dataset) {
    throw new UsageError(
      `checksum mismatch for ${path}: sha256 ${sha256} is corpus ${known.version}, ` +
        `expected ${DATASETS[opts.dataset].sha256} for --dataset ${opts.dataset}`,
    );
  }
  if (!known && !opts.allowUnknownData) {
    const list = Object.values(DATASETS).map((d) => `${d.version} ${short(d.sha256)}…`).join(", ");
    throw new UsageError(
      `unknown corpus ${path}: sha256 ${sha256} matches no known version (${list}); ` +
        `pass --allow-unknown-data to use it anyway`,
    );
  }
  return { path, sha256, dataset: known };
}

/** Checks a file found by its version's name: it must carry that version's digest. */
async function checkNamed(
  path: string,
  bytes: Uint8Array<ArrayBuffer>,
  dataset: DatasetInfo,
): Promise<CorpusSource> {
  const sha256 = await sha256Hex(bytes);
  if (sha256 !== dataset.sha256) {
    throw new UsageError(
      `checksum mismatch for ${path}: sha256 ${sha256}, expected ${dataset.sha256} ` +
        `(corpus ${dataset.version})`,
    );
  }
  return { path, sha256, dataset };
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
      return { bytes, source: await checkExplicit(given, bytes, opts) };
    }
    if (!info?.isDirectory) throw new UsageError(`${label} ${given}: no such file or folder`);
    const inside = join(given, dataset.fileName);
    if (!(await statOrNull(inside))?.isFile) {
      throw new UsageError(`${label} ${given}: folder has no ${dataset.fileName}`);
    }
    const bytes = await Deno.readFile(inside);
    return { bytes, source: await checkNamed(inside, bytes, dataset) };
  }
  for (const dir of opts.searchDirs ?? DEFAULT_SEARCH_DIRS) {
    const path = join(dir, dataset.fileName);
    if ((await statOrNull(path))?.isFile) {
      const bytes = await Deno.readFile(path);
      return { bytes, source: await checkNamed(path, bytes, dataset) };
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
      const source = await checkNamed(dataset.url, bytes, dataset);
      const cacheDir = opts.cacheDir ?? "data";
      const cachedAt = join(cacheDir, dataset.fileName);
      await Deno.mkdir(cacheDir, { recursive: true });
      await writeFileAtomic(cachedAt, bytes);
      return { bytes, source: { ...source, cachedAt } };
    }
  }
  throw new UsageError(`corpus ${dataset.fileName} not found; looked in: ${tried.join("; ")}`);
}

/**
 * Reads `jaychou_lyrics.txt` out of a zip as Python's text mode does: strict UTF-8, and `\r\n` or
 * a lone `\r` read as `\n` (universal newlines). `where` names the file in error messages.
 */
export function readCorpusZip(bytes: Uint8Array, where: string): string {
  const names: string[] = [];
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        names.push(f.name);
        return f.name === CORPUS_ENTRY;
      },
    });
  } catch (err) {
    throw new UsageError(`${where} is not a readable zip archive (${(err as Error).message})`);
  }
  const entry = files[CORPUS_ENTRY];
  if (!entry) {
    throw new UsageError(
      `${where} has no ${CORPUS_ENTRY} (entries: ${names.join(", ") || "none"})`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(entry);
  } catch {
    throw new UsageError(`${where}: ${CORPUS_ENTRY} is not valid UTF-8`);
  }
  return text.replace(/\r\n?/g, "\n");
}

/** Finds, checks and reads the corpus (In [1] and [2] of the chapter). */
export async function loadCorpus(opts: CorpusOptions = {}): Promise<Corpus> {
  const { bytes, source } = await resolveCorpus(opts);
  return { text: readCorpusZip(bytes, source.path), source };
}

/**
 * In [3]: newlines become spaces, then the text is cut to its first `corpusChars` characters.
 * Characters are Unicode code points, as in Python, so the result is an array of them.
 */
export function prepareCorpus(text: string, corpusChars: number = CHAPTER_CORPUS_CHARS): string[] {
  if (!Number.isInteger(corpusChars) || corpusChars < 1) {
    throw new RangeError(`corpusChars must be a positive integer, got ${corpusChars}`);
  }
  return Array.from(text.replace(/[\n\r]/g, " ")).slice(0, corpusChars);
}

/** The corpus ready for training: the chapter's `corpus_chars`, vocabulary and `corpus_indices`. */
export interface TrainingData {
  /** Where the corpus came from. */
  source: CorpusSource;
  /** The number of characters in the whole text (the chapter's `len(corpus_chars)`). */
  totalChars: number;
  /** The text's first 49 characters, newlines kept (the chapter's `print(corpus_chars[0:49])`). */
  first49: string;
  /** The first `corpusChars` characters, newlines as spaces. */
  chars: string[];
  /** `idx_to_char` / `char_to_idx`. */
  vocab: Vocab;
  /** `corpus_indices`. */
  indices: number[];
}

/** In [1]–[5] in one call: load, prepare, build the vocabulary and encode. */
export async function loadTrainingData(
  opts: CorpusOptions,
  corpusChars: number = CHAPTER_CORPUS_CHARS,
): Promise<TrainingData> {
  const { text, source } = await loadCorpus(opts);
  const chars = prepareCorpus(text, corpusChars);
  const vocab = buildVocab(chars);
  const all = Array.from(text);
  return {
    source,
    totalChars: all.length,
    first49: all.slice(0, 49).join(""),
    chars,
    vocab,
    indices: encode(chars, vocab),
  };
}
