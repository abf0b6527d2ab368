/**
 * What grading a class writes: one record per submission (what resuming and collecting read
 * back), the class's `grades.csv`, a feedback file per student, and `summary.md`.
 *
 * Everything a student chose (ids from file names, names, their program's output) is shown with
 * control characters escaped; a CSV cell that a spreadsheet would read as a formula (`=`, `+`,
 * `-`, `@`) is prefixed with `'`; Markdown code blocks are fenced longer than any backtick run
 * they hold.
 *
 * @module
 */

import type { ExerciseName } from "../contract.ts";
import type { GradeReport } from "../grader.ts";
import { sha256Text } from "../../io/sha256.ts";
import { csvCell, csvText } from "../csv.ts";
import type { FinalGrade } from "./final.ts";
import { formatHours } from "./late.ts";
import { points, textReport, visible } from "../feedback.ts";
import { fenced, markdownTable, mdCell } from "../../report/markdown.ts";

/** How a submission's grading ended. */
export type Status = "graded" | "error" | "timeout";

/** One submission's outcome, as grading a class keeps it (`records/<student>.json`). */
export interface StudentRecord {
  /** The student's id. */
  student: string;
  /** The student's name, where the layout gives one. */
  name: string;
  /** The layout that recognised the submission. */
  layout: string;
  /** The file graded, relative to the class folder (or the submission's first source). */
  submission: string;
  /** The staged files' digest. */
  digest: string;
  /** The grader's version (code, corpus and options) that graded it. */
  grader: string;
  /** `graded`; `timeout` when an exercise was stopped at its time limit; `error` when not graded. */
  status: Status;
  /** Why, for `error` and `timeout`; empty for `graded`. */
  note: string;
  /** Points earned. */
  score: number;
  /** Points possible. */
  maxScore: number;
  /** Points earned per exercise graded. */
  points: Partial<Record<ExerciseName, number>>;
  /** The cases failed per exercise, by name. */
  failed: Partial<Record<ExerciseName, string[]>>;
  /** Wall-clock seconds the grading took. */
  seconds: number;
  /** The feedback file, relative to the class's `--out` folder. */
  feedback: string;
  /** The grading itself crashed: the next run grades it again. */
  crashed: boolean;
  /** When it was submitted (ISO 8601), where the export says; else `null`. */
  submittedAt: string | null;
  /** Canvas's LATE marker. */
  lateMarker: boolean;
  /**
   * The hidden cases failed, each with a digest of the wrong output the student gave
   * (`CaseResult.wrongOutput`): the similarity check's behavioural signal.
   */
  hiddenWrong: Record<string, string>;
}

/**
 * A name for `student` that is safe as a file name and distinct from every other student's, on
 * a file system that folds case too: the id itself when it is short, lower-case and of safe
 * characters only, else a cleaned id plus 16 hex digits of its SHA-256. An id kept as it is never
 * ends as a hashed one does, so two students' names differ unless their hashes' 64 bits do not.
 */
export async function fileName(student: string): Promise<string> {
  const clean = student.replace(/[^A-Za-z0-9._@+-]/g, "_").replace(/^[.-]/, "_").slice(0, 80);
  if (clean === student && clean !== "" && !/[A-Z]|-[0-9a-f]{16}$/.test(student)) return clean;
  return `${clean}-${(await sha256Text(student)).slice(0, 16)}`;
}

/** The outcome of a graded report: status, note, points and failed cases. */
export function outcome(
  report: GradeReport,
): Pick<
  StudentRecord,
  "status" | "note" | "score" | "maxScore" | "points" | "failed" | "hiddenWrong"
> {
  const points: StudentRecord["points"] = {};
  const failed: StudentRecord["failed"] = {};
  const hiddenWrong: StudentRecord["hiddenWrong"] = {};
  for (const ex of report.exercises) {
    points[ex.name] = ex.score;
    const names = ex.cases.filter((c) => !c.passed).map((c) => c.name);
    if (names.length > 0) failed[ex.name] = names;
    for (const c of ex.cases) {
      if (c.hidden && !c.passed) hiddenWrong[`${ex.name}: ${c.name}`] = c.wrongOutput;
    }
  }
  const firstLine = (items: string[]) => items[0].split("\n")[0];
  const timedOut = report.exercises.filter((ex) => ex.timedOut).map((ex) => ex.name);
  const [status, note]: [Status, string] = report.rejected.length > 0
    ? ["error", `not run: ${firstLine(report.rejected)}`]
    : report.loadErrors.length > 0
    ? ["error", `could not be loaded: ${firstLine(report.loadErrors)}`]
    : timedOut.length > 0
    ? ["timeout", `stopped at the time limit: ${timedOut.join(", ")}`]
    : ["graded", ""];
  return {
    status,
    note,
    score: report.score,
    maxScore: report.maxScore,
    points,
    failed,
    hiddenWrong,
  };
}

/**
 * `grades.csv`: a row per student, sorted by id: the final score, the grader's score and the late
 * credit, the points per exercise in `exercises`' order (overrides applied), the status, when it
 * was submitted and how late, and the overrides applied.
 */
export function gradesCsv(
  grades: readonly FinalGrade[],
  exercises: readonly ExerciseName[],
): string {
  const header = [
    "student",
    "name",
    "total",
    "raw",
    "credit",
    ...exercises,
    "status",
    "submitted",
    "late",
    "seconds",
    "submission",
    "note",
    "overrides",
  ];
  const rows = [...grades].sort((a, b) => compareIds(a.record.student, b.record.student)).map(
    (g) => {
      const r = g.record;
      const late = g.lateness?.hoursLate ? formatHours(g.lateness.hoursLate) : "";
      return [
        csvCell(r.student),
        csvCell(r.name),
        points(g.final),
        points(r.score),
        `${Math.round(g.credit * 1000) / 10}%`,
        ...exercises.map((e) => points(g.points[e] ?? 0)),
        r.status,
        csvCell(g.lateness?.submitted ?? r.submittedAt ?? ""),
        late,
        r.seconds.toFixed(1),
        csvCell(r.submission),
        csvCell(r.note),
        csvCell(
          g.overrides.map((o) => `${o.exercise} ${points(o.points)} by ${o.who}: ${o.reason}`).join(
            "; ",
          ),
        ),
      ];
    },
  );
  return csvText([header, ...rows]);
}

/** The records in the order of their student ids. */
export function sortedByStudent(records: StudentRecord[]): StudentRecord[] {
  return [...records].sort((a, b) => compareIds(a.student, b.student));
}

/** Student ids in code unit order. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Markdown inline text escaped but for pipes and line breaks, which a table's `mdCell` escapes. */
function escaped(text: string): string {
  return visible(text).replace(/[\\`*_[\]<>#]/g, "\\$&");
}

/** Markdown inline text: escaped, on one line. */
function inline(text: string): string {
  return mdCell(escaped(text));
}

/** A student's feedback page, beside their feedback file: `feedback/<student>.html`. */
export function feedbackPagePath(feedback: string): string {
  return feedback.replace(/\.md$/, ".html");
}

/**
 * A student's feedback file: the verdict, then the full text report (hidden cases included:
 * hand it out once grades are published), or why there is none.
 */
export function feedbackMarkdown(record: StudentRecord, report: GradeReport | null): string {
  const who = record.name === "" ? record.student : `${record.student} (${record.name})`;
  const lines = [
    `# rnnlab autograder: ${inline(who)}`,
    "",
    `- submission: ${inline(record.submission)}`,
    `- score: ${points(record.score)}/${points(record.maxScore)}`,
    `- status: ${record.status}${record.note === "" ? "" : ` (${inline(record.note)})`}`,
    "",
  ];
  if (report !== null) lines.push(fenced(textReport(report)), "");
  return lines.join("\n");
}

/** The median of `xs` (not empty). */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** How many of `records` have each status: `7 graded, 1 timed out, 5 not graded`. */
export function statusCounts(records: readonly StudentRecord[]): string {
  const by = (s: Status) => records.filter((r) => r.status === s).length;
  return `${by("graded")} graded, ${by("timeout")} timed out, ${by("error")} not graded`;
}

/**
 * `summary.md`: counts by status, the mean and median total (a submission that was not graded
 * counts 0), a histogram of totals in tenths of the maximum, and per exercise the share of
 * students with full marks and the case failed most often (among those graded).
 */
export function summaryMarkdown(
  records: StudentRecord[],
  exercises: readonly ExerciseName[],
  maxPoints: Partial<Record<ExerciseName, number>>,
  notes: string[],
): string {
  const max = exercises.reduce((s, e) => s + (maxPoints[e] ?? 0), 0);
  const lines = ["# rnnlab autograder: class summary", ""];
  const n = records.length;
  lines.push(`${n} submissions: ${statusCounts(records)} (counted as 0).`, "");
  if (n > 0) {
    const totals = records.map((r) => r.score);
    const mean = totals.reduce((s, x) => s + x, 0) / n;
    lines.push(
      `Mean ${points(Math.round(mean * 100) / 100)}, median ${points(median(totals))} (of ${
        points(max)
      }).`,
      "",
    );
    const bins: string[][] = [];
    const width = max / 10;
    for (let b = 0; b <= 10; b++) {
      const low = b * width;
      const inBin = totals.filter((t) =>
        b === 10 ? t >= max : t >= low - 1e-9 && t < low + width - 1e-9
      ).length;
      const label = b === 10 ? points(max) : `[${points(low)}, ${points(low + width)})`;
      bins.push([label, String(inBin), "█".repeat(inBin)]);
    }
    lines.push("## Totals", "", markdownTable(["total", "students", ""], bins, [false, true]), "");
  }
  const byExercise: string[][] = [];
  for (const e of exercises) {
    const full = records.filter((r) =>
      r.status !== "error" && (r.points[e] ?? 0) >= (maxPoints[e] ?? 0)
    ).length;
    const counts = new Map<string, number>();
    for (const r of records.filter((r) => r.status !== "error")) {
      for (const c of r.failed[e] ?? []) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const [worst, times] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0] ??
      [];
    const share = n === 0 ? "–" : `${full}/${n} (${Math.round((100 * full) / n)}%)`;
    const failing = worst === undefined ? "–" : `${escaped(worst)} (${times})`;
    byExercise.push([e, points(maxPoints[e] ?? 0), share, failing]);
  }
  lines.push(
    "## Exercises",
    "",
    markdownTable(
      ["exercise", "points", "full marks", "failed most often"],
      byExercise,
      [false, true, true],
    ),
  );
  const problems = sortedByStudent(records).filter((r) => r.status !== "graded");
  if (problems.length > 0) {
    lines.push(
      "",
      "## Not graded, or stopped",
      "",
      markdownTable(
        ["student", "status", "why"],
        problems.map((r) => [escaped(r.student), r.status, escaped(r.note)]),
      ),
    );
  }
  if (notes.length > 0) lines.push("", "## Notes", "", ...notes.map((l) => `- ${inline(l)}`));
  return `${lines.join("\n")}\n`;
}
