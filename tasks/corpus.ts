/**
 * `deno task corpus`: finds, checks and summarises the lyrics corpus, as the chapter's first cells
 * print it. `--json` prints the summary as JSON.
 *
 *     deno task corpus [--data PATH] [--dataset 2017|2018] [--allow-unknown-data]
 *                      [--corpus-chars N] [--json]
 *
 * @module
 */

import { numberFlag, parseFlags } from "../src/cli/flags.ts";
import { runMain } from "../src/cli/main.ts";
import { CHAPTER_CORPUS_CHARS, loadCorpus, prepareCorpus } from "../src/data/corpus.ts";
import { buildVocab, encode } from "../src/data/vocab.ts";

async function main(args: string[]) {
  const flags = parseFlags(args, {
    data: { type: "string" },
    dataset: { type: "string" },
    "allow-unknown-data": { type: "boolean" },
    "corpus-chars": { type: "string", default: String(CHAPTER_CORPUS_CHARS) },
    json: { type: "boolean" },
  });
  const corpusChars = numberFlag("corpus-chars", flags["corpus-chars"], { min: 2, integer: true });
  const corpus = await loadCorpus({
    data: flags.data,
    dataset: flags.dataset,
    allowUnknownData: flags["allow-unknown-data"],
  });
  const chars = prepareCorpus(corpus.text, corpusChars);
  const vocab = buildVocab(chars);
  const summary = {
    path: corpus.source.path,
    cachedAt: corpus.source.cachedAt,
    dataset: corpus.source.dataset?.version ?? "unknown",
    sha256: corpus.source.sha256,
    chars: Array.from(corpus.text).length,
    first49: Array.from(corpus.text).slice(0, 49).join(""),
    corpusChars: chars.length,
    vocabSize: vocab.idxToChar.length,
    first40Indices: encode(chars.slice(0, 40), vocab),
  };
  if (flags.json) {
    console.log(JSON.stringify(summary, null, 2));
    return;
  }
  console.log(`corpus ${summary.dataset} from ${summary.path} (sha256 ${summary.sha256})`);
  console.log(summary.first49);
  console.log(`len(corpus_chars): ${summary.chars}`);
  console.log(`vocab size: ${summary.vocabSize} (first ${summary.corpusChars} characters)`);
  console.log(`indices: [${summary.first40Indices.join(", ")}]`);
}

await runMain(main);
