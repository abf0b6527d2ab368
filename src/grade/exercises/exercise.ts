/**
 * What an exercise is to the grader: its points, time limit, tolerance, hint and seeded cases, and
 * how to compute a case's expected value (in the grader's own process; the child is sent the
 * arguments only).
 *
 * @module
 */

import type { Value } from "../codec.ts";
import type { PlaceNamer, Tolerance } from "../value_diff.ts";
import type { ExerciseName } from "../contract.ts";

/** One case: its arguments (sent to the child) and whether students see it before publication. */
export interface Case {
  /** What the case is about, shown in the feedback. */
  name: string;
  /** Hidden cases are shown only after grades are published. */
  hidden: boolean;
  /** The arguments, by name (see `CALLS` in `child.ts` for how they are passed). */
  args: Record<string, Value>;
}

/** An exercise as the grader runs it. */
export interface Exercise {
  /** The export of the submission it grades. */
  name: ExerciseName;
  /** The chapter's cell it comes from. */
  title: string;
  /** Its points, shared equally by its cases. */
  points: number;
  /** Time limit of its child process, in seconds. */
  timeoutS: number;
  /** Float tolerance of its checks; `null`: exact. */
  tolerance: Tolerance | null;
  /** What to re-read in the chapter when a case fails. */
  hint: string;
  /** Names places in its results for the feedback. */
  place: PlaceNamer;
  /** Its cases, public first. */
  cases: Case[];
  /** The expected value of a case, computed in the grader's process. */
  expected(c: Case): Value;
}

/** The tolerance of the float exercises: NumPy's `allclose` with these. */
export const FLOAT: Tolerance = { rtol: 1e-4, atol: 1e-5 };

/** A case students see at once. */
export function publicCase(name: string, args: Record<string, Value>): Case {
  return { name, hidden: false, args };
}

/** A case students see only after grades are published. */
export function hiddenCase(name: string, args: Record<string, Value>): Case {
  return { name, hidden: true, args };
}
