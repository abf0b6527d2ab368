/**
 * Manual changes to a class's grades: `overrides.csv`, a row per change,
 *
 *     student,exercise,points,reason,who
 *     alice,rnn,10,"the bias is added once, as the chapter does; the tolerance was too tight",kim
 *     bob,total,0,academic integrity case 2026-14,lee
 *
 * where `exercise` names an exercise (its points replace the grader's) or is `total` (the final
 * score, after the late credit). Overrides live beside the grades, never in the records the grader
 * writes, so they are applied last, every time the outputs are written: regrading after the tests
 * change, or resuming, keeps them, and the feedback shows each with its reason and author.
 *
 * By default the file is `overrides.csv` in the class's `--out` folder (`--overrides FILE` names
 * another). A row for a student or exercise the class does not have, a points value out of range,
 * or a change given twice is refused, with its line.
 *
 * @module
 */

import { UsageError } from "../../errors.ts";
import { parseCsvOrUsage } from "../csv.ts";

/** One manual change. */
export interface Override {
  student: string;
  /** An exercise's name, or `total`. */
  exercise: string;
  points: number;
  reason: string;
  who: string;
}

const HEADER = ["student", "exercise", "points", "reason", "who"];

/**
 * The overrides of the CSV text `text` (from `path`), checked against the class: its students and
 * its exercises with their points.
 */
export function parseOverrides(
  text: string,
  path: string,
  students: ReadonlySet<string>,
  maxPoints: Readonly<Record<string, number>>,
): Override[] {
  const [head, ...rows] = parseCsvOrUsage(text, `overrides ${path}`);
  if (head === undefined || HEADER.some((h, i) => head[i]?.trim() !== h)) {
    throw new UsageError(`overrides ${path}: its header must be '${HEADER.join(",")}'`);
  }
  const out: Override[] = [];
  const seen = new Set<string>();
  for (const [i, row] of rows.entries()) {
    const [student, exercise, points, reason, who] = HEADER.map((_, k) => row[k]?.trim() ?? "");
    const where = `overrides ${path}, line ${i + 2}`;
    if (!students.has(student)) {
      throw new UsageError(`${where}: no student '${student}' in the class`);
    }
    if (exercise !== "total" && !(exercise in maxPoints)) {
      throw new UsageError(
        `${where}: '${exercise}' is neither 'total' nor an exercise graded (${
          Object.keys(maxPoints).join(", ")
        })`,
      );
    }
    const value = Number(points);
    const most = exercise === "total" ? Infinity : maxPoints[exercise];
    if (points === "" || !Number.isFinite(value) || value < 0 || value > most) {
      throw new UsageError(
        `${where}: points must be a number from 0${
          Number.isFinite(most) ? ` to ${most}` : ""
        }, got '${points}'`,
      );
    }
    if (reason === "" || who === "") throw new UsageError(`${where}: give the reason and who`);
    const key = `${student}\u0000${exercise}`;
    if (seen.has(key)) {
      throw new UsageError(`${where}: ${student}'s ${exercise} is overridden twice`);
    }
    seen.add(key);
    out.push({ student, exercise, points: value, reason, who });
  }
  return out;
}
