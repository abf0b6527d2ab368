// How long the chapter's run takes, as the README, docs/training.md and the notebook quote it: one
// range, the one bench/results/ measured (the 200-epoch run on the 2-core machine, and the 20-epoch
// end-to-end runs scaled to 200 under the loads they ran at), never a single number of its own.

import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "./_helpers.ts";

const RESULTS = join(ROOT, "bench", "results");

/** An end-to-end result's row, as the older files and the protocol's write it. */
interface E2eRow {
  engine: string;
  processSeconds: number | { median: number };
  runs?: { processSeconds: number }[];
}

/** The minutes the chapter's 200 epochs took on the 2-core machine, each measurement in results. */
function measuredMinutes(): number[] {
  const files = [...Deno.readDirSync(RESULTS)].map((e) => e.name);
  const minutes: number[] = [];
  for (const name of files.filter((n) => /^train-200-epochs-.*2core.*\.json$/.test(n))) {
    minutes.push(JSON.parse(Deno.readTextFileSync(join(RESULTS, name))).totalSeconds / 60);
  }
  for (const name of files.filter((n) => /^e2e-.*-wasm-chapter.*\.json$/.test(n))) {
    const result = JSON.parse(Deno.readTextFileSync(join(RESULTS, name)));
    // Every rnnlab row (1 thread, and 2 since issue 26), every round: the protocol's rows keep
    // each round's run; the older files, one number.
    const rows: E2eRow[] = result.rows.filter((r: E2eRow) => r.engine.startsWith("rnnlab"));
    for (const row of rows) {
      const seconds = row.runs?.map((r) => r.processSeconds) ?? [row.processSeconds as number];
      minutes.push(...seconds.map((s) => (s * 200) / result.config.epochs / 60));
    }
  }
  return minutes;
}

/** The minutes of the chapter's 200 epochs on a GPU (the H200, fused trainer). */
function gpuMinutes(): number[] {
  return [...Deno.readDirSync(RESULTS)].map((e) => e.name)
    .filter((n) => /^train-200-epochs-.*h200.*\.json$/.test(n))
    .map((n) => JSON.parse(Deno.readTextFileSync(join(RESULTS, n))).totalSeconds / 60);
}

/** The notebook's Markdown cells, as one text. */
function notebookMarkdown(): string {
  const notebook = JSON.parse(Deno.readTextFileSync(join(ROOT, "notebooks", "rnn_scratch.ipynb")));
  return notebook.cells
    .filter((c: { cell_type: string }) => c.cell_type === "markdown")
    .map((c: { source: string[] }) => c.source.join(""))
    .join("\n");
}

Deno.test("README, docs/training.md and the notebook quote the chapter's run time as bench/results/ measured it", () => {
  const minutes = measuredMinutes();
  assert.ok(minutes.length >= 2, "bench/results/ holds the measurements");
  const range = `${Math.floor(Math.min(...minutes))}–${Math.ceil(Math.max(...minutes))} minutes`;
  const pages: [string, string][] = [
    ["README.md", Deno.readTextFileSync(join(ROOT, "README.md"))],
    ["docs/training.md", Deno.readTextFileSync(join(ROOT, "docs", "training.md"))],
    ["notebooks/rnn_scratch.ipynb", notebookMarkdown()],
  ];
  for (const [page, text] of pages) {
    const flat = text.replace(/\s+/g, " ");
    assert.ok(flat.includes(range), `${page} quotes ${range}`);
    assert.match(flat, /bench\/results\//, `${page} says where the numbers come from`);
    // No figure of its own: every "N minutes" is the range, or one of the measurements.
    for (const [claim, n] of flat.matchAll(/(?<![–.\d])(\d+(?:\.\d+)?) minutes?/g)) {
      const near = [...minutes, ...gpuMinutes()].some((m) => Math.abs(m - Number(n)) < 0.1);
      assert.ok(near || range.endsWith(claim), `${page}: "${claim}" is no measurement`);
    }
  }
});
