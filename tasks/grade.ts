/**
 * `deno task grade`: see `USAGE` below, which `--help` prints.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { choiceFlag, numberFlag, parseFlagsAndPositionals } from "../src/cli/flags.ts";
import { runMain } from "../src/cli/main.ts";
import { PATHS_HELP, userPath, writableDir } from "../src/cli/paths.ts";
import { UsageError } from "../src/cli/errors.ts";
import { loadCorpus, prepareCorpus } from "../src/data/corpus.ts";
import { type ExerciseName, EXERCISES } from "../src/grade/contract.ts";
import { Grader } from "../src/grade/grader.ts";
import { gradescopeResults, HIDDEN_VISIBILITIES, textReport } from "../src/grade/report.ts";
import { findGradescopeSubmission, writeStarter } from "../src/grade/gradescope.ts";
import { writeFileAtomic } from "../src/io/atomic_write.ts";

/** The usage and description that `--help` prints. */
const USAGE =
  `deno task grade SUBMISSION.ts [--root DIR] [--results FILE] [--json] [--only NAME,...]
                [--timeout-scale X] [--hidden-visibility after_published|after_due_date|hidden]
                [--data PATH] [--dataset 2017|2018]
deno task grade --init DIR          writes DIR/rnn_scratch.ts, the starter file
deno task grade --gradescope DIR    grades DIR/submission, writes DIR/results/results.json

Grades a student's solution of the chapter's exercises in a sandbox (see docs/autograder.md).
Prints the text report (or, with --json, Gradescope's results) and exits 0 whenever grading
completed, whatever the score; 2 for bad input (a missing file or folder, a flag out of range), 1
when the grader itself failed.

${PATHS_HELP}`;

async function main(args: string[]) {
  const { values: flags, positionals } = parseFlagsAndPositionals(args, {
    init: { type: "string" },
    gradescope: { type: "string" },
    root: { type: "string" },
    results: { type: "string" },
    json: { type: "boolean" },
    only: { type: "string" },
    "timeout-scale": { type: "string", default: "1" },
    "hidden-visibility": { type: "string", default: "after_published" },
    data: { type: "string" },
    dataset: { type: "string" },
  }, 1);
  if (flags.init !== undefined) {
    console.log(`wrote ${await writeStarter(await writableDir("--init", userPath(flags.init)))}`);
    return;
  }
  const timeoutScale = numberFlag("timeout-scale", flags["timeout-scale"], { min: 0.01, max: 100 });
  const visibility = choiceFlag(
    "hidden-visibility",
    flags["hidden-visibility"],
    HIDDEN_VISIBILITIES,
  );
  const only = flags.only?.split(",").map((name) =>
    choiceFlag("only", name.trim(), EXERCISES) as ExerciseName
  );
  let submission: string | null | undefined = positionals[0] && userPath(positionals[0]);
  const gradescope = flags.gradescope && userPath(flags.gradescope);
  let resultsPath = flags.results && userPath(flags.results);
  if (gradescope !== undefined) {
    if (submission !== undefined) {
      throw new UsageError("give a submission or --gradescope, not both");
    }
    if (!(await isFolder(gradescope))) {
      throw new UsageError(`--gradescope ${flags.gradescope} is not a folder`);
    }
    resultsPath ??= join(gradescope, "results", "results.json");
  }
  if (resultsPath !== undefined) await checkResultsFolder(resultsPath);
  if (gradescope !== undefined) {
    submission = await findGradescopeSubmission(join(gradescope, "submission"));
    if (submission === null) {
      const results = {
        score: 0,
        output: "No submission to grade: upload rnn_scratch.ts (one .ts file).",
        output_format: "text",
        stdout_visibility: "hidden",
        tests: [],
      };
      await writeFileAtomic(resultsPath!, JSON.stringify(results, null, 2));
      console.log(results.output);
      return;
    }
  }
  if (submission === undefined || submission === null) {
    throw new UsageError(
      "give the submission to grade, e.g. deno task grade rnn_scratch.ts (or --init DIR)",
    );
  }
  const data = flags.data && userPath(flags.data);
  const corpus = await loadCorpus({ data, dataset: flags.dataset, fetch: null });
  await using grader = new Grader({ chars: prepareCorpus(corpus.text) });
  const root = flags.root && userPath(flags.root);
  const report = await grader.grade(submission, { root, only, timeoutScale });
  const results = gradescopeResults(report, visibility);
  if (resultsPath !== undefined) {
    await writeFileAtomic(resultsPath, JSON.stringify(results, null, 2));
  }
  console.log(flags.json ? JSON.stringify(results, null, 2) : textReport(report));
  if (resultsPath !== undefined && !flags.json) {
    console.log(`results: ${basename(resultsPath)} written`);
  }
}

async function isFolder(path: string): Promise<boolean> {
  return (await Deno.stat(path).catch(() => null))?.isDirectory === true;
}

/**
 * Before grading: the results' folder must exist, as Gradescope's does, and take a file (nothing is
 * written if grading fails).
 */
async function checkResultsFolder(path: string): Promise<void> {
  if (!(await isFolder(dirname(path)))) {
    throw new UsageError(`results file ${path}: its folder does not exist`);
  }
  await writableDir("--results", dirname(path));
}

await runMain(main, USAGE);
