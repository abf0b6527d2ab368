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
import { buildBundle } from "../src/grade/gradescope.ts";

/** The usage and description that `--help` prints. */
const USAGE = `deno task grade:bundle [--out runs/autograder.zip] [--data PATH]

Builds the Gradescope autograder zip (see src/grade/gradescope.ts) with the chapter's corpus in it.

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
  const names = await buildBundle(out, corpus.source.path, version);
  console.log(`wrote ${out}: ${names.length} files, corpus ${version}`);
}

await runMain(main, USAGE);
