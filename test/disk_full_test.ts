// A full disk during a run (ENOSPC, `os error 28`): one line that says so with the folder, exit 1,
// and the folder keeps its last complete checkpoint, from which --resume ends where a run never
// stopped would. First with writes that fail on cue (src/testing.ts's withFullDisk), at every
// point of a run; then, where this process may mount one (root), on a real tmpfs too small.

import assert from "node:assert/strict";
import { join } from "node:path";
import { readRunDir, resumeTraining, runTraining } from "../run.ts";
import { EXIT, UsageError } from "../src/errors.ts";
import { PARAM_NAMES } from "../src/model/params.ts";
import { tinyConfig, tinyFlags, withFullDisk } from "../src/testing.ts";
import { runTask } from "./_helpers.ts";

const tempDir = () => Deno.makeTempDir({ prefix: "rnnlab-disk-full-" });
const config = tinyConfig({ epochs: 3 });
const corpus = { fetch: null };

/** The perplexities and the parameters' bytes of the complete run in `dir`. */
async function outcome(dir: string) {
  const { record, params } = await readRunDir(dir);
  assert.equal(record.status, "complete");
  return {
    curve: record.curve.map((r) => r.perplexity),
    params: PARAM_NAMES.map((n) => new Uint8Array(params[n].data.buffer)),
  };
}

/** The names in `dir` that are temporary files of an atomic write. */
const temporaries = (dir: string) =>
  [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".tmp"));

Deno.test("a disk that fills at any point of a run: one line with the folder, exit 1, and --resume ends as a run never stopped", async () => {
  const dir = await tempDir();
  const straight = join(dir, "straight");
  await runTraining(config, { corpus, backend: "cpu", out: straight });
  const expected = await outcome(straight);
  // A new run writes its parameters once, then 4 files an epoch (the last twice more).
  for (const writes of [0, 1, 2, 3, 4, 5, 8, 12]) {
    const out = join(dir, `full-after-${writes}`);
    const err = await withFullDisk(
      writes,
      () => runTraining(config, { corpus, backend: "cpu", out }),
    )
      .then(() => assert.fail(`a run with ${writes} writes left completed`), (e: Error) => e);
    assert.ok(err instanceof UsageError, err.stack);
    assert.equal(err.exitCode, EXIT.failed);
    assert.doesNotMatch(err.message, /\n/);
    assert.deepEqual(temporaries(out), [], "no temporary file left");
    const prefix = `no space left on the device holding ${out} \\(\\S+ not written\\); `;
    if (writes <= 1) { // its parameters, but no run.json yet: no run to resume
      assert.match(err.message, new RegExp(`^${prefix}nothing of the run was kept: `));
      continue;
    }
    assert.match(
      err.message,
      new RegExp(
        `^${prefix}its checkpoint of epoch \\d \\(or a later one\\) is kept there: ` +
          `free some space, then deno task train --resume ${out}$`,
      ),
    );
    await resumeTraining(out, { backend: "cpu" }); // the hint, followed
    assert.deepEqual(await outcome(out), expected, `filled after ${writes} writes, then resumed`);
  }
  await Deno.remove(dir, { recursive: true });
});

/** Mounts a tmpfs of `kib` KiB on a new folder, or says why it cannot. */
async function tinyTmpfs(kib: number): Promise<{ dir: string } | { why: string }> {
  const id = await new Deno.Command("id", { args: ["-u"], stdout: "piped" }).output();
  if (new TextDecoder().decode(id.stdout).trim() !== "0") {
    return { why: "not root: cannot mount a tmpfs" };
  }
  const dir = await tempDir();
  const out = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", `size=${kib}k`, "tmpfs", dir],
    stderr: "piped",
  }).output().catch((err: Error) => ({
    success: false,
    stderr: new TextEncoder().encode(err.message),
  }));
  if (out.success) return { dir };
  await Deno.remove(dir);
  return { why: `mount -t tmpfs failed: ${new TextDecoder().decode(out.stderr).trim()}` };
}

/** Unmounts the tmpfs on `dir` and removes the folder. */
async function unmount(dir: string): Promise<void> {
  await new Deno.Command("umount", { args: [dir] }).output();
  await Deno.remove(dir, { recursive: true });
}

// Whether a tmpfs can be mounted here, tried once and unmounted at once (a filtered-out test must
// leave no mount behind); the test mounts its own.
const probe = await tinyTmpfs(48);
if ("dir" in probe) await unmount(probe.dir);
else console.error(`skipping the real full disk: ${probe.why}`);

Deno.test({
  name:
    "deno task train on a real tmpfs too small for the run: one line, exit 1, and the run resumes elsewhere",
  ignore: "why" in probe,
  fn: async () => {
    const tmpfs = await tinyTmpfs(48);
    if ("why" in tmpfs) throw new Error(tmpfs.why);
    const { dir } = tmpfs;
    const out = join(dir, "run");
    const args = [...tinyFlags({ epochs: 3 }), "--backend", "cpu"];
    try {
      const full = await runTask("train", [...args, "--out", out]);
      assert.equal(full.code, EXIT.failed, full.stderr);
      const lines = full.stderr.trim().split("\n");
      assert.match(
        lines.at(-1)!,
        /^error: no space left on the device holding \S+ \(\S+ not written\); its checkpoint of epoch \d \(or a later one\) is kept there: free some space, then deno task train --resume \S+$/,
      );
      assert.doesNotMatch(full.stderr, /internal error|os error/);
      assert.deepEqual(temporaries(out), []);
      // Space freed: the folder, moved to a disk with room, resumes to the run never stopped.
      const roomy = await tempDir();
      const moved = join(roomy, "run");
      await Deno.mkdir(moved);
      for (const e of Deno.readDirSync(out)) {
        await Deno.copyFile(join(out, e.name), join(moved, e.name));
      }
      const resumed = await runTask("train", ["--resume", moved]);
      assert.equal(resumed.code, EXIT.ok, resumed.stderr);
      const straight = join(roomy, "straight");
      assert.equal((await runTask("train", [...args, "--out", straight])).code, EXIT.ok);
      assert.deepEqual(await outcome(moved), await outcome(straight));
      await Deno.remove(roomy, { recursive: true });
    } finally {
      await unmount(dir);
    }
  },
});
