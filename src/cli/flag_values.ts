/**
 * One flag's value, read and checked (a number within its range, or one of a set of choices, with
 * a one-line {@linkcode UsageError} naming the flag), and written back as a word of a shell
 * command. Apart from the command line's parsing (`flags.ts`), so the web page's settings form
 * checks its fields with the same rules and words, and writes the same command lines.
 *
 * @module
 */

import { UsageError } from "../errors.ts";

/** Reads a numeric flag: a finite number within [min, max], an integer when `integer` is set. */
export function numberFlag(
  name: string,
  raw: string,
  { min = -Infinity, max = Infinity, integer = false } = {},
): number {
  const value = raw.trim() === "" ? NaN : Number(raw);
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be ${integer ? "an integer" : "a number"}, got '${raw}'`);
  }
  if (value < min || value > max) {
    throw new UsageError(`--${name} must be in [${min}, ${max}], got ${value}`);
  }
  return value;
}

/** Reads a flag whose value must be one of `choices`. */
export function choiceFlag<C extends string>(name: string, raw: string, choices: readonly C[]): C {
  if (!(choices as readonly string[]).includes(raw)) {
    throw new UsageError(`--${name} must be one of ${choices.join(", ")}, got '${raw}'`);
  }
  return raw as C;
}

/** `text` as one word of a shell command: as it is when it can be, else single-quoted. */
export function shellWord(text: string): string {
  return /^[\w./@%+=:,-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
