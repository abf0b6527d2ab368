/**
 * File names an LMS, an archiver or a hostile student can produce, generated from a seeded PRNG
 * for the property tests of both tiers (`graded_name_test.ts`, `test/grade_names_test.ts`): what
 * a URL or a command line reads as something else (spaces, `#?%&+;'"\``, `%xx` sequences valid
 * and not, a leading `-`), Unicode (accents, combining marks, right-to-left text and overrides,
 * emoji, full-width forms), control characters (tab, newline, carriage return, escapes), and
 * length up to a file system's 255-byte limit. Not part of any entry point.
 *
 * @module
 */

import type { PyRandom } from "../random/py_random.ts";

/** The pieces names are made of, by class. */
export const NAME_PIECES: Readonly<Record<string, readonly string[]>> = {
  plain: ["a", "Z", "0", "hw", "rnn", "_", ".", "..", "(1)", "[x]", "~", "!", "$", "=", ",", "{}"],
  url: [" ", "#", "?", "%", "&", "+", ";", "'", '"', "`", "#?", "?x=1", "@", ":", "\\", "*", "|"],
  percent: ["%20", "%2F", "%2e%2e", "%23", "%0A", "%E4%B8%AD", "%zz", "%", "%%", "%2", "%G1"],
  unicode: ["é", "Zoë", "e\u0301", "分开", "שלום", "مرحبا", "\u202e", "\u200f", "😀", "Ａ", "ß"],
  control: ["\t", "\n", "\r", "\r\n", "\x01", "\x1b[31m", "\x7f", "\u0085", "\u2028"],
};

/** The classes of {@linkcode NAME_PIECES}. */
export const NAME_CLASSES: readonly string[] = Object.keys(NAME_PIECES);

/** The most bytes of one path component on the usual file systems. */
export const NAME_MAX_BYTES = 255;

const bytes = (s: string) => new TextEncoder().encode(s).length;

/**
 * A file name ending in `ext` (`.ts`, `.ipynb`), at most `maxBytes` bytes, never `/` or NUL: a
 * piece of class `must` (when given) among random pieces of every class; one time in six it starts
 * with `-`, one in eight it is padded to the byte limit. It never starts with `.` (a dot file).
 */
export function hostileName(
  rng: PyRandom,
  ext: string,
  must?: string,
  maxBytes = NAME_MAX_BYTES,
): string {
  const pick = (xs: readonly string[]) => xs[rng.randbelow(xs.length)];
  const pieces = Array.from(
    { length: 1 + rng.randbelow(6) },
    () => pick(NAME_PIECES[pick(NAME_CLASSES)]),
  );
  if (must !== undefined) {
    pieces.splice(rng.randbelow(pieces.length + 1), 0, pick(NAME_PIECES[must]));
  }
  let stem = pieces.join("");
  if (rng.randbelow(6) === 0) stem = `-${stem}`;
  if (stem === "" || stem.startsWith(".")) stem = `x${stem}`; // a dot file is clutter, not work
  if (rng.randbelow(8) === 0) {
    const pad = pick([..."x分😀"]);
    while (bytes(stem + pad + ext) <= maxBytes) stem += pad;
  }
  while (bytes(stem + ext) > maxBytes) stem = [...stem].slice(0, -1).join("");
  return stem + ext;
}
