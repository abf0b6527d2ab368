/**
 * `deno task grade:bundle`: see `USAGE` below, which `--help` prints.
 *
 * @module
 */

import { dirname } from "node:path";
import { parseFlags } from "../src/cli/flags.ts";
import { runMain } from "../src/cli/main.ts";
import { PATHS_HELP, userPath } from "../src/cli/paths.ts";
import { UsageError } from "../src/errors.ts";
import { loadCorpus } from "../src/data/corpus.ts";
import { prepareCorpus } from "../src/data/read_corpus.ts";
import { buildExercises } from "../src/grade/exercises/mod.ts";
import { buildBundle } from "../src/grade/gradescope.ts";
import { mistakeTable, tableJson } from "../src/grade/mistakes/table.ts";

/** The usage and description that `--help` prints. */
const USAGE = `deno task grade:bundle [--out runs/autograder.zip] [--data PATH]

Builds the Gradescope autograder zip (see src/grade/gradescope.ts) with the chapter's corpus in it,
and what the catalogue of mistakes gives on the cases (src/grade/mistakes/), computed here once
(or read from runs/grader/ when it is current) so that the grader reads it.

${PATHS_HELP}`;

async function main(args: string[]) {
  const flags = parseFlags(args, {
    out: { type: "string" },
    data: { type: "string" },
  });
  const out = flags.out === undefined ? "runs/autograder.zip" : userPath(flags.out);
  const data = flags.data === undefined ? undefined : userPath(flags.data);
  const corpus = await loadCorpus({ data, fetch: null });
  const version = corpus.source.dataset?.version;
  if (version === undefined) throw new UsageError(`${corpus.source.path} is not a known corpus`);
  await Deno.mkdir(dirname(out), { recursive: true });
  const table = await mistakeTable(buildExercises({ chars: prepareCorpus(corpus.text) }));
  const names = await buildBundle(out, corpus.source.path, version, tableJson(table));
  console.log(`wrote ${out}: ${names.length} files, corpus ${version}`);
}

await runMain(main, USAGE);
