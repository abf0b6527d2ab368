/**
 * The command line of a class (`deno task grade --batch` and `--collect`): its flags beyond the
 * grading's own, read into the options of `gradeClass` and `collectShards`, the progress display,
 * and the lines that say what was written. `tasks/grade.ts` stays a thin layer over this.
 *
 * @module
 */

import { join } from "node:path";
import type { Shard } from "../../cli/shard.ts";
import { choiceFlag, numberFlag } from "../../cli/flag_values.ts";
import { userPath } from "../../cli/paths.ts";
import { CountProgress } from "../../run/progress.ts";
import type { StudentProgress } from "./class.ts";
import { type Gradebook, GRADEBOOKS, type GradebookWritten } from "./gradebook.ts";
import { type LatePolicy, latePolicyFromFlags } from "./late.ts";
import { statusCounts, type StudentRecord } from "./outputs.ts";

/** The flags of a class, for `parseFlags`. */
export const CLASS_FLAGS = {
  similarity: { type: "boolean" },
  gradebook: { type: "string" },
  assignment: { type: "string" },
  deadline: { type: "string" },
  late: { type: "string" },
  extensions: { type: "string" },
  "submitted-at": { type: "string" },
  overrides: { type: "string" },
  "progress-every": { type: "string" },
} as const;

/** Their usage, for `--help`. */
export const CLASS_USAGE = `
A class's grades (with --batch or --collect):
  --deadline TIME       the deadline, ISO 8601 with its offset (2026-03-01T23:59:00+01:00);
                        'none' drops the policy a folder kept
  --late WINDOWS        credit after the deadline, e.g. 1d:80%,3d:50% (0% after the last)
  --extensions FILE     a CSV student,deadline of extended deadlines
  --submitted-at FILE   a CSV student,time for exports that give no submission time
  --overrides FILE      a CSV student,exercise,points,reason,who (exercise or 'total') applied
                        last (default: overrides.csv in --out, when there is one)
  --gradebook canvas|moodle|csv   also writes the gradebook file that LMS imports
  --assignment NAME     the Canvas gradebook's assignment column ("Name (123)": assignment 123)
  --similarity          also writes similarity.csv and similarity.html (not with --shard)
  --progress-every N    without a terminal, a progress line every N students (default 10)`;

/** The flags' values, as `parseFlags` returns them. */
export interface ClassFlagValues {
  similarity?: boolean;
  gradebook?: string;
  assignment?: string;
  deadline?: string;
  late?: string;
  extensions?: string;
  "submitted-at"?: string;
  overrides?: string;
  "progress-every"?: string;
}

/** What the flags ask of the outputs: the late policy, overrides, gradebook. */
export interface ClassOutputOptions {
  late?: LatePolicy | null;
  overrides?: string;
  gradebook?: Gradebook;
  assignment?: string;
}

/** Reads the flags that shape a class's outputs (files read and checked now: bad input, exit 2). */
export async function classOutputOptions(flags: ClassFlagValues): Promise<ClassOutputOptions> {
  const path = (p: string | undefined) => p === undefined ? undefined : userPath(p);
  const late = await latePolicyFromFlags({
    deadline: flags.deadline,
    late: flags.late,
    extensions: path(flags.extensions),
    submittedAt: path(flags["submitted-at"]),
  });
  return {
    ...(late !== undefined && { late }),
    overrides: path(flags.overrides),
    gradebook: flags.gradebook === undefined
      ? undefined
      : choiceFlag("gradebook", flags.gradebook, GRADEBOOKS),
    assignment: flags.assignment,
  };
}

/** A progress display for a class graded from the command line, and a way to clear it. */
export function classProgress(
  flags: ClassFlagValues,
): { progress: (p: StudentProgress) => void; clear: () => void } {
  const every = flags["progress-every"] === undefined
    ? 10
    : numberFlag("progress-every", flags["progress-every"], {
      min: 1,
      max: 100_000,
      integer: true,
    });
  let display: CountProgress | undefined;
  return {
    progress: (p) => {
      display ??= new CountProgress(p.total, "students", { every });
      display.item(p.done, p.line, p.record.status !== "graded");
    },
    clear: () => display?.clear(),
  };
}

/** The lines that say what grading or collecting a class wrote. */
export function written(
  out: string,
  result: { records: StudentRecord[]; gradebook: GradebookWritten | null },
  shard?: Shard,
): string[] {
  const { records, gradebook } = result;
  const lines = [
    `wrote ${join(out, "grades.csv")}, summary.md and ${records.length} feedback files: ` +
    `${records.length} students${shard ? ` (shard ${shard.index}/${shard.count})` : ""}, ` +
    statusCounts(records),
  ];
  if (gradebook !== null) {
    lines.push(`wrote ${gradebook.file}: ${gradebook.rows} students`);
    if (gradebook.leftOut.length > 0) {
      lines.push(
        `note: not in the gradebook file, for want of the LMS's id (enter by hand): ` +
          gradebook.leftOut.join(", "),
      );
    }
  }
  return lines;
}
