import assert from "node:assert/strict";
import { join } from "node:path";
import { DiskFullError, EXIT } from "../errors.ts";
import { fsReason } from "./fs.ts";
import { writeFileAtomic } from "./atomic_write.ts";
import { withFullDisk } from "../testing.ts";

Deno.test("a full disk: the file keeps what it held, no temporary file is left, one line names it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-atomic-" });
  const path = join(dir, "run.json");
  await writeFileAtomic(path, "before");
  for (const data of ["after, longer than before", new TextEncoder().encode("after")]) {
    const err = await withFullDisk(0, () => writeFileAtomic(path, data)).then(
      () => assert.fail("the write went through"),
      (e: Error) => e,
    );
    assert.ok(err instanceof DiskFullError, err.stack);
    assert.equal(err.exitCode, EXIT.failed);
    assert.equal(err.path, path);
    assert.equal(
      err.message,
      `no space left on the device to write ${path}; the files written before are kept`,
    );
    assert.equal(await Deno.readTextFile(path), "before");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["run.json"]);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("fsReason says a full disk in words, for ENOSPC and for a quota (EDQUOT)", () => {
  for (const [code, n] of [["ENOSPC", 28], ["EDQUOT", 122]] as const) {
    const err = Object.assign(new Error(`Disk quota exceeded (os error ${n}): open 'x'`), { code });
    assert.equal(fsReason(err), "no space left on the device");
  }
});
