/**
 * Flag parsing for the tasks, on `node:util`'s `parseArgs`, with every mistake turned into a
 * one-line {@linkcode UsageError}: unknown flags (with the nearest known one) and missing values (a value's range is
 * `flag_values.ts`'s); and the test for `--help`, which every task answers (see `runMain`).
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../errors.ts";
import { unknownFlagMessage } from "./nearest_flag.ts";

/** The option table `parseArgs` takes. */
export type FlagSpec = NonNullable<ParseArgsConfig["options"]>;

/**
 * `--flag -1` as `--flag=-1` for a flag that takes a value: `parseArgs` would call a value that
 * starts with `-` ambiguous, and a negative number then never reaches its range check.
 */
function joinNegativeValues(args: string[], options: FlagSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--") return [...out, ...args.slice(i)]; // the rest is positional
    const name = args[i].startsWith("--") ? args[i].slice(2) : undefined;
    const next = args[i + 1];
    if (
      name !== undefined && options[name]?.type === "string" && next !== undefined &&
      /^-(\d|\.\d|Infinity)/.test(next)
    ) {
      out.push(`${args[i]}=${next}`);
      i++;
    } else out.push(args[i]);
  }
  return out;
}

/**
 * `parseArgs`'s error as one line: an unknown flag named with the nearest known one (its own
 * message gives generic advice on positional arguments instead), the others as they are.
 */
function parseErrorLine(err: Error, options: FlagSpec): string {
  const unknown = (err as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION"
    ? err.message.match(/^Unknown option '([^']+)'/)?.[1]
    : undefined;
  if (unknown === undefined) return err.message.replace(/\s*\n\s*/g, " ");
  return unknownFlagMessage(unknown, [...Object.keys(options), "help"]);
}

/** Parses `args` strictly against `options`; positional arguments are refused. */
export function parseFlags<T extends FlagSpec>(args: string[], options: T) {
  return parseFlagsAndPositionals(args, options, 0).values;
}

/** Like {@linkcode parseFlags}, but returns up to `maxPositionals` positional arguments too. */
export function parseFlagsAndPositionals<T extends FlagSpec>(
  args: string[],
  options: T,
  maxPositionals: number,
) {
  try {
    const parsed = parseArgs({
      args: joinNegativeValues(args, options),
      options,
      strict: true,
      allowPositionals: true,
    });
    if (parsed.positionals.length > maxPositionals) {
      throw new Error(`Unexpected argument '${parsed.positionals[maxPositionals]}'`);
    }
    return parsed;
  } catch (err) {
    throw new UsageError(`${parseErrorLine(err as Error, options)} (see --help)`);
  }
}

/**
 * Whether `args` ask for help: `--help` or `-h` anywhere before a `--` (after it, arguments are
 * positional). A flag's value is never mistaken for it: strict parsing refuses `--flag -h`, and
 * `--flag=-h` is one argument.
 */
export function helpRequested(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return args.slice(0, end === -1 ? undefined : end).some((a) => a === "--help" || a === "-h");
}
