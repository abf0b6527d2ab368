/**
 * rnnlab's grading API, for course staff: the chapter's eight exercises graded in a sandbox, one
 * submission ({@linkcode Grader}) or a class of them ({@linkcode gradeClass}), with feedback as
 * text ({@linkcode textReport}), as Gradescope's `results.json` ({@linkcode gradescopeResults}) or
 * as an HTML page ({@linkcode feedbackPage}), naming the student's mistake when it is one of the
 * chapter's catalogued mistakes ({@linkcode MISTAKES}).
 * `deno task grade` is a thin command line over these; docs/autograder.md says how it is safe.
 *
 * A submission is a module exporting the functions of {@linkcode Submission}, the chapter's code
 * cells in TypeScript.
 *
 * @example Grading one file
 * ```ts ignore
 * import { Grader, textReport } from "@rnnlab/rnnlab/grade";
 * import { loadCorpus, prepareCorpus } from "@rnnlab/rnnlab";
 *
 * const corpus = await loadCorpus({});
 * const grader = new Grader({ chars: prepareCorpus(corpus.text) });
 * const report = await grader.grade("./rnn_scratch.ts");
 * console.log(textReport(report)); // the score out of 100, and what to fix
 * ```
 *
 * @module
 */

export type {
  DataIterConsecutive,
  DataIterRandom,
  ExerciseName,
  GetInputs,
  GradClipping,
  Perplexity,
  PredictRnn,
  Rnn,
  RnnParams,
  Shuffler,
  Submission,
  TensorBatch,
  TrainParts,
  TrainRnn,
  TrainRnnConfig,
} from "./src/grade/contract.ts";
export { EXERCISES, type Primitive, PRIMITIVES, type Primitives } from "./src/grade/contract.ts";
export type { OtherValue, TensorValue, Value } from "./src/grade/codec.ts";
export type { Limits } from "./src/grade/sandbox.ts";
export { WALL_CHOICES, WALL_KINDS, type WallChoice, type WallKind } from "./src/grade/wall.ts";
export type { CopyLimits, LeftOut } from "./src/grade/private_copy.ts";
export type { Status, StudentRecord } from "./src/grade/class/outputs.ts";
export type { PlaceNamer } from "./src/grade/value_diff.ts";
export type { Tolerance } from "./src/tolerance.ts";
export {
  type CaseResult,
  type ExerciseResult,
  type GradeOptions,
  Grader,
  type GradeReport,
  type GraderOptions,
  LIMITS,
} from "./src/grade/grader.ts";
export {
  type GradescopeResults,
  gradescopeResults,
  type GradescopeTest,
  type HiddenVisibility,
  textReport,
  type Visibility,
} from "./src/grade/feedback.ts";
export { type ClassOptions, gradeClass, type Grades } from "./src/grade/class/class.ts";
export { feedbackPage } from "./src/grade/feedback_page.ts";
export type { Curve } from "./src/grade/judge.ts";
export type { Diagnosis } from "./src/grade/mistakes/diagnose.ts";
export type { Difference } from "./src/grade/value_diff.ts";
export { type Gradebook, GRADEBOOKS, type GradebookWritten } from "./src/grade/class/gradebook.ts";
export type { CreditWindow, LatePolicy } from "./src/grade/class/late.ts";
export type { ClassResult, StudentProgress } from "./src/grade/class/class.ts";
export { type Mistake, MISTAKES } from "./src/grade/mistakes/catalogue.ts";
export type { Case, ChapterText, Exercise } from "./src/grade/exercises/mod.ts";
