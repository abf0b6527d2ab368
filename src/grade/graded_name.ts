/**
 * Names are data, not URLs: a submission is graded under a name the grader chooses, never its
 * own, and the student's name is only ever shown, escaped, as text.
 *
 * A student's file name can be anything a file system allows and an LMS produces: spaces, `#`,
 * `?`, `%20` or `%zz`, a tab or a newline, a leading `-`, right-to-left text, 255 bytes. Read as a
 * module specifier or a command-line argument, several of these mean something else (a fragment,
 * a query, an escape, a flag). So the private copy holds the submission as `submission.ts` (or
 * `.ipynb`) in the folder where the student had it (relative imports of their other files still
 * resolve), and whatever names it to Deno is a file URL the grader builds. Reports show the
 * student's name through `nameText` (`feedback.ts`).
 *
 * @module
 */

import { posix } from "node:path";

/** The stem of the name a submission is graded under. */
export const GRADED_STEM = "submission";

/** The extensions kept as they are (lower-cased); any other file is graded as `.ts`. */
const KEPT = /^\.(ts|mts|js|mjs|ipynb)$/i;

/**
 * Where the copy holds the submission whose path relative to the copied folder is `source` (with
 * `/` between folders): the same folder, the name `submission.<ext>`, or `submission-2.<ext>`
 * and on when `taken` (the other names in that folder) holds it.
 */
export function gradedPath(source: string, taken: ReadonlySet<string>): string {
  const ext = posix.extname(source);
  const suffix = KEPT.test(ext) ? ext.toLowerCase() : ".ts";
  const dir = posix.dirname(source);
  for (let n = 1;; n++) {
    const name = `${GRADED_STEM}${n === 1 ? "" : `-${n}`}${suffix}`;
    if (!taken.has(name)) return dir === "." ? name : `${dir}/${name}`;
  }
}
