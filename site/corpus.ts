/// <reference lib="dom" />
/**
 * The page's corpus: the copy `deno task site` put beside it (when the build found one; it is
 * never committed), or a zip the reader picks. Either is checked by its SHA-256 as
 * `deno task corpus` checks it (`src/data/read_corpus.ts`): the built-in copy must be its
 * version's, a picked zip a known version unless an unknown one is allowed.
 *
 * @module
 */

import { UsageError } from "../src/errors.ts";
import {
  checkGivenCorpus,
  checkNamedCorpus,
  type Corpus,
  readCorpusZip,
} from "../src/data/read_corpus.ts";
import { DATASETS } from "../src/data/registry.ts";
import type { BuildInfo } from "../src/site/build.ts";

/** The built-in copy, checked and read; `undefined` when the build found none. */
export async function builtInCorpus(build: BuildInfo | undefined): Promise<Corpus | undefined> {
  if (!build?.corpus) return undefined;
  const dataset = DATASETS[build.corpus.version];
  if (!dataset) {
    throw new UsageError(`the built-in corpus names unknown version ${build.corpus.version}`);
  }
  const response = await fetch(build.corpus.file);
  if (!response.ok) {
    throw new UsageError(`the built-in corpus ${build.corpus.file}: HTTP ${response.status}`);
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  const source = await checkNamedCorpus(build.corpus.file, bytes, dataset);
  return { text: readCorpusZip(bytes, source.path), source };
}

/** A zip the reader picked, checked (a known version, or any with `allowUnknown`) and read. */
export async function pickedCorpus(file: File, allowUnknown: boolean): Promise<Corpus> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const source = await checkGivenCorpus(file.name, bytes, { allowUnknownData: allowUnknown });
  return { text: readCorpusZip(bytes, source.path), source };
}
