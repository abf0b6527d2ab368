import assert from "node:assert/strict";
import { EXIT, UsageError } from "../errors.ts";
import { helpRequested, parseFlags } from "./flags.ts";

Deno.test("helpRequested: --help or -h anywhere before --, and nothing else", () => {
  const cases: [string[], boolean][] = [
    [["--help"], true],
    [["-h"], true],
    [["--epochs", "2", "-h"], true],
    [["--bogus", "--help"], true],
    [[], false],
    [["--prefix=-h"], false],
    [["--help=yes"], false],
    [["-H"], false],
    [["--", "--help"], false],
    [["-h", "--", "x"], true],
  ];
  for (const [args, expected] of cases) assert.equal(helpRequested(args), expected, args.join(" "));
});

Deno.test("a negative number after a flag is its value, checked against the flag's range", () => {
  const options = { n: { type: "string" }, x: { type: "boolean" } } as const;
  assert.deepEqual({ ...parseFlags(["--n", "-1"], options) }, { n: "-1" });
  assert.deepEqual({ ...parseFlags(["--n", "-0.5", "--x"], options) }, { n: "-0.5", x: true });
  assert.throws(() => parseFlags(["--x", "-1"], options), UsageError); // a boolean takes no value
});

Deno.test("parse errors are a UsageError (exit 2) whose one line points to --help", () => {
  for (const args of [["--bogus"], ["--n"], ["stray"]]) {
    assert.throws(() => parseFlags(args, { n: { type: "string" } }), (err) => {
      assert.ok(err instanceof UsageError);
      assert.equal(err.exitCode, EXIT.usage);
      assert.match(err.message, /^[^\n]+ \(see --help\)$/);
      return true;
    });
  }
});
