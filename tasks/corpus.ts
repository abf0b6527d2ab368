/**
 * `deno task corpus`: see `USAGE` below, which `--help` prints.
 *
 * @module
 */

import { numberFlag } from "../src/cli/flag_values.ts";
import { parseFlags } from "../src/cli/flags.ts";
import { runMain } from "../src/cli/main.ts";
import { PATHS_HELP, userPath } from "../src/cli/paths.ts";
import { CHAPTER_CORPUS_CHARS } from "../src/chapter/chapter.ts";
import { loadTrainingData } from "../src/data/corpus.ts";

/** The usage and description that `--help` prints. */
const USAGE = `deno task corpus [--data PATH] [--dataset 2017|2018] [--allow-unknown-data]
                 [--corpus-chars N] [--json]

Finds, checks and summarises the lyrics corpus, as the chapter's first cells print it. --json
prints the summary as JSON.

${PATHS_HELP}`;

async function main(args: string[]) {
  const flags = parseFlags(args, {
    data: { type: "string" },
    dataset: { type: "string" },
    "allow-unknown-data": { type: "boolean" },
    "corpus-chars": { type: "string", default: String(CHAPTER_CORPUS_CHARS) },
    json: { type: "boolean" },
  });
  const corpusChars = numberFlag("corpus-chars", flags["corpus-chars"], { min: 2, integer: true });
  const data = await loadTrainingData({
    data: flags.data === undefined ? undefined : userPath(flags.data),
    dataset: flags.dataset,
    allowUnknownData: flags["allow-unknown-data"],
  }, corpusChars);
  const summary = {
    path: data.source.path,
    cachedAt: data.source.cachedAt,
    dataset: data.source.dataset?.version ?? "unknown",
    sha256: data.source.sha256,
    chars: data.totalChars,
    first49: data.first49,
    corpusChars: data.chars.length,
    vocabSize: data.vocab.idxToChar.length,
    first40Indices: data.indices.slice(0, 40),
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

await runMain(main, USAGE);
