/**
 * Notebook submissions: a Jupyter notebook (nbformat 4) whose tagged code cells, in order, are the
 * submission's module, and the student notebook that `deno task grade --init DIR --notebook`
 * writes, generated from the same starter module as the `.ts` starter.
 *
 * The rule: a code cell counts when one of its tags (`metadata.tags`) is an exercise's name
 * (`rnn`, `trainRnn`, …) or {@linkcode SHARED_TAG} (imports, types and helpers the exercises
 * share); every other cell (Markdown, raw, untagged code: a student's experiments, prints and
 * plots) is ignored. What the grader reports about the module (syntax errors, the type check's
 * advice, positions in stack traces) is rewritten to name the cell and the line in it
 * ({@linkcode NotebookModule.rewrite}).
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { EXERCISES } from "./contract.ts";
import { ALLOWED_PACKAGES } from "./imports.ts";

/** The tag of the cells the exercises share: imports, types, helpers. */
export const SHARED_TAG = "shared";

/** The tags that make a code cell part of the graded module. */
export const GRADED_TAGS: readonly string[] = [SHARED_TAG, ...EXERCISES];

/** One cell of a notebook, as the grader reads it. */
export interface NotebookCell {
  /** `code`, `markdown` or `raw`. */
  cellType: "code" | "markdown" | "raw";
  /** Its source, lines joined. */
  source: string;
  /** Its `metadata.tags`. */
  tags: string[];
}

/** Whether `path` names a notebook (by its extension). */
export function isNotebookPath(path: string): boolean {
  return path.toLowerCase().endsWith(".ipynb");
}

/**
 * The cells of the nbformat 4 notebook `text`; `name` names it in the error, a one-line
 * {@linkcode UsageError} when it is not valid JSON or not a notebook. The error never quotes the
 * file (a file that is not a notebook may be anything).
 */
export function parseNotebook(text: string, name: string): NotebookCell[] {
  const fail = (why: string): never => {
    throw new UsageError(`${name} is not a Jupyter notebook: ${why}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const at = /(line \d+ column \d+|position \d+)/.exec((err as Error).message)?.[1];
    fail(`not valid JSON${at ? ` (at ${at})` : ""}`);
  }
  const isObject = (x: unknown): x is Record<string, unknown> =>
    typeof x === "object" && x !== null && !Array.isArray(x);
  if (!isObject(json)) return fail("its JSON is not an object");
  if (json.nbformat !== 4) {
    return fail(
      typeof json.nbformat === "number"
        ? `it is nbformat ${json.nbformat}; save it as nbformat 4`
        : "it has no nbformat 4 field",
    );
  }
  if (!Array.isArray(json.cells)) return fail("it has no list of cells");
  return json.cells.map((cell, i) => {
    const where = `cell ${i + 1}`;
    if (!isObject(cell)) return fail(`${where} is not an object`);
    const type = cell.cell_type;
    if (type !== "code" && type !== "markdown" && type !== "raw") {
      return fail(`${where} has cell_type ${JSON.stringify(type)?.slice(0, 40)}`);
    }
    const source = cell.source;
    const lines = typeof source === "string" ? [source] : source;
    if (!Array.isArray(lines) || !lines.every((l) => typeof l === "string")) {
      return fail(`${where}'s source is neither a string nor a list of strings`);
    }
    const metadata = cell.metadata ?? {};
    if (!isObject(metadata)) return fail(`${where}'s metadata is not an object`);
    const tags = metadata.tags ?? [];
    if (!Array.isArray(tags) || !tags.every((t) => typeof t === "string")) {
      return fail(`${where}'s tags are not a list of strings`);
    }
    return { cellType: type, source: lines.join(""), tags };
  });
}

/** A graded cell's place in the module. */
interface Placed {
  /** The tag it was taken for. */
  tag: string;
  /** How many cells before it carry the same tag, plus one. */
  ordinal: number;
  /** Its first line in the module (1-based). */
  first: number;
  /** How many lines it spans there. */
  lines: number;
}

/** The module a notebook's graded cells make, and how to point from the module back into them. */
export class NotebookModule {
  /** The module's source: the graded cells, in order. */
  readonly text: string;
  /** The notebook's name, as messages call it. */
  readonly name: string;
  #cells: Placed[] = [];
  #ambiguous = new Set<string>();

  /** Takes the graded cells of `cells` (see the module's rule) from the notebook called `name`. */
  constructor(cells: NotebookCell[], name: string) {
    this.name = name;
    const seen = new Map<string, number>();
    const parts: string[] = [];
    let line = 1;
    for (const cell of cells) {
      const tag = cell.tags.find((t) => GRADED_TAGS.includes(t));
      if (cell.cellType !== "code" || tag === undefined) continue;
      const source = cell.source.endsWith("\n") ? cell.source : `${cell.source}\n`;
      const lines = source.split("\n").length - 1;
      const ordinal = (seen.get(tag) ?? 0) + 1;
      seen.set(tag, ordinal);
      if (ordinal > 1) this.#ambiguous.add(tag);
      this.#cells.push({ tag, ordinal, first: line, lines });
      parts.push(source);
      line += lines;
    }
    this.text = parts.join("");
  }

  /** How many cells the module is made of. */
  get cellCount(): number {
    return this.#cells.length;
  }

  /** Where line `line` (1-based) of the module is: `cell "rnn", line 3`, with `:column` if given. */
  where(line: number, column?: string): string {
    const cell = this.#cells.find((c) => line >= c.first && line < c.first + c.lines);
    if (cell === undefined) return `${this.name}, line ${line}`;
    const nth = this.#ambiguous.has(cell.tag) ? ` #${cell.ordinal}` : "";
    const col = column === undefined ? "" : `:${column}`;
    return `${this.name}, cell "${cell.tag}"${nth}, line ${line - cell.first + 1}${col}`;
  }

  /**
   * `text` with every mention of the module file `file` (its name relative to the copy, with or
   * without a `file:` URL's folder before it, with or without `:line:column` after it) pointing at
   * the notebook's cell instead.
   */
  rewrite(text: string, file: string): string {
    const name = file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const mention = new RegExp(`(?:file://[^\\s()"'\`]*/)?${name}(?::(\\d+)(?::(\\d+))?)?`, "g");
    const lines = new Set<string>();
    const pointed = text.replace(mention, (_, line?: string, column?: string) => {
      if (line === undefined) return this.name;
      lines.add(line);
      return this.where(Number(line), column);
    });
    // A code frame's gutter (`117 | export function …`) numbers the same lines: in the cell too.
    return pointed.replace(/^( *)(\d+)( \|)/gm, (all, pad: string, line: string, bar: string) => {
      if (!lines.has(line)) return all;
      const cell = this.#cells.find((c) => +line >= c.first && +line < c.first + c.lines);
      return cell ? `${pad}${`${+line - cell.first + 1}`.padStart(line.length)}${bar}` : all;
    });
  }
}

/** A piece of a module: an exercise's function with its doc comment, or what lies between. */
export interface Segment {
  /** The exercise's name, or {@linkcode SHARED_TAG}. */
  tag: string;
  /** Its lines. */
  source: string;
}

/**
 * Splits a solution module into segments, in order: each top-level `export function` (or
 * `function*`) named after an exercise, with the doc comment right above it and up to its closing
 * `}` in the first column, is that exercise's; the rest between them is shared. Joined, the
 * segments are the module (less blank lines at their edges).
 */
export function splitModule(text: string): Segment[] {
  const lines = text.split("\n");
  const segments: Segment[] = [];
  const push = (tag: string, from: number, to: number) => {
    const source = lines.slice(from, to).join("\n").replace(/^\s*\n/, "").trimEnd();
    if (source !== "") segments.push({ tag, source });
  };
  const exercises: readonly string[] = EXERCISES;
  let start = 0;
  for (let i = 0; i < lines.length; i++) {
    const name = /^export (?:async )?function\*? ?(\w+)/.exec(lines[i])?.[1];
    if (name === undefined || !exercises.includes(name)) continue;
    let doc = i;
    if (lines[i - 1]?.trimEnd().endsWith("*/")) {
      while (doc > start && !lines[doc - 1].trimStart().startsWith("/**")) doc--;
      doc--;
    }
    let end = i;
    while (end < lines.length && !/^}\s*$/.test(lines[end])) end++;
    push(SHARED_TAG, start, doc);
    push(name, doc, end + 1);
    start = end + 1;
    i = end;
  }
  push(SHARED_TAG, start, lines.length);
  return segments;
}

/** The notebook file `--init --notebook` writes and the starter's text becomes. */
export const STARTER_NOTEBOOK = "rnn_scratch.ipynb";

/** An nbformat 4.5 cell as written to a file. */
type CellJson = Record<string, unknown>;

function sourceLines(text: string): string[] {
  return text.split(/(?<=\n)/);
}

function markdownCell(id: string, text: string): CellJson {
  return { cell_type: "markdown", id, metadata: {}, source: sourceLines(text) };
}

function codeCell(id: string, text: string, tags: string[]): CellJson {
  return {
    cell_type: "code",
    execution_count: null,
    id,
    metadata: tags.length > 0 ? { tags } : {},
    outputs: [],
    source: sourceLines(text),
  };
}

/** A module's `@module` doc comment as Markdown, or `null` when it has none. */
function moduleDoc(segment: string): { markdown: string; rest: string } | null {
  const match = /^\/\*\*\n((?: \*.*\n)*?) \* @module\n \*\/\n?/m.exec(segment);
  if (match === null) return null;
  const markdown = match[1].split("\n").map((l) => l.replace(/^ \* ?/, "")).join("\n").trim();
  return { markdown, rest: segment.replace(match[0], "") };
}

/**
 * A student notebook made from a solution module's text (the starter, or a solution for the
 * tests): its `@module` doc comment becomes the first Markdown cell (with `from` named `to`),
 * the shared code a cell tagged {@linkcode SHARED_TAG} (tfjs imported by its `npm:` specifier,
 * so that the notebook runs outside the repository too), and each exercise's function a cell
 * tagged with its name, under a heading; a last untagged cell is the student's to try things in.
 * Returns the notebook's JSON text.
 */
export function notebookFromModule(text: string, rename?: { from: string; to: string }): string {
  const tfjs = ALLOWED_PACKAGES[0];
  const source = text
    .replace(/^\/\/ deno-lint-ignore-file.*\n/, "")
    .replaceAll(`from "${tfjs.name}"`, `from "npm:${tfjs.spec}"`);
  const cells: CellJson[] = [];
  let exercise = 0;
  for (const [i, segment] of splitModule(source).entries()) {
    if (segment.tag !== SHARED_TAG) {
      exercise++;
      cells.push(markdownCell(`md-${segment.tag}`, `## ${exercise}. \`${segment.tag}\``));
      cells.push(codeCell(segment.tag, segment.source, [segment.tag]));
      continue;
    }
    const doc = i === 0 ? moduleDoc(segment.source) : null;
    if (doc !== null) {
      const intro = rename ? doc.markdown.replaceAll(rename.from, rename.to) : doc.markdown;
      cells.push(markdownCell("intro", `${intro}\n\n${TAGS_NOTE}`));
    }
    const code = (doc?.rest ?? segment.source).trim();
    if (code !== "") cells.push(codeCell(`${SHARED_TAG}-${i}`, code, [SHARED_TAG]));
  }
  cells.push(markdownCell("try-md", TRY_NOTE));
  cells.push(
    codeCell("try", '// For example: getInputs(tf.tensor2d([[0, 2]], undefined, "int32"), 3)', []),
  );
  const notebook = {
    cells,
    metadata: {
      kernelspec: { display_name: "Deno", language: "typescript", name: "deno" },
      language_info: { name: "typescript", file_extension: ".ts" },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return `${JSON.stringify(notebook, null, 1)}\n`;
}

const TAGS_NOTE =
  `**How this notebook is graded.** The code cells tagged \`${SHARED_TAG}\` or with an exercise's ` +
  "name (see each cell's tags) are, in order, your module: fill in those cells, keep their tags, " +
  "and keep each export's name and signature. Every other cell is ignored by the grader, so use " +
  "untagged cells for experiments. It runs in Deno's Jupyter kernel (`deno jupyter --install`, " +
  "then Jupyter or VS Code).";

const TRY_NOTE = "## Try your functions\n\nUntagged cells like the one below are yours; the " +
  "grader ignores them.";
