/**
 * The last step of grading or collecting a class: from the records, the final grades (late credit
 * and overrides applied, `final.ts`), and every file that shows them: `grades.csv`, `summary.md`,
 * each feedback file's final-grade block, the gradebook file an LMS imports (`gradebook.ts`), and
 * `batch.json`, each written atomically. Since this runs after every grading, resumed or not, the
 * overrides and the late policy always apply to the grades as they are now.
 *
 * @module
 */

import { join } from "node:path";
import { UsageError } from "../../errors.ts";
import { statOrNull } from "../../io/fs.ts";
import { writeFileAtomic } from "../../io/atomic_write.ts";
import type { ExerciseName } from "../contract.ts";
import { points } from "../feedback.ts";
import { finalGrades, withFinalGrade } from "./final.ts";
import { type Gradebook, type GradebookWritten, writeGradebook } from "./gradebook.ts";
import type { LatePolicy } from "./late.ts";
import { gradesCsv, type StudentRecord, summaryMarkdown } from "./outputs.ts";
import type { Manifest } from "./out_folder.ts";
import { type Override, parseOverrides } from "./overrides.ts";

/** What the finishing step applies and writes besides the grades. */
export interface FinishOptions {
  /** The overrides to apply. */
  overrides: readonly Override[];
  /** The gradebook file to write, if any, and its assignment column's name (Canvas). */
  gradebook?: Gradebook;
  assignment?: string;
}

/** The default assignment column of a Canvas gradebook file. */
export const DEFAULT_ASSIGNMENT = "RNN from scratch";

/** The overrides of the class in `out`: from `path`, else `out/overrides.csv`, else none. */
export async function loadOverrides(
  out: string,
  path: string | undefined,
  students: ReadonlySet<string>,
  exercises: readonly { name: ExerciseName; points: number }[],
): Promise<{ overrides: Override[]; file: string | null }> {
  const file = path ?? join(out, "overrides.csv");
  if (path === undefined && (await statOrNull(file)) === null) return { overrides: [], file: null };
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (err) {
    throw new UsageError(`--overrides ${file}: ${(err as Error).message.split("\n")[0]}`);
  }
  const max = Object.fromEntries(exercises.map((e) => [e.name, e.points]));
  return { overrides: parseOverrides(text, file, students, max), file };
}

/** A line for summary.md about the late policy. */
function policyNote(policy: LatePolicy): string {
  const windows = policy.windows.map((w) => `${w.hours} h late: ${Math.round(w.credit * 100)}%`);
  const extensions = Object.keys(policy.extensions).length;
  return `late policy: deadline ${policy.deadline}; ${
    windows.length > 0 ? `up to ${windows.join(", up to ")}; ` : ""
  }0% after${extensions > 0 ? `; ${extensions} extension${extensions === 1 ? "" : "s"}` : ""}`;
}

/**
 * Writes the class's outputs from `records` into `out`: final grades under `manifest.late` and the
 * overrides, then grades.csv, summary.md, the feedback files' final-grade blocks, the gradebook
 * file, and batch.json. Returns what the gradebook file holds, if one was written.
 */
export async function finishClass(
  out: string,
  records: StudentRecord[],
  manifest: Manifest,
  opts: FinishOptions,
): Promise<GradebookWritten | null> {
  const names = manifest.exercises.map((e) => e.name);
  const maxPoints = Object.fromEntries(manifest.exercises.map((e) => [e.name, e.points]));
  const grades = finalGrades(records, manifest.late, opts.overrides);
  for (const g of grades) {
    const path = join(out, g.record.feedback);
    const text = await Deno.readTextFile(path).catch(() => null);
    const updated = text === null ? null : withFinalGrade(text, g);
    if (updated !== null && updated !== text) await writeFileAtomic(path, updated);
  }
  const notes = [
    ...manifest.notes,
    ...(manifest.late === null ? [] : [policyNote(manifest.late)]),
    ...opts.overrides.map((o) =>
      `override: ${o.student}'s ${o.exercise} set to ${
        points(o.points)
      } by ${o.who} (${o.reason}); ` +
      "applied after grading, kept when graded again"
    ),
  ];
  await writeFileAtomic(join(out, "grades.csv"), gradesCsv(grades, names));
  const counted = grades.map((g) => ({ ...g.record, score: g.final, points: g.points }));
  await writeFileAtomic(join(out, "summary.md"), summaryMarkdown(counted, names, maxPoints, notes));
  const book = opts.gradebook === undefined ? null : await writeGradebook(
    out,
    opts.gradebook,
    grades,
    opts.assignment ?? DEFAULT_ASSIGNMENT,
  );
  await writeFileAtomic(join(out, "batch.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return book;
}
