/**
 * `deno task generate`: see `USAGE` below, which `--help` prints.
 *
 * @module
 */

import { UsageError } from "../src/errors.ts";
import { choiceFlag, numberFlag } from "../src/cli/flag_values.ts";
import { parseFlags } from "../src/cli/flags.ts";
import { runMain } from "../src/cli/main.ts";
import { PATHS_HELP, userPath } from "../src/cli/paths.ts";
import { vocabFromList } from "../src/data/vocab.ts";
import { generateText } from "../src/infer/generate.ts";
import { describeEps, EP_CHOICES, openRnnSession } from "../src/infer/session.ts";
import { checkPrefix, MAX_PREDICT_CHARS } from "../src/model/predict.ts";
import { readRnnModel } from "../src/onnx/model.ts";
import { checkModelAgainstRun } from "../src/onnx/run_model.ts";

/** The usage and description that `--help` prints. */
const USAGE = `deno task generate --model FILE --prefix TEXT [--chars N] [--ep auto|cuda|webgpu|cpu]

Greedy text from an exported model in onnxruntime, on the best execution provider (--ep auto:
cuda, then webgpu, then cpu). The vocabulary comes from the model file.

Prints which provider ran (and why each one tried before it was skipped), then the text: the
prefix followed by N + 1 characters (--chars, default 100), as the chapter's predict_rnn does.

A model with weights that are not finite is refused, and so is a model.onnx in a run folder whose
parameters changed since it was exported (deno task export --run DIR writes it again).

${PATHS_HELP}`;

async function main(args: string[]) {
  const flags = parseFlags(args, {
    model: { type: "string" },
    prefix: { type: "string" },
    chars: { type: "string", default: "100" },
    ep: { type: "string", default: "auto" },
  });
  if (flags.model === undefined) throw new UsageError("--model FILE is required");
  if (flags.prefix === undefined) throw new UsageError("--prefix TEXT is required");
  const numChars = numberFlag("chars", flags.chars, {
    integer: true,
    min: 0,
    max: MAX_PREDICT_CHARS,
  });
  const ep = choiceFlag("ep", flags.ep, EP_CHOICES);
  const path = userPath(flags.model);
  const model = await readRnnModel(path);
  const warning = await checkModelAgainstRun(path, model);
  if (warning) console.error(`warning: ${warning}`);
  const vocab = vocabFromList(model.vocab);
  try {
    checkPrefix(flags.prefix, vocab);
  } catch (err) {
    throw new UsageError(`--prefix: ${(err as Error).message}`);
  }
  const session = await openRnnSession(model.bytes, ep);
  describeEps(session).forEach((line) => console.log(line));
  console.log(await generateText(session, flags.prefix, numChars, vocab));
  await session.session.release();
}

await runMain(main, USAGE);
