/**
 * `--similarity`: the class's similarity report (`src/grade/similarity/`) written beside its
 * grades. Each submission is staged again (the same copy its grading saw) and its graded file read:
 * a module as it is, a notebook as the module its graded cells make. The behavioural signal comes
 * from the records just written: the wrong outputs on hidden cases. Writes `similarity.csv` and
 * `similarity.html`; it reads grades and never changes one.
 *
 * @module
 */

import { basename, join, relative } from "node:path";
import { writeFileAtomic } from "../../io/atomic_write.ts";
import { isNotebookPath, NotebookModule, parseNotebook } from "../notebook.ts";
import { STARTER } from "../gradescope.ts";
import { findSubmissionFile } from "../submission_file.ts";
import { RARE_WRONG_TO_FLAG, sharedWrongOutputs } from "../similarity/behaviour.ts";
import { findings } from "../similarity/findings.ts";
import { compareClass, SIMILARITY_DEFAULTS, type SourceFile } from "../similarity/similarity.ts";
import { similarityCsv } from "../similarity/similarity_csv.ts";
import { similarityPage } from "../similarity/similarity_page.ts";
import { type ClassFolder, type FoundSubmission, sourcePath, stage } from "./layout.ts";
import type { StudentRecord } from "./outputs.ts";

/** Larger graded files than this are not compared (a grader's bound is far larger). */
const MAX_SOURCE_BYTES = 1 << 20;

/** A submission's graded source, or why there is none to compare. */
async function gradedSource(
  submission: FoundSubmission,
  root: string,
  dir: string,
): Promise<SourceFile | { student: string; why: string }> {
  const { student } = submission;
  try {
    await stage(submission, root, dir);
    const found = await findSubmissionFile(dir);
    if ("why" in found) return { student, why: found.why };
    const file = sourcePath(submission, relative(dir, found.path));
    if ((await Deno.stat(found.path)).size > MAX_SOURCE_BYTES) {
      return { student, why: `${file} is larger than ${MAX_SOURCE_BYTES} bytes` };
    }
    const text = await Deno.readTextFile(found.path);
    if (!isNotebookPath(found.path)) return { student, file, text };
    const name = basename(found.path);
    return { student, file, text: new NotebookModule(parseNotebook(text, name), name).text };
  } catch (err) {
    return { student, why: `${(err as Error).message}`.split("\n")[0] };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/**
 * Compares the submissions of `found` (staged under `work`) and writes `similarity.csv` and
 * `similarity.html` into `out`; `records` give the wrong outputs on hidden cases.
 */
export async function writeSimilarity(
  found: ClassFolder,
  records: readonly StudentRecord[],
  out: string,
  work: string,
  log: (line: string) => void,
): Promise<void> {
  const sources: SourceFile[] = [];
  const missing: { student: string; why: string }[] = [];
  for (const [i, submission] of found.submissions.entries()) {
    const source = await gradedSource(submission, found.root, join(work, `similarity-${i}`));
    if ("why" in source) missing.push(source);
    else sources.push(source);
  }
  const byStudent = new Map(records.map((r) => [r.student, r.hiddenWrong]));
  const shared = sharedWrongOutputs(sources.map((s) => byStudent.get(s.student) ?? {}));
  const also = new Set(
    [...shared].filter(([, w]) => w.rare.length >= RARE_WRONG_TO_FLAG).map(([k]) => k),
  );
  const starter = await Deno.readTextFile(STARTER);
  const result = compareClass(sources, { starter, ...SIMILARITY_DEFAULTS }, also);
  for (const { student, why } of missing) {
    result.files.push({ file: { student, file: "", text: "" }, own: 0, skipped: why });
  }
  const report = findings(result, shared);
  await writeFileAtomic(join(out, "similarity.csv"), similarityCsv(report, result.files));
  await writeFileAtomic(join(out, "similarity.html"), similarityPage(result, report));
  const flagged = report.filter((f) => f.reasons.length > 0).length;
  log(
    `wrote similarity.csv and similarity.html: ${result.pairs.length} of ${result.screened} pairs ` +
      `compared token by token, ${flagged} flagged for a human to read (no grade changed)`,
  );
}
