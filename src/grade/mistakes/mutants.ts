/**
 * A mistake of the catalogue made real: the staff solution's source with the mistake's one line
 * changed, which exercises that line touches, and the mutated module loaded in the grader's own
 * process (from a `data:` URL: nothing is written, and no sandboxed child ever sees it).
 *
 * @module
 */

import { type ExerciseName, EXERCISES } from "../contract.ts";
import type { Mistake } from "./catalogue.ts";

/** The staff solution, which every mistake changes. */
export const STAFF_SOLUTION = new URL("../staff_solution.ts", import.meta.url);

/** The staff solution's source with `m`'s line changed; throws unless the line is there once. */
export function mutate(source: string, m: Mistake): string {
  const lines = source.split("\n");
  const at = lines.flatMap((line, i) => line.trim() === m.line ? [i] : []);
  if (at.length !== 1) {
    throw new Error(
      `mistake ${m.id}: its line is ${at.length === 0 ? "not" : "more than once"} in the staff ` +
        `solution: ${m.line}`,
    );
  }
  const indent = lines[at[0]].match(/^\s*/)![0];
  lines.splice(at[0], 1, ...(m.becomes === "" ? [] : [indent + m.becomes]));
  return lines.join("\n");
}

/** The source's top-level declarations: name, whether exported, and their lines. */
function declarations(source: string): { name: string; exported: boolean; body: string }[] {
  const lines = source.split("\n");
  const starts = lines.flatMap((line, i) => {
    const m = line.match(/^(export )?(?:function\*? |const |type )(\w+)/);
    return m ? [{ at: i, name: m[2], exported: m[1] !== undefined }] : [];
  });
  return starts.map((s, k) => ({
    name: s.name,
    exported: s.exported,
    body: lines.slice(s.at, starts[k + 1]?.at ?? lines.length).join("\n"),
  }));
}

/**
 * The exercises whose functions run `m`'s line: the exported function that holds it, or, for a
 * helper, every exported function that calls it (through other helpers too).
 */
export function touchedExercises(source: string, m: Mistake): ExerciseName[] {
  const decls = declarations(source);
  const holder = decls.find((d) => d.body.split("\n").some((l) => l.trim() === m.line));
  if (holder === undefined) throw new Error(`mistake ${m.id}: its line is not in a declaration`);
  const touched = new Set<string>();
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const decl = decls.find((d) => d.name === name)!;
    if (decl.exported) return void touched.add(name);
    const call = new RegExp(`(?<![\\w.])${name}\\(`);
    for (const d of decls) if (d.name !== name && call.test(d.body)) visit(d.name);
  };
  visit(holder.name);
  return EXERCISES.filter((e) => touched.has(e));
}

/** Loads TypeScript source as a module of the grader's process. */
export function importSource(source: string): Promise<Record<string, unknown>> {
  const bytes = new TextEncoder().encode(source);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return import(`data:application/typescript;base64,${btoa(binary)}`);
}
