/**
 * A student's final grade: the grader's points, then the manual overrides and the late credit,
 * applied each time the class's outputs are written (never stored in the grader's records, so a
 * regrade keeps them):
 *
 *     points  = the grader's points per exercise, an exercise override replacing its exercise's
 *     final   = Σ points × late credit, or the `total` override when there is one
 *
 * An exercise override corrects what the work is worth, so the late credit still applies to it; a
 * `total` override is the staff's last word and replaces everything.
 *
 * @module
 */

import type { ExerciseName } from "../contract.ts";
import { points } from "../feedback.ts";
import { type Lateness, lateness, type LatePolicy, requireTimes } from "./late.ts";
import type { StudentRecord } from "./outputs.ts";
import type { Override } from "./overrides.ts";

/** A student's grade as the outputs show it. */
export interface FinalGrade {
  record: StudentRecord;
  /** Points per exercise, overrides applied. */
  points: Partial<Record<ExerciseName, number>>;
  /** The late credit (1 without a policy). */
  credit: number;
  /** How the late policy counted the submission, or `null` without one. */
  lateness: Lateness | null;
  /** The overrides applied. */
  overrides: Override[];
  /** The final score, to two decimals. */
  final: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * The final grades of `records` under `policy` (or none) and `overrides`. Throws a one-line usage
 * error when the policy needs a submission time that no one gave (`requireTimes`).
 */
export function finalGrades(
  records: readonly StudentRecord[],
  policy: LatePolicy | null,
  overrides: readonly Override[],
): FinalGrade[] {
  if (policy !== null) requireTimes(policy, records);
  return records.map((record): FinalGrade => {
    const mine = overrides.filter((o) => o.student === record.student);
    const pts = { ...record.points };
    for (const o of mine) if (o.exercise !== "total") pts[o.exercise as ExerciseName] = o.points;
    const late = policy === null ? null : lateness(record, policy) as Lateness;
    const credit = late?.credit ?? 1;
    const total = mine.find((o) => o.exercise === "total");
    const sum = Object.values(pts).reduce((s: number, x) => s + (x ?? 0), 0);
    return {
      record,
      points: pts,
      credit,
      lateness: late,
      overrides: mine,
      final: round2(total?.points ?? sum * credit),
    };
  });
}

/** The marks around the final-grade block of a feedback file. */
const BEGIN = "<!-- rnnlab: final grade -->";
const END = "<!-- rnnlab: end of final grade -->";

/** The feedback's final-grade block: the grader's score, overrides, late credit, final. */
function finalBlock(g: FinalGrade): string {
  const max = points(g.record.maxScore);
  const lines = [
    BEGIN,
    "## Final grade",
    "",
    `- the grader's score: ${points(g.record.score)}/${max}`,
  ];
  for (const o of g.overrides) {
    const was = o.exercise === "total"
      ? ""
      : ` (the grader: ${points(g.record.points[o.exercise as ExerciseName] ?? 0)})`;
    lines.push(
      `- override of ${o.exercise} by ${o.who}: ${points(o.points)} points${was}: ${o.reason} ` +
        "(applied after grading; kept when the class is graded again)",
    );
  }
  if (g.lateness !== null) {
    lines.push(`- late policy: ${g.lateness.note}: ${Math.round(g.credit * 100)}% credit`);
  }
  lines.push(`- final: ${points(g.final)}/${max}`, END, "");
  return lines.join("\n");
}

/**
 * `feedback` with the final-grade block of `g` under its title (replacing one there already), or
 * without one when neither a late policy nor an override applies.
 */
export function withFinalGrade(feedback: string, g: FinalGrade): string {
  const start = feedback.indexOf(BEGIN);
  const end = feedback.indexOf(END);
  const bare = start >= 0 && end > start
    ? feedback.slice(0, start) + feedback.slice(end + END.length).replace(/^\n/, "")
    : feedback;
  if (g.lateness === null && g.overrides.length === 0) return bare;
  const title = bare.indexOf("\n\n");
  const at = title < 0 ? bare.length : title + 2;
  return `${bare.slice(0, at)}${finalBlock(g)}\n${bare.slice(at)}`;
}
