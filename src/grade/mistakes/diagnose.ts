/**
 * Naming a student's mistake by its outputs: when a case fails, the student's value is compared
 * with what each catalogued mistake of the exercise gives on the same case, and on every other
 * case of the exercise the student's case may be judged by. A mistake matches when it agrees with
 * the student everywhere there (within the exercise's tolerance; an error where the student threw
 * one too). One match is named, several are said to be indistinguishable, none is said: the grader
 * never guesses.
 *
 * A public case is judged by the public cases only, so that what a student sees before grades are
 * published never depends on a hidden case; a hidden case by all of them.
 *
 * @module
 */

import type { Exercise } from "../exercises/mod.ts";
import { findDifference } from "../value_diff.ts";
import { type Mistake, MISTAKES } from "./catalogue.ts";
import type { MistakeTable, Outcome } from "./table.ts";

/** What the outputs say about a failed case. */
export type Diagnosis =
  | { kind: "one"; mistake: Mistake }
  | { kind: "several"; mistakes: Mistake[] }
  | { kind: "none"; considered: number };

/** One case of the student's exercise: whether it is hidden, and what the function gave. */
export interface CaseEvidence {
  /** Whether the case is hidden. */
  hidden: boolean;
  /** What the student's function gave; `null` when the case did not finish. */
  outcome: Outcome | null;
}

/** Whether a mistake's outcome and the student's agree. */
function agree(theirs: Outcome, mine: Outcome, ex: Exercise): boolean {
  if ("error" in theirs || "error" in mine) return "error" in theirs && "error" in mine;
  return findDifference(theirs.value, mine.value, ex.tolerance, ex.place) === null;
}

/**
 * The diagnosis of case `i` of `ex`, given what the student's function gave on every case; `null`
 * when that case gave no value to compare (it threw, or did not finish).
 */
export function diagnose(
  table: MistakeTable,
  ex: Exercise,
  cases: readonly CaseEvidence[],
  i: number,
): Diagnosis | null {
  const mine = cases[i].outcome;
  if (mine === null || !("value" in mine)) return null;
  const judged = cases.flatMap((c, k) =>
    c.outcome !== null && (cases[i].hidden || !c.hidden) ? [{ k, outcome: c.outcome }] : []
  );
  const considered = MISTAKES.filter((m) => table.outcomes.get(m.id)?.has(ex.name));
  const matched = considered.filter((m) => {
    const theirs = table.outcomes.get(m.id)!.get(ex.name)!;
    return judged.every(({ k, outcome }) => agree(theirs[k], outcome, ex));
  });
  if (matched.length === 1) return { kind: "one", mistake: matched[0] };
  if (matched.length > 1) return { kind: "several", mistakes: matched };
  return { kind: "none", considered: considered.length };
}

/** Where a mistake is in the chapter: `In [13]: H = nd.tanh(…)`. */
export function chapterPlace(m: Mistake): string {
  return `${m.cell}: ${m.chapterLine}`;
}

/** The diagnosis in words, for the text report and Gradescope: its lines. */
export function diagnosisLines(d: Diagnosis, ex: Exercise): string[] {
  switch (d.kind) {
    case "one":
      return [
        `Diagnosis: your output is what the chapter's code gives with one known mistake: ` +
        `${d.mistake.name}.`,
        `  The chapter, ${chapterPlace(d.mistake)}`,
        `  ${d.mistake.advice}`,
      ];
    case "several":
      return [
        `Diagnosis: your output is what each of ${d.mistakes.length} known mistakes gives; ` +
        "these cases cannot tell them apart:",
        ...d.mistakes.map((m) => `  - ${m.name} (the chapter, ${chapterPlace(m)})`),
      ];
    case "none":
      return [
        `Diagnosis: your output matches none of the ${d.considered} known mistakes of ` +
        `${ex.name}, so none is named: compare your code with the chapter's ${
          ex.title.split(" ").slice(0, 2).join(" ")
        }.`,
      ];
  }
}
