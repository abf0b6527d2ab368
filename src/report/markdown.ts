/**
 * Markdown tables, as the benchmarks, the sweeps' summaries and the class summary write them:
 * `| a | b |` rows under a `| --- | ---: |` rule.
 *
 * @module
 */

/** Text for a Markdown table cell: no pipes or line breaks. */
export function mdCell(text: string): string {
  return text.replaceAll("|", "\\|").replace(/\r?\n/g, " ");
}

/** One Markdown table row, `| a | b |`, each cell through {@linkcode mdCell}. */
export function markdownRow(cells: readonly string[]): string {
  return `| ${cells.map(mdCell).join(" | ")} |`;
}

/** A Markdown table: the head, the rule (`right[i]` right-aligns column i), the rows. */
export function markdownTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  right: readonly boolean[] = [],
): string {
  const rule = head.map((_, i) => right[i] ? "---:" : "---");
  return [head, rule, ...rows].map(markdownRow).join("\n");
}

/** A Markdown code block holding `text` verbatim: fenced longer than any backtick run in it. */
export function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}text\n${text}\n${fence}`;
}
