/**
 * The two forms of a {@linkcode GradeReport}: a text report for people, and Gradescope's
 * `results.json` (https://gradescope-autograders.readthedocs.io/en/latest/specs/): one test per
 * case, numbered `exercise.case`, public cases `visible`, hidden ones `after_published`.
 *
 * @module
 */

import type { CaseResult, GradeReport } from "./grader.ts";

/** One entry of Gradescope's `tests` array. */
export interface GradescopeTest {
  /** `<exercise>: <case>`. */
  name: string;
  /** `<exercise number>.<case number>`, e.g. `4.2`. */
  number: string;
  /** Points earned. */
  score: number;
  /** Points possible. */
  max_score: number;
  /** `passed` or `failed`. */
  status: "passed" | "failed";
  /** Feedback and the submission's output. */
  output: string;
  /** Always `text`. */
  output_format: "text";
  /** `visible` for public cases, else the hidden visibility chosen. */
  visibility: "visible" | "after_published" | "hidden";
}

/** Gradescope's `results.json`. */
export interface GradescopeResults {
  /** Points earned in all. */
  score: number;
  /** Seconds the grading took. */
  execution_time: number;
  /** Text about the whole submission. */
  output: string;
  /** Always `text`. */
  output_format: "text";
  /** One test per case. */
  tests: GradescopeTest[];
}

function points(x: number): string {
  return Number.isInteger(x) ? `${x}` : x.toFixed(2).replace(/0$/, "");
}

function caseText(c: CaseResult): string {
  const parts = [c.passed ? "passed" : c.feedback];
  if (c.output.trim() !== "") parts.push(`Your code printed:\n${c.output.trimEnd()}`);
  return parts.join("\n");
}

function summary(report: GradeReport): string {
  const lines = [`Score ${points(report.score)}/${points(report.maxScore)}`];
  if (report.rejected.length > 0) {
    lines.push(`The submission was not run:\n${report.rejected.join("\n")}`);
  }
  for (const ex of report.exercises) {
    const passed = ex.cases.filter((c) => c.passed).length;
    let line = `${ex.name} (${ex.title}): ${points(ex.score)}/${
      points(ex.maxScore)
    }, ${passed}/${ex.cases.length} cases`;
    if (ex.referencePrimitives.length > 0) {
      line += `; trained with the reference's ${ex.referencePrimitives.join(", ")}`;
    }
    lines.push(line);
  }
  return lines.join("\n");
}

/** Gradescope's `results.json` for a report; hidden cases get `hiddenVisibility`. */
export function gradescopeResults(
  report: GradeReport,
  hiddenVisibility: "after_published" | "hidden" = "after_published",
): GradescopeResults {
  const tests = report.exercises.flatMap((ex, e) =>
    ex.cases.map((c, i): GradescopeTest => ({
      name: `${ex.name}: ${c.name}`,
      number: `${e + 1}.${i + 1}`,
      score: c.score,
      max_score: c.maxScore,
      status: c.passed ? "passed" : "failed",
      output: caseText(c),
      output_format: "text",
      visibility: c.hidden ? hiddenVisibility : "visible",
    }))
  );
  return {
    score: report.score,
    execution_time: Math.round(report.seconds),
    output: summary(report),
    output_format: "text",
    tests,
  };
}

/** The text report: per exercise its points and cases, and the feedback of each failed case. */
export function textReport(report: GradeReport): string {
  const lines = [`rnnlab autograder: ${report.submission}`, ""];
  if (report.rejected.length > 0) lines.push(`The submission was not run:`, ...report.rejected, "");
  for (const ex of report.exercises) {
    const passed = ex.cases.filter((c) => c.passed).length;
    lines.push(
      `${ex.name} (${ex.title})  ${points(ex.score)}/${
        points(ex.maxScore)
      }  ${passed}/${ex.cases.length} cases`,
    );
    if (ex.referencePrimitives.length > 0) {
      lines.push(
        `  trained with the reference's ${ex.referencePrimitives.join(", ")} (yours failed)`,
      );
    }
    for (const c of ex.cases) {
      lines.push(`  ${c.passed ? "ok  " : "FAIL"} ${c.hidden ? "hidden" : "public"}  ${c.name}`);
      if (!c.passed || c.output.trim() !== "") {
        lines.push(
          ...caseText(c).split("\n").filter((_, i) => !c.passed || i > 0).map((l) =>
            `         ${l}`
          ),
        );
      }
    }
    lines.push("");
  }
  lines.push(
    `Score ${points(report.score)}/${points(report.maxScore)} (graded in ${
      report.seconds.toFixed(1)
    } s)`,
  );
  return lines.join("\n");
}
