/**
 * CSV as the grader writes and reads it (RFC 4180): the class's `grades.csv`, the gradebook files,
 * `similarity.csv`, and the files staff hand in (overrides, extensions, submission times).
 *
 * Written cells are safe to open in a spreadsheet: anything a student chose (ids from file names,
 * names, their program's output) has its control characters escaped, and a cell that a spreadsheet
 * could read as a formula is prefixed with `'`: one that starts, after any whitespace, with `=`,
 * `+`, `-`, `@`, a tab or a carriage return (OWASP's list), or their full-width forms. Lines end in
 * CRLF.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { visible } from "./feedback.ts";

/** What a spreadsheet may read as the start of a formula, after whitespace it trims. */
const FORMULA_START = /^\s*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/** A CSV cell: escaped, quoted when it must be, and never a formula. */
export function csvCell(text: string): string {
  let t = visible(text).replaceAll("\n", "\\n");
  if (FORMULA_START.test(t)) t = `'${t}`;
  return /[",\r\n]/.test(t) ? `"${t.replaceAll('"', '""')}"` : t;
}

/** Rows of cells already made by {@linkcode csvCell}, as a file: CRLF line ends. */
export function csvText(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.join(",")).join("\r\n") + "\r\n";
}

/**
 * The rows of a CSV text: quoted cells (with `""` for a quote, and line breaks inside), CRLF or LF
 * line ends, a byte-order mark skipped. Blank lines are dropped. Throws on a quote left open.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRow = () => {
    row.push(cell);
    if (row.length > 1 || row[0] !== "") rows.push(row);
    row = [];
    cell = "";
  };
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') [cell, i] = [cell + '"', i + 1];
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === "") quoted = true;
    else if (c === ",") [row, cell] = [[...row, cell], ""];
    else if (c === "\n") endRow();
    else if (c !== "\r" || text[i + 1] !== "\n") cell += c;
  }
  if (quoted) throw new Error("a quoted cell is not closed");
  if (cell !== "" || row.length > 0) endRow();
  return rows;
}

/** A staff CSV `student,<column>` as a map, each value checked by `check`. */
export async function readStudentTable(
  path: string,
  flag: string,
  column: string,
  check: (value: string, where: string) => void,
): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    throw new UsageError(`${flag} ${path}: ${(err as Error).message.split("\n")[0]}`);
  }
  const rows = parseCsvOrUsage(text, `${flag} ${path}`);
  const [head, ...body] = rows;
  if (head?.[0]?.trim() !== "student" || head[1]?.trim() !== column) {
    throw new UsageError(`${flag} ${path}: its header must be 'student,${column}'`);
  }
  const table: Record<string, string> = {};
  for (const [i, row] of body.entries()) {
    const [student, value] = [row[0]?.trim() ?? "", row[1]?.trim() ?? ""];
    const where = `${flag} ${path}, line ${i + 2}`;
    if (student === "") throw new UsageError(`${where}: no student`);
    if (student in table) throw new UsageError(`${where}: ${student} is listed twice`);
    check(value, where);
    table[student] = value;
  }
  return table;
}

/** `parseCsv`, its error as a usage error naming `what`. */
export function parseCsvOrUsage(text: string, what: string): string[][] {
  try {
    return parseCsv(text);
  } catch (err) {
    throw new UsageError(`${what}: ${(err as Error).message}`);
  }
}
