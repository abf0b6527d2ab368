/**
 * Self-contained HTML reports: one file with its styles inline and its plots as SVG rendered
 * beforehand (`plot.ts`), so it opens anywhere with no network and no script. The layout reads on
 * a laptop and on a phone: the text column narrows, plots scale to the width, and a wide table
 * scrolls sideways inside its own box.
 *
 * The pages themselves (a run, a sweep, a comparison) are composed where their data lives; this
 * module holds what they share: the page, tables, key-value lists and figures.
 *
 * @module
 */

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Markup that is already HTML, as opposed to text that must be escaped. */
export interface Html {
  /** The markup. */
  html: string;
  /** A class for the table cell or list entry that holds it. */
  cls?: string;
}

/** Marks `html` as markup to insert as it is. */
export function raw(html: string, cls?: string): Html {
  return { html, ...(cls && { cls }) };
}

/** A number already formatted (`12.3`, `4.5 ± 0.2`): right-aligned in a table. */
export function num(text: string): Html {
  return raw(escapeHtml(text), "num");
}

/** A table cell: text (escaped), a number (right-aligned), nothing (a dash), or markup. */
export type Cell = string | number | null | Html;

/** `<tag class=… data-label=…>content</tag>` for a cell's value. */
function element(tag: string, value: Cell, label?: string): string {
  const { html, cls } = value === null
    ? { html: "—", cls: "none" }
    : typeof value === "number"
    ? num(String(value))
    : typeof value === "string"
    ? { html: escapeHtml(value), cls: undefined }
    : value;
  const labelled = label === undefined ? "" : ` data-label="${escapeHtml(label)}"`;
  return `<${tag}${cls ? ` class="${cls}"` : ""}${labelled}>${html}</${tag}>`;
}

/**
 * A table with a header row, in a box that scrolls sideways when it is wider than the page; or,
 * with `stack` (for text, such as predictions), one whose rows become blocks on a phone, each cell
 * under its column's name.
 */
export function htmlTable(
  head: readonly string[],
  rows: readonly (readonly Cell[])[],
  { stack = false } = {},
): Html {
  const tr = (cells: readonly Cell[], tag: string) =>
    `<tr>${cells.map((c, i) => element(tag, c, stack ? head[i] : undefined)).join("")}</tr>`;
  return raw(
    `<div class="scroll${stack ? " stack" : ""}"><table><thead>${tr(head, "th")}</thead><tbody>${
      rows.map((r) => tr(r, "td")).join("")
    }</tbody></table></div>`,
  );
}

/** A list of names and values (a config, a machine). */
export function keyValues(entries: readonly (readonly [string, Cell])[]): Html {
  return raw(
    `<dl class="kv">${entries.map(([k, v]) => element("dt", k) + element("dd", v)).join("")}</dl>`,
  );
}

/** Text in Chinese (a prediction), marked so for fonts and screen readers. */
export function chinese(text: string): Html {
  return raw(`<span lang="zh">${escapeHtml(text)}</span>`);
}

/** A plot for a page: SVG documents for a wide page and for a phone's. */
export interface Plot {
  /** For a laptop's page (about 600 pixels wide). */
  wide: string;
  /** For a phone's (about 350 pixels wide, its text at full size). */
  narrow: string;
}

/**
 * A plot, inlined (its XML declaration dropped) in both sizes; the page shows the one that fits,
 * scaled to its width.
 */
export function figure(plot: Plot, caption?: string): Html {
  const inline = (svg: string) => svg.replace(/^<\?xml[^>]*>\s*/, "");
  return raw(
    `<figure><div class="plot-wide">${inline(plot.wide)}</div>` +
      `<div class="plot-narrow">${inline(plot.narrow)}</div>` +
      `${caption ? `<figcaption>${escapeHtml(caption)}</figcaption>` : ""}</figure>`,
  );
}

/** A section of a page: a heading and its content. */
export interface Section {
  /** The heading. */
  heading: string;
  /** The content. */
  body: Html | Html[];
}

/** The look of every page rnnlab writes (reports, comparisons, the web page), as CSS. */
export const PAGE_STYLE = `
:root { color-scheme: light; --fg: #1b1b1b; --muted: #5f6368; --line: #d9dce0; --bg: #fff;
  --head: #f3f4f6; --ok: #1a7f37; --bad: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); line-height: 1.45;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC",
  "PingFang SC", "Microsoft YaHei", sans-serif; }
main { max-width: 62rem; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
h1 { font-size: 1.45rem; margin: 0 0 .25rem; overflow-wrap: anywhere; }
h2 { font-size: 1.1rem; margin: 2rem 0 .6rem; padding-bottom: .2rem;
  border-bottom: 1px solid var(--line); }
p.sub { margin: 0 0 1rem; color: var(--muted); overflow-wrap: anywhere; }
section > * + * { margin-top: .8rem; }
figure { margin: 0; }
figure svg { display: block; width: 100%; max-width: 46rem; height: auto; }
.plot-narrow { display: none; }
figcaption { color: var(--muted); font-size: .9rem; }
.scroll { display: inline-block; max-width: 100%; overflow-x: auto; vertical-align: top;
  border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { padding: .35rem .6rem; text-align: left; vertical-align: top;
  border-bottom: 1px solid var(--line); }
thead th { background: var(--head); white-space: nowrap; position: sticky; top: 0; }
tbody tr:last-child td { border-bottom: 0; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.none { color: var(--muted); }
[lang="zh"] { overflow-wrap: anywhere; white-space: pre-wrap; }
td [lang="zh"] { display: block; min-width: 12rem; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0;
  font-size: .9rem; }
dl.kv dt { color: var(--muted); }
dl.kv dd { margin: 0; overflow-wrap: anywhere; }
.status-complete { color: var(--ok); font-weight: 600; }
.status-diverged, .status-failed { color: var(--bad); font-weight: 600; }
.status-interrupted, .status-running, .status-pending { color: #9a6700; font-weight: 600; }
footer { margin-top: 2.5rem; color: var(--muted); font-size: .8rem; }
@media (max-width: 600px) {
  body { font-size: 14px; }
  main { padding: .8rem .6rem 2rem; }
  h1 { font-size: 1.2rem; }
  .plot-wide { display: none; }
  .plot-narrow { display: block; }
  figure .plot-narrow svg { max-width: 26rem; }
  .stack, .stack table, .stack tbody, .stack tr, .stack td { display: block; width: 100%; }
  .stack thead { display: none; }
  .stack tr { border-bottom: 1px solid var(--line); padding: .3rem 0; }
  .stack tr:last-child { border-bottom: 0; }
  .stack td { display: grid; grid-template-columns: 5rem 1fr; gap: .5rem; border: 0;
    padding: .1rem .6rem; }
  .stack td::before { content: attr(data-label); color: var(--muted); }
  .stack td [lang="zh"] { min-width: 0; }
}
`;

/** A status word, coloured by what it means. */
export function statusCell(status: string): Html {
  return raw(escapeHtml(status), `status-${escapeHtml(status)}`);
}

/** A whole page: a title, a line under it, and its sections. */
export function htmlPage(page: { title: string; subtitle?: string; sections: Section[] }): string {
  const body = page.sections.map((s) =>
    `<section><h2>${escapeHtml(s.heading)}</h2>\n${
      [s.body].flat().map((b) => b.html).join("\n")
    }</section>`
  ).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(page.title)}</h1>
${page.subtitle ? `<p class="sub">${escapeHtml(page.subtitle)}</p>` : ""}
${body}
<footer>Written by rnnlab. This page is self-contained: it loads nothing.</footer>
</main>
</body>
</html>
`;
}
