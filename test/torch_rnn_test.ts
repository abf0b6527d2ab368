// bench/torch_rnn.py, PyTorch's side of `deno task bench`: each implementation (the eager loop,
// torch.nn.RNN, torch.compile where it exists) reproduces the float64 contract, as rnnlab's
// trainers do. Skipped where no Python imports torch (the plain python3 of a fresh machine).

import assert from "node:assert/strict";
import { loadTrainingData } from "../src/data/corpus.ts";
import { findTorchPython, runTorchScript, type TorchImpl } from "../src/bench/torch_baseline.ts";
import { checkClose } from "../src/verify/compare.ts";
import { CONTRACT_TOLERANCE, contractConfig } from "../src/verify/contract.ts";
import type { ContractGolden } from "../src/verify/goldens.ts";
import { pathWithPythonLacking, readGolden, ROOT, runTask } from "./_helpers.ts";

const python = await findTorchPython();
const golden = readGolden<ContractGolden>("contract_curves.json");

Deno.test({
  name:
    "PyTorch eager, nn.RNN and torch.compile reproduce the float64 contract at the small preset, both samplers",
  ignore: python === undefined,
  fn: async () => {
    const data = await loadTrainingData({ fetch: null, dataset: golden.dataset }, 2000);
    const corpus = { indices: data.indices, vocabSize: data.vocab.idxToChar.length };
    for (const impl of ["eager", "nn-rnn", "compile"] as TorchImpl[]) {
      for (const name of ["small-random-seed-0", "small-consecutive-seed-0"]) {
        const c = golden.cases.find((c) => c.name === name)!;
        const config = contractConfig(c);
        const run = await runTorchScript<{ perplexities?: number[]; unavailable?: string }>(
          python!,
          ROOT,
          corpus,
          [
            ...["--impl", impl, "--iters", "0", "--epochs", String(c.epochs), "--iter", c.iter],
            ...["--hidden", String(config.hidden), "--batch-size", String(config.batchSize)],
            ...["--num-steps", String(config.numSteps), "--seed", String(c.seed)],
          ],
        );
        if (run.unavailable !== undefined) { // torch 1.x: a row that says why, no failure
          assert.equal(impl, "compile");
          assert.match(run.unavailable, /has no torch\.compile/);
          continue;
        }
        const check = checkClose(
          `${impl} ${name}`,
          run.perplexities!,
          c.perplexities,
          CONTRACT_TOLERANCE.small,
        );
        assert.equal(check.status, "ok", `${check.name}: ${check.measured}, ${check.worst}`);
      }
    }
  },
});

Deno.test({
  name: "deno task bench --torch python3 with a python3 that lacks torch: one line, exit 2",
  ignore: (await pathWithPythonLacking(["torch"])) === undefined,
  fn: async () => {
    const path = (await pathWithPythonLacking(["torch"]))!;
    const res = await runTask("bench", ["--preset", "small", "--torch", "python3"], {
      env: { PATH: path },
    });
    assert.equal(res.code, 2, res.stderr);
    assert.equal(res.stderr, "error: --torch python3: that Python cannot import torch\n");
  },
});
