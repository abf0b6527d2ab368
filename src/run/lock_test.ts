import assert from "node:assert/strict";
import { join } from "node:path";
import { UsageError } from "../errors.ts";
import { LOCK_FILE, lockRunDir } from "./lock.ts";

const tempDir = () => Deno.makeTempDir({ prefix: "rnnlab-lock-" });

Deno.test("a run folder's lock names its owner in run.lock, and releasing it removes the file", async () => {
  const dir = await tempDir();
  const before = Date.now();
  const lock = await lockRunDir(dir);
  const owner = JSON.parse(await Deno.readTextFile(join(dir, LOCK_FILE)));
  assert.equal(owner.pid, Deno.pid);
  assert.ok(Date.parse(owner.since) >= before - 1000, owner.since);
  assert.equal(lock.tookOverFrom, undefined);
  lock.release();
  lock.release(); // twice is harmless
  assert.deepEqual([...Deno.readDirSync(dir)], []);
  (await lockRunDir(dir)).release(); // and the folder can be locked again
});

Deno.test("a locked folder is refused in one line that names the owner and what the folder is", async () => {
  const dir = await tempDir();
  const lock = await lockRunDir(dir);
  const { since } = JSON.parse(await Deno.readTextFile(join(dir, LOCK_FILE)));
  try {
    for (
      const [what, pattern] of [
        [
          undefined,
          `run folder ${dir} is in use by process ${Deno.pid} \\(since ${since}\\); two runs never share a folder`,
        ],
        [
          "sweep folder",
          `sweep folder ${dir} is in use by process ${Deno.pid} .*; two sweeps never share a folder`,
        ],
      ] as const
    ) {
      await assert.rejects(() => lockRunDir(dir, what), (err: Error) => {
        assert.ok(err instanceof UsageError);
        assert.match(err.message, new RegExp(`^${pattern.replaceAll("/", "\\/")}$`));
        return true;
      });
    }
    // The refusal leaves the owner's file as it was.
    assert.equal(JSON.parse(await Deno.readTextFile(join(dir, LOCK_FILE))).pid, Deno.pid);
  } finally {
    lock.release();
  }
});

Deno.test("a lock file nobody holds is stale: taken over, saying whose it was; garbage is taken over silently", async () => {
  const dir = await tempDir();
  const stale = { pid: 999999, since: "2020-01-01T00:00:00.000Z" };
  await Deno.writeTextFile(join(dir, LOCK_FILE), JSON.stringify(stale));
  const lock = await lockRunDir(dir);
  assert.deepEqual(lock.tookOverFrom, stale);
  assert.equal(JSON.parse(await Deno.readTextFile(join(dir, LOCK_FILE))).pid, Deno.pid);
  lock.release();

  await Deno.writeTextFile(join(dir, LOCK_FILE), "not json");
  const again = await lockRunDir(dir);
  assert.equal(again.tookOverFrom, undefined);
  again.release();
});

Deno.test("a folder that is not there, or is a file, cannot be locked: one line", async () => {
  const dir = await tempDir();
  await assert.rejects(
    () => lockRunDir(join(dir, "missing")),
    new UsageError(
      `run folder ${join(dir, "missing")} cannot be written: a folder on the way does not exist`,
    ),
  );
  await Deno.writeTextFile(join(dir, "file"), "");
  await assert.rejects(
    () => lockRunDir(join(dir, "file")),
    /^UsageError: run folder .*file cannot be written: a part of the path is a file$/,
  );
});
