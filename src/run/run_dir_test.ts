import assert from "node:assert/strict";
import { join } from "node:path";
import { UsageError } from "../errors.ts";
import { initParamArrays } from "../model/params.ts";
import { PyRandom } from "../random/py_random.ts";
import { recordOf, tinyConfig } from "../testing.ts";
import { RUN_FILES, type RunRecord } from "./record.ts";
import {
  checkUsable,
  openNewRunDir,
  openRunDirToResume,
  readRecord,
  readRunDir,
  writeRunDir,
} from "./run_dir.ts";

const tempDir = () => Deno.makeTempDir({ prefix: "rnnlab-run-dir-" });
const config = tinyConfig();
const vocab = [..."不分开我的你"];

/** A record of the tiny config's run over {@linkcode vocab} after `perplexities`. */
const record = (status: RunRecord["status"], perplexities: number[]) =>
  recordOf(config, status, perplexities, vocab);

/** Whether `fn` fails with a one-line UsageError matching `pattern`. */
async function refuses(fn: () => Promise<unknown>, pattern: RegExp) {
  await assert.rejects(fn, (err: Error) => {
    assert.ok(err instanceof UsageError, err.stack);
    assert.match(err.message, pattern);
    assert.ok(!err.message.includes("\n"));
    return true;
  });
}

Deno.test("a run folder reads back as written: run.json, the parameters and their digest, the checkpoint", async () => {
  const dir = await tempDir();
  const params = initParamArrays(vocab.length, config.hidden, 0);
  const sampler = new PyRandom(0).getState();
  const written = await writeRunDir(dir, record("running", [30, 20]), params, undefined, sampler);
  assert.equal(written.params.file, RUN_FILES.params);
  const back = await readRunDir(dir);
  assert.deepEqual(back.record, written);
  assert.deepEqual(back.params, params);
  const resumable = await openRunDirToResume(dir);
  try {
    assert.deepEqual(resumable.checkpoint.sampler, sampler);
    assert.deepEqual(resumable.checkpoint.curve.map((r) => r.perplexity), [30, 20]);
    assert.equal(resumable.sha256, written.params.sha256);
  } finally {
    resumable.lock.release();
  }
});

Deno.test("a run folder that does not add up is refused in one line: missing, foreign, tampered, misshapen", async () => {
  const dir = await tempDir();
  await refuses(() => readRecord(join(dir, "none")), /^run folder .*none does not exist$/);
  await Deno.writeTextFile(join(dir, "file"), "");
  await refuses(() => readRecord(join(dir, "file")), /is not a folder$/);
  await refuses(() => readRecord(dir), /is incomplete: run\.json missing$/);
  await Deno.writeTextFile(join(dir, RUN_FILES.record), "{");
  await refuses(() => readRecord(dir), /run\.json is not valid JSON$/);
  await Deno.writeTextFile(join(dir, RUN_FILES.record), '{"format": "other"}');
  await refuses(() => readRecord(dir), /run\.json is not an rnnlab-run\/1 record$/);
  const params = initParamArrays(vocab.length, config.hidden, 0);
  await writeRunDir(dir, record("complete", [9]), params, undefined);
  const bytes = await Deno.readFile(join(dir, RUN_FILES.params));
  bytes[bytes.length - 1] ^= 1; // one bit of one parameter
  await Deno.writeFile(join(dir, RUN_FILES.params), bytes);
  await refuses(() => readRunDir(dir), /params\.safetensors does not match run\.json's digest$/);
  await writeRunDir(dir, { ...record("complete", [9]), vocab: vocab.slice(1) }, params, undefined);
  await refuses(() => readRunDir(dir), /W_xh should have shape \[5,8\], has \[6,8\]$/);
});

Deno.test("a new run takes an empty folder, or with --force one holding a run's files only", async () => {
  const made = join(await tempDir(), "new", "run");
  (await openNewRunDir(made)).release(); // made, and left empty
  assert.deepEqual([...Deno.readDirSync(made)], []);
  const dir = await tempDir();
  await writeRunDir(dir, record("complete", [9]), initParamArrays(6, 8, 0), undefined);
  await refuses(
    () => openNewRunDir(dir),
    /holds a run \(complete\); pass --force to replace it, or train it further with deno task train --resume .* --epochs N$/,
  );
  (await openNewRunDir(dir, true)).release();
  assert.deepEqual([...Deno.readDirSync(dir)], [], "the run's files cleared");
  await Deno.writeTextFile(join(dir, "notes.txt"), "mine");
  for (const force of [false, true]) {
    await refuses(
      () => openNewRunDir(dir, force),
      /holds files that are not a run's \(notes\.txt\), which --force leaves alone; move them away, or give --out a new or empty folder$/,
    );
  }
  assert.equal(
    await Deno.readTextFile(join(dir, "notes.txt")),
    "mine",
    "what is not a run's is kept",
  );
});

Deno.test("the hint for a folder that holds a run is the one that works there", async () => {
  const cases: [RunRecord["status"] | "none", RegExp][] = [
    [
      "interrupted",
      /holds a run \(interrupted\); pass --force to replace it, or continue it with deno task train --resume \S+$/,
    ],
    ["running", /or continue it with deno task train --resume \S+$/],
    ["diverged", /holds a run \(diverged\); pass --force to replace it$/],
    ["none", /holds the remains of a run \(params\.safetensors\) but no run\.json; pass --force/],
  ];
  for (const [status, pattern] of cases) {
    const dir = await tempDir();
    await writeRunDir(
      dir,
      record(status === "none" ? "running" : status, [9]),
      initParamArrays(6, 8, 0),
      undefined,
      new PyRandom(0).getState(),
    );
    if (status === "none") await Deno.remove(join(dir, RUN_FILES.record));
    await refuses(() => openNewRunDir(dir), pattern);
    if (status === "interrupted" || status === "running") {
      (await openRunDirToResume(dir)).lock.release(); // --resume takes it
    }
    (await openNewRunDir(dir, true)).release(); // --force takes it
  }
});

Deno.test("parameters are a model only from a run that did not diverge and did an epoch", () => {
  const params = initParamArrays(6, 8, 0);
  assert.doesNotThrow(() =>
    checkUsable("r", { ...record("complete", [9]), params: { file: "", sha256: "" } }, params)
  );
  const usable = (r: Omit<RunRecord, "params">, p = params) => () =>
    checkUsable("r", { ...r, params: { file: "", sha256: "" } }, p);
  assert.throws(
    usable({
      ...record("diverged", [9]),
      divergence: { epoch: 1, reason: "the loss is not finite" },
    }),
    /^UsageError: run r diverged in epoch 1 \(the loss is not finite\); its parameters are no model$/,
  );
  assert.throws(usable(record("running", [])), /no epoch done yet/);
  const nan = { ...params, b_y: { shape: [6], data: new Float32Array(6).fill(NaN) } };
  assert.throws(usable(record("complete", [9]), nan), /parameters that are not finite/);
});
