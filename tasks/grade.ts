/**
 * `deno task grade`: see `USAGE` below, which `--help` prints.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { choiceFlag, numberFlag } from "../src/cli/flag_values.ts";
import { parseFlagsAndPositionals } from "../src/cli/flags.ts";
import { runMain } from "../src/cli/main.ts";
import { parseShard } from "../src/cli/shard.ts";
import { PATHS_HELP, userPath } from "../src/cli/paths.ts";
import { statOrNull, writableDir } from "../src/io/fs.ts";
import { UsageError } from "../src/errors.ts";
import { loadCorpus } from "../src/data/corpus.ts";
import { prepareCorpus } from "../src/data/read_corpus.ts";
import { type ExerciseName, EXERCISES } from "../src/grade/contract.ts";
import { Grader } from "../src/grade/grader.ts";
import { WALL_CHOICES, type WallChoice } from "../src/grade/wall.ts";
import { gradescopeResults, HIDDEN_VISIBILITIES, textReport } from "../src/grade/feedback.ts";
import { boundJobs, gradeClass } from "../src/grade/class/class.ts";
import { collectShards } from "../src/grade/class/collect.ts";
import {
  CLASS_FLAGS,
  CLASS_USAGE,
  classOutputOptions,
  classProgress,
  written,
} from "../src/grade/class/class_cli.ts";
import { writeStarter } from "../src/grade/gradescope.ts";
import { findSubmissionFile } from "../src/grade/submission_file.ts";
import { writeFileAtomic } from "../src/io/atomic_write.ts";

/** The usage and description that `--help` prints. */
const USAGE = `deno task grade SUBMISSION [--root DIR] [--results FILE] [--json] [--html FILE]
                [--only NAME,...] [--timeout-scale X] [--sandbox auto|bubblewrap|permissions]
                [--hidden-visibility after_published|after_due_date|hidden]
                [--data PATH] [--dataset 2017|2018]
deno task grade --init DIR [--notebook]
                                    writes DIR/rnn_scratch.ts, the starter file (or the
                                    notebook DIR/rnn_scratch.ipynb)
deno task grade --gradescope DIR    grades DIR/submission, writes DIR/results/results.json
deno task grade --batch SUBMISSIONS --out DIR [--jobs N] [--shard I/N | --shard N]
                [--only NAME,...] [--timeout-scale X] [--no-type-check]
                                    grades a class: SUBMISSIONS is a folder (or a zip of one)
                                    of one file or folder per student, as Gradescope, Canvas,
                                    Moodle and GitHub Classroom export them; writes
                                    DIR/grades.csv, DIR/summary.md, DIR/feedback/ (a Markdown
                                    file and an HTML page per student); a rerun grades only what
                                    changed. --shard N takes the index from
                                    SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX
deno task grade --collect SHARD_DIR... --out DIR
                                    merges the shards' folders into one
${CLASS_USAGE}

SUBMISSION is a module (.ts) or a notebook (.ipynb) whose tagged cells are graded. Grades in a
sandbox (see docs/autograder.md): --sandbox auto (the default) runs every child inside bubblewrap's
namespaces where they can be made, else with Deno's permissions alone, and says so in one line;
bubblewrap insists (exit 2 where it cannot run); permissions never tries. Prints the text report (or, with --json, Gradescope's results);
--html FILE also writes the feedback page (the known mistakes named, the tensors, the curve).
Exits 0 whenever grading completed, whatever the score; 2 for bad input (a missing file or
folder, a flag out of range), 1 when the grader itself failed.

${PATHS_HELP}`;

async function main(args: string[]) {
  const { values: flags, positionals } = parseFlagsAndPositionals(args, {
    init: { type: "string" },
    notebook: { type: "boolean" },
    gradescope: { type: "string" },
    root: { type: "string" },
    results: { type: "string" },
    json: { type: "boolean" },
    html: { type: "string" },
    only: { type: "string" },
    "timeout-scale": { type: "string", default: "1" },
    "hidden-visibility": { type: "string", default: "after_published" },
    data: { type: "string" },
    dataset: { type: "string" },
    batch: { type: "string" },
    collect: { type: "string", multiple: true },
    out: { type: "string" },
    jobs: { type: "string" },
    shard: { type: "string" },
    "no-type-check": { type: "boolean" },
    sandbox: { type: "string", default: "auto" },
    ...CLASS_FLAGS,
  }, Infinity);
  const out = flags.out && userPath(flags.out);
  const data = flags.data && userPath(flags.data);
  if (flags.collect !== undefined) {
    if (out === undefined) throw new UsageError("--collect needs --out DIR");
    if (flags.similarity) throw new UsageError("--similarity goes with --batch (see --help)");
    const dirs = [...flags.collect, ...positionals].map(userPath);
    const result = await collectShards(dirs, out, await classOutputOptions(flags));
    for (const line of written(out, result)) console.log(line);
    return;
  }
  if (flags.batch === undefined) {
    const stray = Object.keys(CLASS_FLAGS).find((k) =>
      flags[k as keyof typeof flags] !== undefined
    );
    if (stray) throw new UsageError(`--${stray} goes with --batch or --collect`);
  }
  if (positionals.length > 1) {
    throw new UsageError(`Unexpected argument '${positionals[1]}' (see --help)`);
  }
  if (flags.notebook && flags.init === undefined) {
    throw new UsageError("--notebook goes with --init DIR");
  }
  if (flags.init !== undefined) {
    const dir = await writableDir("--init", userPath(flags.init));
    console.log(`wrote ${await writeStarter(dir, flags.notebook)}`);
    return;
  }
  const timeoutScale = numberFlag("timeout-scale", flags["timeout-scale"], { min: 0.01, max: 100 });
  const visibility = choiceFlag(
    "hidden-visibility",
    flags["hidden-visibility"],
    HIDDEN_VISIBILITIES,
  );
  const sandbox = choiceFlag("sandbox", flags.sandbox, WALL_CHOICES);
  const only = flags.only?.split(",").map((name) =>
    choiceFlag("only", name.trim(), EXERCISES) as ExerciseName
  );
  if (flags.batch !== undefined) {
    if (positionals.length > 0) throw new UsageError("give a submission or --batch, not both");
    for (const flag of ["root", "results", "json", "gradescope", "html"] as const) {
      if (flags[flag] !== undefined) {
        throw new UsageError(`--${flag} goes with one submission, not --batch`);
      }
    }
    if (out === undefined) throw new UsageError("--batch needs --out DIR");
    const { jobs, note } = boundJobs(
      flags.jobs === undefined
        ? undefined
        : numberFlag("jobs", flags.jobs, { min: 1, max: 256, integer: true }),
    );
    if (note !== "") console.log(`note: ${note}`);
    const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
    const batch = userPath(flags.batch);
    const outputs = await classOutputOptions(flags);
    const display = classProgress(flags);
    const result = await withGrader(
      { data, dataset: flags.dataset, sandbox },
      (grader, corpus) =>
        gradeClass(grader, batch, {
          out,
          jobs,
          shard,
          only,
          timeoutScale,
          typeCheck: !flags["no-type-check"],
          corpus,
          log: (line) => {
            display.clear();
            console.log(line);
          },
          progress: display.progress,
          similarity: flags.similarity,
          ...outputs,
        }),
    ).finally(display.clear);
    for (const line of written(out, result, shard)) console.log(line);
    return;
  }
  let submission = positionals[0] && userPath(positionals[0]);
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
  if (resultsPath !== undefined) await checkOutputFolder("--results", "results file", resultsPath);
  const htmlPath = flags.html && userPath(flags.html);
  if (htmlPath !== undefined) await checkOutputFolder("--html", "feedback page", htmlPath);
  if (gradescope !== undefined) {
    const found = await findSubmissionFile(join(gradescope, "submission"));
    if ("why" in found) {
      const results = {
        score: 0,
        output: `No submission to grade: ${found.why}.`,
        output_format: "text",
        stdout_visibility: "hidden",
        tests: [],
      };
      await writeFileAtomic(resultsPath!, JSON.stringify(results, null, 2));
      console.log(results.output);
      return;
    }
    submission = found.path;
  }
  if (submission === undefined) {
    throw new UsageError(
      "give the submission to grade, e.g. deno task grade rnn_scratch.ts (or --init DIR)",
    );
  }
  const root = flags.root && userPath(flags.root);
  const report = await withGrader(
    { data, dataset: flags.dataset, sandbox },
    (grader) => grader.grade(submission, { root, only, timeoutScale }),
  );
  const results = gradescopeResults(report, visibility);
  if (resultsPath !== undefined) {
    await writeFileAtomic(resultsPath, JSON.stringify(results, null, 2));
  }
  if (htmlPath !== undefined) {
    const { feedbackPage } = await import("../src/grade/feedback_page.ts");
    await writeFileAtomic(htmlPath, await feedbackPage(report, basename(submission)));
  }
  console.log(flags.json ? JSON.stringify(results, null, 2) : textReport(report));
  if (resultsPath !== undefined && !flags.json) {
    console.log(`results: ${basename(resultsPath)} written`);
  }
  if (htmlPath !== undefined && !flags.json) console.log(`feedback page: ${htmlPath} written`);
}

/**
 * Runs `use` with a grader whose cases come from the corpus that `--data` and `--dataset` name,
 * in the wall `--sandbox` names, and the corpus's SHA-256; closes the grader after.
 */
async function withGrader<T>(
  { data, dataset, sandbox }: {
    data: string | undefined;
    dataset: string | undefined;
    sandbox: WallChoice;
  },
  use: (grader: Grader, corpusSha256: string) => Promise<T>,
): Promise<T> {
  const corpus = await loadCorpus({ data, dataset, fetch: null });
  await using grader = new Grader({ chars: prepareCorpus(corpus.text) }, { sandbox });
  return await use(grader, corpus.source.sha256);
}

async function isFolder(path: string): Promise<boolean> {
  return (await statOrNull(path))?.isDirectory === true;
}

/**
 * Before grading: the folder of a file to write (`--results`, `--html`) must exist, as
 * Gradescope's does, and take a file (nothing is written if grading fails).
 */
async function checkOutputFolder(flag: string, what: string, path: string): Promise<void> {
  if (!(await isFolder(dirname(path)))) {
    throw new UsageError(`${what} ${path}: its folder does not exist`);
  }
  await writableDir(flag, dirname(path));
}

await runMain(main, USAGE);
