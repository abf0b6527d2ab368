/**
 * Gradebook files an LMS imports (`--gradebook canvas|moodle|csv`), keyed by the ids that the
 * export the submissions came in carries, with each student's final score:
 *
 * - **canvas** (`gradebook-canvas.csv`), the format of Canvas's Gradebook export and import
 *   (`lib/gradebook_importer.rb` in instructure/canvas-lms): a header row
 *   `Student,ID,SIS User ID,SIS Login ID,Section,<assignment>`, a second row
 *   `    Points Possible,,,,,<points>`, then a row per student whose `ID` is the Canvas user id of
 *   the "Download Submissions" file names (`<name>_<user id>_<file id>_<file>`, which Canvas's
 *   importer matches before names). The assignment column is `--assignment` ("Name (123)" names
 *   Canvas's assignment 123; a new name makes a new assignment on import).
 * - **moodle** (`gradebook-moodle.csv`), Moodle's offline grading worksheet
 *   (`mod/assign/feedback/offline`): `Identifier,Full name,Grade,Maximum Grade,Last modified
 *   (grade)`, the identifier `Participant <id>` with the participant id of the "Download all
 *   submissions" folder names. Moodle skips a row whose grade was changed in Moodle after "Last
 *   modified (grade)" (unless "ignore modified" is ticked): that column is the time the file was
 *   written.
 * - **csv** (`gradebook.csv`): `student,name,score,max_score`, for anything else.
 *
 * Students whose submissions came in another layout have no such id: they are left out of a
 * Canvas or Moodle file and listed, to be entered by hand.
 *
 * @module
 */

import { join } from "node:path";
import { UsageError } from "../../errors.ts";
import { writeFileAtomic } from "../../io/atomic_write.ts";
import { csvCell, csvText } from "../csv.ts";
import { points } from "../feedback.ts";
import type { FinalGrade } from "./final.ts";

/** The gradebook formats. */
export const GRADEBOOKS = ["canvas", "moodle", "csv"] as const;

/** A gradebook format. */
export type Gradebook = typeof GRADEBOOKS[number];

/** The file each format writes, in the class's `--out` folder. */
export const GRADEBOOK_FILES: Record<Gradebook, string> = {
  canvas: "gradebook-canvas.csv",
  moodle: "gradebook-moodle.csv",
  csv: "gradebook.csv",
};

/** The layout whose ids each LMS format needs. */
const NEEDS: Partial<Record<Gradebook, string>> = { canvas: "canvas", moodle: "moodle" };

/** What writing a gradebook file did. */
export interface GradebookWritten {
  /** The path of the file written (in the class's `--out`). */
  file: string;
  /** How many students' rows it holds. */
  rows: number;
  /** Students left out, for want of the LMS's id. */
  leftOut: string[];
}

/** The gradebook's text for `grades` (sorted by student). */
export function gradebookText(
  format: Gradebook,
  grades: readonly FinalGrade[],
  opts: { assignment: string; now: Date },
): string {
  const max = grades[0]?.record.maxScore ?? 0;
  if (format === "canvas") {
    return csvText([
      ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", csvCell(opts.assignment)],
      ["    Points Possible", "", "", "", "", points(max)],
      ...grades.map((
        g,
      ) => [csvCell(g.record.name), csvCell(g.record.student), "", "", "", points(g.final)]),
    ]);
  }
  if (format === "moodle") {
    const modified = opts.now.toISOString();
    return csvText([
      ["Identifier", "Full name", "Grade", "Maximum Grade", "Last modified (grade)"],
      ...grades.map((g) => [
        csvCell(`Participant ${g.record.student}`),
        csvCell(g.record.name),
        points(g.final),
        points(max),
        modified,
      ]),
    ]);
  }
  return csvText([
    ["student", "name", "score", "max_score"],
    ...grades.map((
      g,
    ) => [csvCell(g.record.student), csvCell(g.record.name), points(g.final), points(max)]),
  ]);
}

/**
 * Writes the `format` gradebook of `grades` into `out`. A Canvas or Moodle file keeps the students
 * whose submissions came from that LMS; none at all is a usage error.
 */
export async function writeGradebook(
  out: string,
  format: Gradebook,
  grades: readonly FinalGrade[],
  assignment: string,
): Promise<GradebookWritten> {
  const layout = NEEDS[format];
  const keyed = layout === undefined
    ? [...grades]
    : grades.filter((g) => g.record.layout === layout);
  const leftOut = grades.filter((g) => !keyed.includes(g)).map((g) => g.record.student);
  if (keyed.length === 0 && grades.length > 0) {
    throw new UsageError(
      `--gradebook ${format} needs the ids of a ${layout} export; these submissions came from ` +
        `${[...new Set(grades.map((g) => g.record.layout))].join(", ")} (try --gradebook csv)`,
    );
  }
  const file = join(out, GRADEBOOK_FILES[format]);
  await writeFileAtomic(file, gradebookText(format, keyed, { assignment, now: new Date() }));
  return { file, rows: keyed.length, leftOut };
}
