/**
 * The chapter's "周杰伦歌词数据集" cells (In [1]–[5]) from the zip's bytes on: check the bytes'
 * digest, read the text as Python's `open(...).read()` would, and prepare it for training. No file
 * or network access here, so a web page can use it as `deno task train` does; finding the zip on
 * disk or on the network is `corpus.ts`'s.
 *
 * @module
 */

import { unzipSync } from "fflate";
import { CHAPTER_CORPUS_CHARS } from "../chapter/chapter.ts";
import { UsageError } from "../errors.ts";
import { sha256Hex } from "../io/sha256.ts";
import { datasetByDigest, type DatasetInfo, DATASETS } from "./registry.ts";
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

function short(digest: string): string {
  return digest.slice(0, 12);
}

/**
 * Checks a zip the user named (`--data`, `$RNNLAB_DATA`, a file picked on the web page): a known
 * digest (that of `dataset`, when one is asked for), or an unknown one when `allowUnknownData`.
 * An unknown zip is suggested `--allow-unknown-data` only when that would read it: one that is
 * not a readable corpus zip (a truncated download) is refused for what it is.
 */
export async function checkGivenCorpus(
  path: string,
  bytes: Uint8Array<ArrayBuffer>,
  opts: { dataset?: string; allowUnknownData?: boolean },
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
    readCorpusZip(bytes, path); // unreadable (cut short, say): --allow-unknown-data cannot help
    const list = Object.values(DATASETS).map((d) => `${d.version} ${short(d.sha256)}…`).join(", ");
    throw new UsageError(
      `unknown corpus ${path}: sha256 ${sha256} matches no known version (${list}); ` +
        `pass --allow-unknown-data to use it anyway`,
    );
  }
  return { path, sha256, dataset: known };
}

/** Checks a zip found under a version's name (or URL): it must carry that version's digest. */
export async function checkNamedCorpus(
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

/** In [2]–[5] on a corpus read: prepare, build the vocabulary and encode. */
export function trainingData(
  { text, source }: Corpus,
  corpusChars: number = CHAPTER_CORPUS_CHARS,
): TrainingData {
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
