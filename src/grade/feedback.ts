/**
 * The two forms of a {@linkcode GradeReport}: a text report for people, and Gradescope's
 * `results.json` (https://gradescope-autograders.readthedocs.io/en/latest/specs/).
 *
 * Gradescope's semantics, followed exactly: a test is shown to students `visible` at once,
 * `after_due_date`, `after_published` (once grades are published), or `hidden` (never); while any
 * test is still held back (`after_due_date`, `after_published`), students do not see the total
 * score, but `hidden` tests do not hold it back, "since they should only be used for tests which
 * don't contribute points". So public cases are `visible` tests; hidden cases get the visibility
 * chosen, and when it is `hidden`, their points move to one `after_published` test of their own,
 * which keeps the total back until publication. Nothing shown before then depends on a hidden
 * case's outcome: the top-level `output` speaks of public cases only, there is no
 * `execution_time` (a hidden case's time would show in it), and the grader's stdout (the text
 * report) is for instructors (`stdout_visibility: hidden`).
 *
 * Each test's `output` is Markdown (`output_format: md`): the known mistake in bold when one is
 * named, the feedback verbatim in a code block (tensors keep their columns), `trainRnn`'s curve as
 * a table, and what the submission printed in a code block of its own, so that nothing a
 * submission wrote is read as Markdown or HTML.
 *
 * Whatever a submission wrote (its output, its error messages, its file names) may hold terminal
 * control sequences; both forms show every control and bidirectional-formatting character
 * escaped ({@linkcode visible}).
 *
 * @module
 */

import type { CaseResult, ExerciseResult, GradeReport } from "./grader.ts";
import type { Curve } from "./judge.ts";
import { sig } from "./value_diff.ts";
import type { WallKind } from "./wall.ts";
import { fenced, markdownTable } from "../report/markdown.ts";
import { textTable } from "../report/text_table.ts";

/** When students see a test. */
export type Visibility = "visible" | "after_due_date" | "after_published" | "hidden";

/** When students see the hidden cases: any visibility but `visible`. */
export type HiddenVisibility = Exclude<Visibility, "visible">;

/** The choices of {@linkcode HiddenVisibility}, as `--hidden-visibility` takes them. */
export const HIDDEN_VISIBILITIES: readonly HiddenVisibility[] = [
  "after_published",
  "after_due_date",
  "hidden",
];

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
  /** `md`: the feedback and the output in code blocks, the curve a table. */
  output_format: "md" | "text";
  /** `visible` for public cases, else the hidden visibility chosen. */
  visibility: Visibility;
}

/** Gradescope's `results.json`. */
export interface GradescopeResults {
  /** Points earned in all. */
  score: number;
  /** Text about the whole submission, its public cases only. */
  output: string;
  /** Always `text`. */
  output_format: "text";
  /** Always `hidden`: the grader's stdout is for instructors. */
  stdout_visibility: "hidden";
  /** The wall the submission ran in (`bubblewrap`, or Deno's `permissions` alone). */
  sandbox: WallKind;
  /** One test per case. */
  tests: GradescopeTest[];
}

// C0 and C1 controls but tab and newline, DEL, and Unicode's invisible and bidirectional formatting.
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** `text` with every control and formatting character but tab and newline written as `\xNN`/`\uNNNN`. */
export function visible(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/**
 * A file name as text in a report: {@linkcode visible}, and tab, newline and carriage return
 * escaped too, so that a name can neither start a line nor reorder the text around it.
 */
export function nameText(name: string): string {
  return visible(name).replaceAll("\t", "\\x09").replaceAll("\n", "\\x0a");
}

/** Points as the reports print them: an integer, or two decimals less a trailing zero. */
export function points(x: number): string {
  return Number.isInteger(x) ? `${x}` : x.toFixed(2).replace(/0$/, "");
}

/** A perplexity as the curve's table prints it: six significant digits. */
const perplexityText = (x: number) => `${Number(x.toPrecision(6))}`;

/**
 * The rows of a `trainRnn` case's curve: epoch, yours, and where the case is public, the expected
 * perplexity and the relative error.
 */
export function curveTable(curve: Curve): { head: string[]; rows: string[][] } {
  const { yours, expected } = curve;
  const epochs = Math.max(yours.length, expected?.length ?? 0);
  const cell = (xs: number[], e: number) => e < xs.length ? perplexityText(xs[e]) : "–";
  const rows = Array.from({ length: epochs }, (_, e) => {
    const row = [`${e + 1}`, cell(yours, e)];
    if (expected === null) return row;
    const error = e < yours.length && e < expected.length
      ? sig(Math.abs(yours[e] - expected[e]) / Math.abs(expected[e]))
      : "–";
    return [...row, cell(expected, e), error];
  });
  const head = ["epoch", "yours"];
  return { head: expected === null ? head : [...head, "expected", "relative error"], rows };
}

/** The notes under a case: the primitives replaced, what the submission printed. */
export function notesOf(c: CaseResult): string[] {
  const notes: string[] = [];
  if (c.referencePrimitives.length > 0) {
    notes.push(`(trained with the reference's ${c.referencePrimitives.join(", ")}: yours failed)`);
  }
  if (c.output.trim() !== "") notes.push(`Your code printed:\n${c.output.trimEnd()}`);
  return notes;
}

function caseText(c: CaseResult): string {
  const parts = [c.passed ? "passed" : c.feedback];
  if (c.curve !== null) {
    const { head, rows } = curveTable(c.curve);
    parts.push(textTable(head, rows, head.map((_, i) => i > 0)));
  }
  return [...parts, ...notesOf(c)].join("\n");
}

/** A case for Gradescope's Markdown: the mistake named, the feedback verbatim, the curve, notes. */
function caseMarkdown(c: CaseResult): string {
  const parts: string[] = [];
  if (c.diagnosis?.kind === "one") {
    const m = c.diagnosis.mistake;
    parts.push(`**Known mistake: ${m.name}** (the chapter, ${m.cell}: \`${m.chapterLine}\`)`);
  }
  parts.push(c.passed ? "passed" : fenced(c.feedback));
  if (c.curve !== null) {
    const { head, rows } = curveTable(c.curve);
    parts.push(markdownTable(head, rows, head.map((_, i) => i > 0)));
  }
  for (const note of notesOf(c)) {
    const [first, ...rest] = note.split("\n");
    parts.push(rest.length === 0 ? first : `${first}\n\n${fenced(rest.join("\n"))}`);
  }
  return parts.join("\n\n");
}

/** What concerns the whole submission: files left out, why it did not run, the type advice. */
export function submissionNotes(report: GradeReport): string[] {
  const lines: string[] = [];
  const section = (title: string, items: string[]) => {
    if (items.length === 0) return;
    lines.push(title, ...items.flatMap((item) => item.split("\n").map((l) => `  ${l}`)));
  };
  section(
    "Left out of the copy that was graded:",
    report.leftOut.map(({ path, why }) => `${path}: ${why}`),
  );
  section("The submission was not run:", report.rejected);
  section("The submission could not be loaded:", report.loadErrors);
  section("Type check (advice: it costs no points):", report.advice);
  return lines;
}

const count = (cases: CaseResult[]) => `${cases.filter((c) => c.passed).length}/${cases.length}`;
const sum = (cases: CaseResult[], f: (c: CaseResult) => number) =>
  Math.round(cases.reduce((s, c) => s + f(c), 0) * 1e6) / 1e6;

/** The top-level output: the public cases' results and the notes, nothing of a hidden case. */
function publicSummary(report: GradeReport, hidden: HiddenVisibility): string {
  const all = report.exercises.flatMap((ex) => ex.cases);
  const shown = all.filter((c) => !c.hidden);
  const held = all.length - shown.length;
  const when = hidden === "after_due_date" ? "after the due date" : "when grades are published";
  const lines = held === 0 ? [`Score ${points(report.score)}/${points(report.maxScore)}`] : [
    `Public cases: ${points(sum(shown, (c) => c.score))}/${
      points(sum(shown, (c) => c.maxScore))
    } points, ${count(shown)} passed. The ${held} hidden cases (${
      points(sum(all, (c) => c.maxScore) - sum(shown, (c) => c.maxScore))
    } points) and the total are shown ${when}.`,
  ];
  for (const ex of report.exercises) {
    lines.push(
      `${ex.name} (${ex.title}): public cases ${count(ex.cases.filter((c) => !c.hidden))}`,
    );
  }
  return visible([...lines, ...submissionNotes(report)].join("\n"));
}

function test(ex: ExerciseResult, e: number, c: CaseResult, i: number, vis: Visibility) {
  return {
    name: visible(`${ex.name}: ${c.name}`),
    number: `${e + 1}.${i + 1}`,
    score: c.score,
    max_score: c.maxScore,
    status: c.passed ? "passed" : "failed",
    output: visible(caseMarkdown(c)),
    output_format: "md",
    visibility: vis,
  } satisfies GradescopeTest;
}

/** Gradescope's `results.json` for a report; hidden cases are shown to students `hidden`. */
export function gradescopeResults(
  report: GradeReport,
  hidden: HiddenVisibility = "after_published",
): GradescopeResults {
  const tests: GradescopeTest[] = report.exercises.flatMap((ex, e) =>
    ex.cases.map((c, i) => test(ex, e, c, i, c.hidden ? hidden : "visible"))
  );
  const held = report.exercises.flatMap((ex) => ex.cases.filter((c) => c.hidden));
  if (hidden === "hidden" && held.length > 0) {
    for (const t of tests) {
      if (t.visibility === "hidden") [t.score, t.max_score] = [0, 0]; // their points are below
    }
    tests.push({
      name: "hidden cases",
      number: `${report.exercises.length + 1}.1`,
      score: sum(held, (c) => c.score),
      max_score: sum(held, (c) => c.maxScore),
      status: held.every((c) => c.passed) ? "passed" : "failed",
      output:
        `The points of the ${held.length} hidden cases; the cases themselves are never shown.`,
      output_format: "text",
      visibility: "after_published",
    });
  }
  return {
    score: report.score,
    output: publicSummary(report, hidden),
    output_format: "text",
    stdout_visibility: "hidden",
    sandbox: report.sandbox,
    tests,
  };
}

/** The text report: the notes, per exercise its points and cases, and each failed case's feedback. */
export function textReport(report: GradeReport): string {
  const lines = [`rnnlab autograder: ${nameText(report.submission)}`, ""];
  const noted = submissionNotes(report);
  if (noted.length > 0) lines.push(...noted, "");
  for (const ex of report.exercises) {
    lines.push(
      `${ex.name} (${ex.title})  ${points(ex.score)}/${points(ex.maxScore)}  ${
        count(ex.cases)
      } cases`,
    );
    for (const c of ex.cases) {
      lines.push(`  ${c.passed ? "ok  " : "FAIL"} ${c.hidden ? "hidden" : "public"}  ${c.name}`);
      const detail = caseText(c).split("\n").slice(c.passed ? 1 : 0);
      lines.push(...detail.map((l) => `         ${l}`));
    }
    lines.push("");
  }
  lines.push(
    `Score ${points(report.score)}/${points(report.maxScore)} (graded in ${
      report.seconds.toFixed(1)
    } s)`,
  );
  return visible(lines.join("\n"));
}
