/**
 * The verdict on one case from what the submission's function gave: whether it passed, and the
 * feedback that teaches when it did not. For a public case: the first difference with both values,
 * both shapes and dtypes, the largest errors against the tolerance, both tensors printed as the
 * chapter prints them (a sampler's first differing batch, X beside Y); for a hidden case, only the
 * property that differs. Then, for both, the mistake of the catalogue the output matches, if one
 * does (`mistakes/diagnose.ts`), and the exercise's hint. For `trainRnn`, the student's curve
 * beside the expected one (the expected one for public cases only).
 *
 * Nothing a hidden case expects is in its feedback: not a value, a shape, a dtype or a count.
 *
 * @module
 */

import type { Value } from "./codec.ts";
import type { Exercise } from "./exercises/mod.ts";
import {
  type CaseEvidence,
  diagnose,
  type Diagnosis,
  diagnosisLines,
} from "./mistakes/diagnose.ts";
import type { MistakeTable, Outcome } from "./mistakes/table.ts";
import { findDifference } from "./value_diff.ts";

/** A per-epoch perplexity curve: the student's, and the expected one where it may be shown. */
export interface Curve {
  /** The student's perplexity after each epoch. */
  yours: number[];
  /** The expected perplexity after each epoch; `null` for a hidden case. */
  expected: number[] | null;
}

/** The verdict on a case, before points. */
export interface Judgement {
  /** What was wrong, the diagnosis and the hint; empty when the case passed. */
  feedback: string;
  /** What the outputs say about the mistake; `null` when passed or when there is no value. */
  diagnosis: Diagnosis | null;
  /** For `trainRnn`: the curves. */
  curve: Curve | null;
  /**
   * A digest of what the submission gave when it was wrong (its value, numbers to 6 significant
   * digits, or what it threw); empty when the case passed. Two students with the same digest on a
   * hidden case reached the very same wrong output: the similarity check's behavioural signal.
   */
  wrongOutput: string;
}

/** Said in place of a hidden case's expected values. */
const HIDDEN_NOTE = "(A hidden case shows what differs, never the expected values.)";

/** A short digest of `text` (FNV-1a, 32 bits): enough to tell two outputs apart. */
function digest(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** `outcome` as text for `digest`: numbers to 6 significant digits, so float noise does not count. */
function outcomeText(outcome: Outcome): string {
  if ("error" in outcome) return `threw ${outcome.error}`;
  return JSON.stringify(
    outcome.value,
    (_, x) => typeof x === "number" && Number.isFinite(x) ? Number(x.toPrecision(6)) : x,
  );
}

function numbers(v: Value): number[] | null {
  return Array.isArray(v) && v.every((x) => typeof x === "number") ? v as number[] : null;
}

/**
 * Judges case `i` of `ex`: the submission gave `outcome`, `expected` was due; `evidence` is what it
 * gave on every case of the exercise, for the diagnosis.
 */
export function judgeCase(
  ex: Exercise,
  i: number,
  outcome: Outcome,
  expected: Value,
  evidence: readonly CaseEvidence[],
  table: MistakeTable,
): Judgement {
  const hidden = ex.cases[i].hidden;
  const yours = "value" in outcome ? numbers(outcome.value) : null;
  const curve = ex.name === "trainRnn" && yours !== null
    ? { yours, expected: hidden ? null : numbers(expected) }
    : null;
  if ("error" in outcome) {
    return {
      feedback: `${ex.name} threw ${outcome.error}\nHint: ${ex.hint}`,
      diagnosis: null,
      curve,
      wrongOutput: digest(outcomeText(outcome)),
    };
  }
  const d = findDifference(expected, outcome.value, ex.tolerance, ex.place);
  if (d === null) return { feedback: "", diagnosis: null, curve, wrongOutput: "" };
  const diagnosis = diagnose(table, ex, evidence, i);
  const shown = ex.shown?.(expected, outcome.value, d) ?? d.printed;
  const lines = [
    ...(hidden ? [d.property, HIDDEN_NOTE] : [d.line, ...d.more, ...shown]),
    ...(diagnosis === null ? [] : diagnosisLines(diagnosis, ex)),
    `Hint: ${ex.hint}`,
  ];
  return {
    feedback: lines.join("\n"),
    diagnosis,
    curve,
    wrongOutput: digest(outcomeText(outcome)),
  };
}
