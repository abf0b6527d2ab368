/**
 * `deno task verify`: see `USAGE` below, which `--help` prints.
 *
 * @module
 */

import { choiceFlag } from "../src/cli/flag_values.ts";
import { parseFlags } from "../src/cli/flags.ts";
import { runMain } from "../src/cli/main.ts";
import { PATHS_HELP, userPath } from "../src/cli/paths.ts";
import { EXIT } from "../src/errors.ts";
import { staleModelWarnings } from "../src/onnx/run_model.ts";
import { readRunDir } from "../src/run/run_dir.ts";
import { BACKEND_CHOICES } from "../src/train/backend.ts";
import { renderTable } from "../src/verify/check.ts";
import { verify, VERIFY_GROUPS } from "../src/verify/verify.ts";

/** The usage and description that `--help` prints. */
const USAGE = `deno task verify [--backend auto|webgpu|wasm|cpu] [--full] [--all-trainers] [--json]
                 [--only corpus,iterators,model,curves,contract,onnx] [--golden DIR]
                 [--data PATH]
                 [--run DIR ...]

Re-runs what it can and compares it with the goldens in golden/, printing one row per check
(measured, expected, worst difference) and exiting 1 on any failure.

Without --backend, each recorded curve re-runs on the backend that recorded it. --full re-trains
the two 200-epoch chapter curves (golden/README.md says how long they took). The contract group
holds every backend here (cpu, wasm, and webgpu on a hardware GPU; with --backend, that one) and
every trainer on it to the float64 curves of golden/contract_curves.json: the fastest trainer (the
default of deno task train) on every case, the others on the first case of each sampler, and with
--all-trainers every trainer on every case. The onnx group exports the parameters of the 2-epoch
chapter run (trained by the curves group, or for it) and the trained model of golden/trained_small,
and holds onnxruntime (cpu) and tfjs each to a float64 forward, within 4 x the float32 noise of
that model (docs/verify.md).

--run DIR (repeatable) sets a run that deno task train --out DIR recorded beside the chapter's
printed perplexities (the ×1.15 band of --full, at each printed epoch the run reached), for runs of
the chapter's setting on any backend or trainer; with --run and no --only, only the runs are
checked (and a model.onnx in one that no longer matches its parameters is warned about).

--golden DIR compares with the goldens in DIR instead of golden/ (a regenerated set, say); --data
PATH takes the corpus from PATH, as deno task train does.

${PATHS_HELP}`;

async function main(args: string[]) {
  const flags = parseFlags(args, {
    backend: { type: "string", default: "auto" },
    full: { type: "boolean" },
    "all-trainers": { type: "boolean" },
    json: { type: "boolean" },
    only: { type: "string" },
    golden: { type: "string" },
    data: { type: "string" },
    run: { type: "string", multiple: true },
  });
  const backend = choiceFlag("backend", flags.backend, BACKEND_CHOICES);
  const runs = (flags.run ?? []).map(userPath);
  const groups = (flags.only?.split(",") ?? (runs.length ? [] : VERIFY_GROUPS))
    .map((g) => choiceFlag("only", g, VERIFY_GROUPS));
  const recorded = await Promise.all(runs.map(async (dir) => ({ dir, ...await readRunDir(dir) })));
  const log = (line: string) => console.error(line);
  (await staleModelWarnings(runs)).forEach((w) => log(`warning: ${w}`));
  const { checks, chapterComparison } = await verify({
    groups,
    backend,
    full: flags.full ?? false,
    allTrainers: flags["all-trainers"] ?? false,
    goldenDir: flags.golden === undefined ? "golden" : userPath(flags.golden),
    corpus: { data: flags.data === undefined ? undefined : userPath(flags.data) },
    runs: recorded,
    log,
  });
  if (flags.json) {
    console.log(JSON.stringify({ checks, chapterComparison }, null, 2));
  } else {
    console.log(renderTable(checks));
    if (chapterComparison.length) console.log(["", ...chapterComparison].join("\n"));
  }
  return checks.some((c) => c.status === "FAIL") ? EXIT.failed : EXIT.ok;
}

await runMain(main, USAGE);
