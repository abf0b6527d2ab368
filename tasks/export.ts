/**
 * `deno task export`: see `USAGE` below, which `--help` prints.
 *
 * @module
 */

import { EXIT, UsageError } from "../src/errors.ts";
import { parseFlags } from "../src/cli/flags.ts";
import { runMain } from "../src/cli/main.ts";
import { PATHS_HELP, userPath } from "../src/cli/paths.ts";
import { onnxParityChecks } from "../src/verify/parity.ts";
import { exportRun } from "../src/onnx/export.ts";
import { IR_VERSION, OPSET } from "../src/onnx/model.ts";
import { selectBackend } from "../src/train/backend.ts";
import { renderTable } from "../src/verify/check.ts";

/** The usage and description that `--help` prints. */
const USAGE = `deno task export --run DIR [--out FILE] [--check]

Writes a training run (a folder written by deno task train --out DIR) as one ONNX file, by default
DIR/model.onnx, that carries its vocabulary and its provenance (the digest of the parameters it
read: deno task generate refuses a model.onnx its run folder no longer matches); with --check, also
runs the parity checks (onnxruntime and tfjs each against a float64 forward, within 4 x the
float32 noise of your model: docs/verify.md) and prints them. A run that diverged is refused; one
that is interrupted or still running exports its last epoch done.

${PATHS_HELP}`;

async function main(args: string[]) {
  const flags = parseFlags(args, {
    run: { type: "string" },
    out: { type: "string" },
    check: { type: "boolean" },
  });
  if (flags.run === undefined) {
    throw new UsageError("--run DIR is required: a folder written by deno task train --out DIR");
  }
  const out = flags.out === undefined ? undefined : userPath(flags.out);
  const { path, bytes, record, params } = await exportRun(userPath(flags.run), out);
  const done = record.curve.length;
  const partial = record.status === "complete"
    ? ""
    : ` The run is ${record.status}: this is its epoch ${done} of ${record.config.epochs}.`;
  console.log(
    `Wrote ${path} (${bytes} bytes; vocab ${record.vocab.length}, hidden ${record.config.hidden}; ` +
      `ONNX IR ${IR_VERSION}, opset ${OPSET})${partial}`,
  );
  if (!flags.check) return EXIT.ok;
  await selectBackend("cpu");
  const checks = await onnxParityChecks({
    params,
    vocab: record.vocab,
    prefixes: record.config.prefixes,
  });
  console.log(renderTable(checks));
  return checks.some((c) => c.status === "FAIL") ? EXIT.failed : EXIT.ok; // a skipped dev check is no failure
}

await runMain(main, USAGE);
