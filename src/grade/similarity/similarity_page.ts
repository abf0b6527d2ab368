/**
 * `similarity.html`: the similarity check as a page for a human to read, self-contained like the
 * project's other pages (`src/report/html.ts`). A summary, the distribution of the pairs'
 * similarity, the table of the most similar pairs, and the top pairs side by side with their
 * common runs highlighted, each run in the same colour and with the same number in both files. On
 * a phone the two files stack. Everything a student wrote is escaped.
 *
 * @module
 */

import {
  escapeHtml,
  type Html,
  htmlPage,
  htmlTable,
  keyValues,
  num,
  raw,
  type Section,
} from "../../report/html.ts";
import { type Finding, percent } from "./findings.ts";
import type { Compared, SimilarityResult, Span } from "./similarity.ts";

/** How many pairs the table lists, and how many are shown side by side (flagged ones first). */
const TABLE_ROWS = 50;
const SIDE_BY_SIDE = 12;
const COLOURS = 8;

const STYLE = `
.sbs { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: .8rem; }
.side h3 { font-size: .9rem; margin: 0 0 .3rem; overflow-wrap: anywhere; }
pre.code { margin: 0; max-height: 36rem; overflow: auto; padding: .4rem .5rem; background: #fafafa;
  border: 1px solid var(--line); border-radius: 6px; font: 12px/1.45 ui-monospace, "Noto Sans Mono",
  "DejaVu Sans Mono", monospace; }
.ln { display: inline-block; width: 2.6em; margin-right: .6em; color: #9aa0a6; text-align: right;
  user-select: none; }
mark { border-radius: 2px; color: inherit; }
.m0 { background: #ffe08a; } .m1 { background: #b7e4c7; } .m2 { background: #bde0fe; }
.m3 { background: #f8c4d8; } .m4 { background: #d7c6f5; } .m5 { background: #fcd5b5; }
.m6 { background: #c9f0ef; } .m7 { background: #e5e5a8; }
.tag { font: 600 9px/1 system-ui, sans-serif; vertical-align: super; padding: 0 2px;
  border-radius: 3px; background: #1b1b1b; color: #fff; margin-right: 1px; }
.flag { color: var(--bad); font-weight: 600; }
.bar { display: inline-block; height: .7rem; background: #5f6368; vertical-align: middle; }
@media (max-width: 600px) { .sbs { grid-template-columns: minmax(0, 1fr); } }
`;

/** `text` as HTML with line numbers, the spans of `marks` highlighted and numbered. */
function codeView(text: string, marks: { span: Span; n: number; title: string }[]): string {
  const sorted = [...marks].sort((a, b) => a.span.start - b.span.start);
  let html = "";
  let at = 0;
  for (const m of sorted) {
    html += escapeHtml(text.slice(at, m.span.start));
    html += `<mark class="m${m.n % COLOURS}" title="${escapeHtml(m.title)}">` +
      `<span class="tag">${m.n + 1}</span>${
        escapeHtml(text.slice(m.span.start, m.span.end))
      }</mark>`;
    at = m.span.end;
  }
  html += escapeHtml(text.slice(at));
  let line = 0;
  const numbered = html.split("\n").map((l) => `<span class="ln">${++line}</span>${l}`).join("\n");
  return `<pre class="code">${numbered}</pre>`;
}

/** A pair's two files side by side, its common runs numbered alike in both. */
function sideBySide(f: Finding, files: readonly Compared[]): Html {
  const { pair } = f;
  const side = (i: number, which: "a" | "b") => {
    const file = files[i].file;
    const marks = pair.matches.map((m, n) => ({
      span: m[which],
      n,
      title: `common run ${n + 1}: ${m.tokens} tokens`,
    }));
    return `<div class="side"><h3>${escapeHtml(file.student)}: ${escapeHtml(file.file)}</h3>${
      codeView(file.text, marks)
    }</div>`;
  };
  return raw(`<div class="sbs">${side(pair.a, "a")}${side(pair.b, "b")}</div>`);
}

/** What a pair's wrong outputs say, in a few words. */
function wrongText(f: Finding): string {
  if (f.wrong === null) return "—";
  return `${f.wrong.cases.length} (${f.wrong.rare.length} no one else has)`;
}

/** The histogram of the compared pairs' similarity, in tenths. */
function histogram(result: SimilarityResult): Html {
  const counts = Array.from({ length: 10 }, () => 0);
  for (const p of result.pairs) counts[Math.min(9, Math.floor(p.similarity * 10))]++;
  const most = Math.max(1, ...counts);
  return htmlTable(
    ["similarity", "pairs", ""],
    counts.map((c, i) => [
      `${i * 10}–${i * 10 + 10}%`,
      num(String(c)),
      raw(`<span class="bar" style="width:${(12 * c) / most}rem"></span>`),
    ]).reverse(),
  );
}

/** The summary: what was compared, what is flagged and at what, and what similarity means. */
function summary(result: SimilarityResult, flagged: number): Section {
  const { files, options } = result;
  const compared = files.filter((f) => !f.skipped).length;
  return {
    heading: "Summary",
    body: [
      keyValues([
        ["submissions compared", String(compared)],
        ["pairs screened", String(result.screened)],
        ["pairs compared token by token", String(result.pairs.length)],
        ["flagged for a human to read", String(flagged)],
        [
          "flag at",
          `${percent(options.threshold)} similar, or 2 wrong hidden outputs no one else has`,
        ],
        ["shortest common run counted", `${options.minMatch} tokens`],
      ]),
      raw(
        `<p>Similarity is the share of both files' own tokens (the starter's excluded) in common ` +
          `runs. A flag says where to look first; it is not a verdict, and no grade was changed.</p>`,
      ),
    ],
  };
}

/** The table of the most similar pairs. */
function pairTable(found: readonly Finding[], name: (i: number) => string): Section {
  return {
    heading: "Most similar pairs",
    body: htmlTable(
      ["#", "student a", "student b", "similarity", "same wrong hidden outputs", "flagged"],
      found.slice(0, TABLE_ROWS).map((f, i) => [
        num(String(i + 1)),
        name(f.pair.a),
        name(f.pair.b),
        num(percent(f.pair.similarity)),
        wrongText(f),
        f.reasons.length > 0
          ? raw(`<span class="flag">${escapeHtml(f.reasons.join("; "))}</span>`)
          : "—",
      ]),
      { stack: true },
    ),
  };
}

/** The page for `result` and its `found` findings. */
export function similarityPage(result: SimilarityResult, found: readonly Finding[]): string {
  const { files } = result;
  const flagged = found.filter((f) => f.reasons.length > 0);
  const shown = [...flagged, ...found.filter((f) => f.reasons.length === 0)].slice(0, SIDE_BY_SIDE);
  const skipped = files.filter((f) => f.skipped);
  const name = (i: number) => files[i].file.student;
  const sections: Section[] = [
    summary(result, flagged.length),
    {
      heading: "Distribution",
      body: [
        histogram(result),
        raw(
          `<p>The pairs compared token by token. The other ${
            result.screened - result.pairs.length
          } share too few fingerprints to come near a flag.</p>`,
        ),
      ],
    },
    pairTable(found, name),
    ...shown.map((f, i) => ({
      heading: `${i + 1}. ${name(f.pair.a)} and ${name(f.pair.b)}: ${percent(f.pair.similarity)}${
        f.reasons.length > 0 ? " (flagged)" : ""
      }`,
      body: [
        raw(
          `<p>${escapeHtml(f.reasons.join("; ") || "not flagged")}; ` +
            `${f.pair.matches.length} common runs, ${f.pair.matched} tokens.</p>`,
        ),
        sideBySide(f, files),
      ],
    })),
    ...(skipped.length === 0 ? [] : [{
      heading: "Not compared",
      body: htmlTable(["student", "why"], skipped.map((f) => [f.file.student, f.skipped ?? ""])),
    }]),
  ];
  return htmlPage({
    title: `Similarity of ${files.length} submissions`,
    subtitle: "For a human to read: a flag is a pointer, not a verdict.",
    sections,
    style: STYLE,
  });
}
