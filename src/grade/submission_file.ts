/**
 * Which file of a student's folder is the submission: the rule that Gradescope's
 * `submission/` folder and every student of a class are graded by.
 *
 * @module
 */

import { join } from "node:path";

/** The starter's file names: a student who kept them is never ambiguous. */
export const STARTER_NAMES = ["rnn_scratch.ts", "rnn_scratch.ipynb"] as const;

/** Entries that archivers and desktops add, never a student's work. */
export function isClutter(name: string): boolean {
  return name.startsWith(".") || name === "__MACOSX" || name === "Thumbs.db" ||
    name === "desktop.ini";
}

/** Whether `name` could be a submission: a module or a notebook. */
export function isGradable(name: string): boolean {
  return /\.(ts|ipynb)$/i.test(name) && !/\.d\.ts$/i.test(name);
}

/** The submission file found, or why there is none. */
export type Found = { path: string } | { why: string };

/**
 * The submission in `dir`: `rnn_scratch.ts`, else `rnn_scratch.ipynb`, else its only `.ts` or
 * `.ipynb` file; when it holds none of these and only one folder, the same rule inside that folder
 * (a student who uploaded a folder). Links are never followed.
 */
export async function findSubmissionFile(dir: string, depth = 0): Promise<Found> {
  const files: string[] = [];
  const folders: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (isClutter(entry.name)) continue;
      if (entry.isFile && isGradable(entry.name)) files.push(entry.name);
      else if (entry.isDirectory) folders.push(entry.name);
    }
  } catch (err) {
    return { why: `its folder cannot be read (${(err as Error).message})` };
  }
  files.sort();
  const starter = STARTER_NAMES.find((name) => files.includes(name));
  if (starter !== undefined) return { path: join(dir, starter) };
  if (files.length === 1) return { path: join(dir, files[0]) };
  if (files.length > 1) {
    return {
      why: `several files could be the submission (${files.slice(0, 5).join(", ")}${
        files.length > 5 ? ", …" : ""
      }): name it ${STARTER_NAMES.join(" or ")}`,
    };
  }
  if (folders.length === 1 && depth < 3) {
    return findSubmissionFile(join(dir, folders[0]), depth + 1);
  }
  return { why: `no .ts or .ipynb file to grade (${STARTER_NAMES.join(" or ")})` };
}
