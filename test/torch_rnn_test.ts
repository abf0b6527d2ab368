// bench/torch_rnn.py, PyTorch's side of `deno task bench`: each implementation (the eager loop,
// torch.nn.RNN, torch.compile where it exists) reproduces the float64 contract, as rnnlab's
// trainers do; its step timing makes each batch as it is taken. Skipped where no Python imports
// torch (the plain python3 of a fresh machine).

import assert from "node:assert/strict";
import { loadTrainingData } from "../src/data/corpus.ts";
import { runTorchScript, torchFingerprint, type TorchImpl } from "../src/bench/torch_baseline.ts";
import { findPython } from "../src/io/python.ts";
import { checkClose } from "../src/verify/check.ts";
import { CONTRACT_TOLERANCE, contractConfig } from "../src/verify/contract.ts";
import type { ContractGolden } from "../src/verify/goldens.ts";
import { pathWithPythonLacking, readGolden, ROOT, runTask } from "./_helpers.ts";
import { EXIT } from "../src/errors.ts";

const python = (await findPython("torch")).python;
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
    assert.equal(res.code, EXIT.usage, res.stderr);
    assert.equal(
      res.stderr,
      "error: --torch python3 cannot run PyTorch: python3 (no torch package)\n",
    );
  },
});

Deno.test({
  name:
    "bench/torch_rnn.py makes each batch as it is taken: none before the first step but its own",
  ignore: python === undefined,
  fn: async () => {
    // time_steps with --iters 100000, its train_step stopping the script at the first step and
    // printing how many batches the random sampler had made by then.
    const script = `
import importlib.util, random, sys, types
spec = importlib.util.spec_from_file_location("torch_rnn", "bench/torch_rnn.py")
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
made, sampler = [0], m.data_iter_random
def counting(*a):
    for batch in sampler(*a):
        made[0] += 1
        yield batch
def first_step(*a):
    print(made[0])
    sys.exit(0)
m.data_iter_random, m.train_step = counting, first_step
args = types.SimpleNamespace(seed=0, batch_size=2, num_steps=3, hidden=4, warmup=1, iters=100000,
                             impl="eager")
corpus = {"indices": [random.Random(0).randrange(5) for _ in range(20)], "vocabSize": 5}
m.time_steps(args, corpus, m.torch.device("cpu"), lambda: None)
`;
    const out = await new Deno.Command(python!, { args: ["-c", script], cwd: ROOT }).output();
    const text = new TextDecoder();
    assert.ok(out.success, text.decode(out.stderr));
    assert.equal(text.decode(out.stdout).trim(), "1");
  },
});

Deno.test({
  name:
    "bench/torch_rnn.py --fingerprint names torch's version, device and threads, and the BLAS it really loaded",
  ignore: python === undefined,
  fn: async () => {
    const f = await torchFingerprint(python!, "cpu", ROOT);
    assert.match(f.version, /^\d+\.\d+/);
    assert.equal(f.device, "cpu");
    assert.ok(f.threads >= 1 && f.interopThreads >= 1);
    assert.equal(f.cuda, null);
    if (Deno.build.os === "linux") {
      assert.ok(f.blasLibraries.length > 0, "the mapped BLAS library");
      if (f.openblas) {
        assert.match(f.openblas.config, /^OpenBLAS \d/);
        assert.ok(f.openblas.core.length > 0 && f.openblas.threads >= 1);
        // OPENBLAS_CORETYPE picks the kernel, and the fingerprint sees the one that ran.
        const out = await new Deno.Command(python!, {
          args: ["bench/torch_rnn.py", "--fingerprint"],
          cwd: ROOT,
          env: { OPENBLAS_CORETYPE: "Haswell" },
          stdout: "piped",
        }).output();
        assert.equal(JSON.parse(new TextDecoder().decode(out.stdout)).openblas.core, "Haswell");
      }
    }
  },
});
