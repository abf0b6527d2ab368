/**
 * A submission's feedback as a self-contained HTML page (`../report/html.ts`), for the student: the
 * score by exercise, then every case, a failed one with the known mistake its output matches (its
 * name, the chapter's line, the advice), what differs (tensors printed as the chapter prints them),
 * the hint, and for `trainRnn` the student's perplexity curve drawn against the expected one. It
 * shows what the report holds and nothing more: a hidden case's feedback already names no
 * expected value (`judge.ts`), and its curve is the student's alone.
 *
 * `deno task grade SUBMISSION --html FILE` writes one; grading a class writes one per student.
 * Vega, which draws the curve, is loaded only for a page that has one.
 *
 * @module
 */

import type { CaseResult, ExerciseResult, GradeReport } from "./grader.ts";
import { chapterPlace, type Diagnosis } from "./mistakes/diagnose.ts";
import { curveTable, nameText, notesOf, points, submissionNotes, visible } from "./feedback.ts";
import {
  escapeHtml,
  figure,
  type Html,
  htmlPage,
  htmlTable,
  num,
  raw,
  type Section,
} from "../report/html.ts";

const STYLE = `
.case { border: 1px solid var(--line); border-radius: 8px; padding: .6rem .8rem; margin: .8rem 0; }
.case.ok { padding: .3rem .8rem; }
.case > * + * { margin-top: .6rem; }
.case h3 { font-size: .95rem; margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.verdict { font-weight: 700; margin-right: .4rem; }
.ok .verdict { color: var(--ok); }
.fail .verdict { color: var(--bad); }
.vis { color: var(--muted); font-weight: 400; margin-right: .4rem; }
pre { margin: 0; padding: .5rem .6rem; background: var(--head); border-radius: 6px;
  overflow-x: auto; font: 12.5px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas,
  "Noto Sans Mono CJK SC", monospace; }
.diagnosis { border-left: 4px solid #9a6700; background: #fff8e6; padding: .5rem .7rem;
  border-radius: 0 6px 6px 0; }
.diagnosis.none { border-left-color: var(--line); background: var(--head); }
.diagnosis p { margin: .2rem 0; }
.diagnosis code, .hint code { overflow-wrap: anywhere; }
.hint { color: var(--muted); font-size: .9rem; margin: 0; }
details summary { cursor: pointer; color: var(--ok); }
@media (max-width: 600px) { pre { font-size: 11.5px; } }
`;

/** The mistake named, the ones it could be, or that none matched. */
function diagnosisBox(d: Diagnosis, ex: ExerciseResult): Html {
  const code = (text: string) => `<code>${escapeHtml(text)}</code>`;
  switch (d.kind) {
    case "one":
      return raw(
        `<div class="diagnosis"><p>Known mistake: <strong>${escapeHtml(d.mistake.name)}</strong>` +
          `</p><p>The chapter, ${escapeHtml(d.mistake.cell)}: ${code(d.mistake.chapterLine)}</p>` +
          `<p>${escapeHtml(d.mistake.advice)}</p></div>`,
      );
    case "several":
      return raw(
        `<div class="diagnosis"><p>Your output is what each of ${d.mistakes.length} known ` +
          `mistakes gives; these cases cannot tell them apart:</p><ul>${
            d.mistakes.map((m) =>
              `<li><strong>${escapeHtml(m.name)}</strong> (the chapter, ${
                escapeHtml(chapterPlace(m))
              })</li>`
            ).join("")
          }</ul></div>`,
      );
    case "none":
      return raw(
        `<div class="diagnosis none"><p>Your output matches none of the ${d.considered} known ` +
          `mistakes of ${escapeHtml(ex.name)}, so none is named.</p></div>`,
      );
  }
}

/** A failed case's feedback less its diagnosis (shown in its box) and hint: what differs. */
function splitFeedback(c: CaseResult): { differs: string; hint: string } {
  const lines = c.feedback.split("\n");
  const hint = lines.at(-1)!.startsWith("Hint: ") ? lines.pop()!.slice(6) : "";
  const diagnosis = c.diagnosis === null
    ? -1
    : lines.findLastIndex((l) => l.startsWith("Diagnosis: "));
  return { differs: (diagnosis < 0 ? lines : lines.slice(0, diagnosis)).join("\n"), hint };
}

/** The curve of a `trainRnn` case: a figure of the student's against the expected, and a table. */
async function curveBlock(c: CaseResult): Promise<Html[]> {
  const curve = c.curve!;
  const { plotPair } = await import("../report/plot.ts");
  const points = (xs: number[]) => xs.map((perplexity, i) => ({ epoch: i + 1, perplexity }));
  const series = [
    { name: "yours", curve: points(curve.yours) },
    ...(curve.expected === null ? [] : [{ name: "expected", curve: points(curve.expected) }]),
  ];
  const plot = await plotPair({ title: "perplexity per epoch", series });
  const { head, rows } = curveTable(curve);
  return [
    figure(plot),
    htmlTable(head, rows.map((r) => r.map((cell, i) => i > 0 ? num(cell) : cell))),
  ];
}

/** One case: its verdict and, when it failed, what differs and why. */
async function caseBlock(c: CaseResult, ex: ExerciseResult): Promise<Html> {
  const title = `<h3><span class="verdict">${c.passed ? "ok" : "FAIL"}</span><span class="vis">${
    c.hidden ? "hidden" : "public"
  }</span>${escapeHtml(visible(c.name))}</h3>`;
  const parts = [title];
  if (!c.passed) {
    const { differs, hint } = splitFeedback(c);
    if (c.diagnosis !== null) parts.push(diagnosisBox(c.diagnosis, ex).html);
    parts.push(`<pre>${escapeHtml(visible(differs))}</pre>`);
    if (hint !== "") parts.push(`<p class="hint">Hint: ${escapeHtml(hint)}</p>`);
  }
  if (c.curve !== null) parts.push(...(await curveBlock(c)).map((h) => h.html));
  for (const note of notesOf(c)) parts.push(`<pre>${escapeHtml(visible(note))}</pre>`);
  return raw(`<div class="case ${c.passed ? "ok" : "fail"}">${parts.join("\n")}</div>`);
}

/**
 * The feedback page of a report; `who` names the student (or the file) in its title. Without a
 * report (a submission that could not be graded), the page says `why`.
 */
export async function feedbackPage(
  report: GradeReport | null,
  who: string,
  why = "",
): Promise<string> {
  if (report === null) {
    return htmlPage({
      title: `Feedback: ${nameText(who)}`,
      sections: [{ heading: "Not graded", body: raw(`<p>${escapeHtml(visible(why))}</p>`) }],
      style: STYLE,
    });
  }
  const summary = htmlTable(
    ["exercise", "the chapter's cell", "points", "cases passed"],
    report.exercises.map((ex) => [
      ex.name,
      ex.title,
      `${points(ex.score)}/${points(ex.maxScore)}`,
      `${ex.cases.filter((c) => c.passed).length}/${ex.cases.length}`,
    ]),
  );
  const noted = submissionNotes(report);
  const sections: Section[] = [
    { heading: "Score", body: summary },
    ...(noted.length === 0 ? [] : [{
      heading: "About the submission",
      body: raw(`<pre>${escapeHtml(visible(noted.join("\n")))}</pre>`),
    }]),
  ];
  for (const ex of report.exercises) {
    const blocks = await Promise.all(ex.cases.map((c) => caseBlock(c, ex)));
    // An exercise with nothing to say (all passed, no curve, nothing printed) folds away.
    const quiet = ex.cases.every((c) => c.passed && c.curve === null && notesOf(c).length === 0);
    sections.push({
      heading: `${ex.name} · ${ex.title} · ${points(ex.score)}/${points(ex.maxScore)}`,
      body: quiet
        ? raw(
          `<details><summary>all ${ex.cases.length} cases passed</summary>${
            blocks.map((b) => b.html).join("\n")
          }</details>`,
        )
        : blocks,
    });
  }
  return htmlPage({
    title: `Feedback: ${nameText(who)}`,
    subtitle: `${nameText(report.submission)} · ${points(report.score)}/${
      points(report.maxScore)
    } points`,
    sections,
    style: STYLE,
  });
}
