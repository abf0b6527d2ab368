/**
 * `deno task compare`: see `USAGE` below, which `--help` prints.
 *
 * @module
 */

import { join } from "node:path";
import { UsageError } from "../src/errors.ts";
import { parseFlagsAndPositionals } from "../src/cli/flags.ts";
import { runMain } from "../src/cli/main.ts";
import { PATHS_HELP, userPath } from "../src/cli/paths.ts";
import { writableDir } from "../src/io/fs.ts";
import {
  comparisonHtml,
  comparisonTable,
  loadRuns,
  predictionRows,
} from "../src/compare/compare.ts";
import { writeFileAtomic } from "../src/io/atomic_write.ts";
import { textTable } from "../src/report/text_table.ts";
import {
  benchComparisonNotes,
  benchComparisonTable,
  loadBenchResults,
} from "../src/compare/bench_results.ts";

/** The usage and description that `--help` prints. */
const USAGE = `deno task compare RUN... [--out DIR]
deno task compare RESULT.json...

Sets runs side by side: each RUN is a run folder (deno task train --out) or a sweep folder (all its
runs). Prints a table of the settings in which they differ, their status, final and best
perplexity, time, backend and trainer, then their predictions from each prefix (the final ones, or
the last printed epoch's). With --out DIR, also writes DIR/report.html: the same, with the
perplexity curves overlaid on a log scale, and the machines; a self-contained page.

Given results of deno task bench (their .json files, all step results or all whole programs),
sets them side by side instead: each engine's median time with its 95 % interval in each, its
ratio to the first result's, the load each ran under, and how each one's fingerprint differs from
the first's. A result without a fingerprint is refused (exit code 2): what ran is unknown.

${PATHS_HELP}`;

async function main(args: string[]) {
  const { values: flags, positionals } = parseFlagsAndPositionals(args, {
    out: { type: "string" },
  }, Infinity);
  if (positionals.length === 0) throw new UsageError("give the run or sweep folders to compare");
  const results = positionals.filter((p) => p.endsWith(".json"));
  if (results.length > 0) {
    if (results.length < positionals.length || flags.out !== undefined) {
      throw new UsageError("give run folders, or bench results (.json) without --out, not both");
    }
    const compared = await loadBenchResults(results.map(userPath));
    const table = benchComparisonTable(compared);
    console.log(textTable(table.head, table.rows));
    console.log(["", ...benchComparisonNotes(compared)].join("\n"));
    return;
  }
  const runs = await loadRuns(positionals.map(userPath));
  const table = comparisonTable(runs);
  console.log(textTable(table.head, table.rows, table.right));
  const predictions = predictionRows(runs);
  console.log(
    "\n" + textTable(
      ["prefix", "run", "prediction"],
      predictions.map((p) => [
        p.prefix,
        p.run,
        p.text === undefined ? "—" : `${p.text}${p.epoch === "end" ? "" : ` (epoch ${p.epoch})`}`,
      ]),
    ),
  );
  if (flags.out !== undefined) {
    const dir = await writableDir("--out", userPath(flags.out));
    await writeFileAtomic(join(dir, "report.html"), await comparisonHtml(runs));
    console.log(`\nReport: ${join(dir, "report.html")}`);
  }
}

await runMain(main, USAGE);
