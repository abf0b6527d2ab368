import assert from "node:assert/strict";
import { copyRegularFiles } from "./private_copy.ts";

Deno.test("the private copy holds regular files only, within its bounds, and says what it left out", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const from = `${dir}/from`;
    await Deno.mkdir(`${from}/sub/deeper`, { recursive: true });
    await Deno.writeTextFile(`${dir}/outside.txt`, "outside\n");
    await Deno.writeTextFile(`${from}/main.ts`, "export {};\n");
    await Deno.writeTextFile(`${from}/a.txt`, "a".repeat(10));
    await Deno.writeTextFile(`${from}/b.txt`, "b".repeat(100));
    await Deno.writeTextFile(`${from}/sub/c.txt`, "c");
    await Deno.writeTextFile(`${from}/sub/deeper/d.txt`, "d");
    await Deno.symlink(`${dir}/outside.txt`, `${from}/link.txt`);
    await Deno.link(`${dir}/outside.txt`, `${from}/hard.txt`);
    const report = await copyRegularFiles(from, `${dir}/to`, "main.ts", {
      files: 4,
      bytes: 60,
      depth: 1,
    });
    assert.deepEqual(report.leftOut, [
      { path: "b.txt", why: "100 bytes would pass the copy's bound of 60" },
      { path: "link.txt", why: "a symbolic link" },
      { path: "sub/deeper", why: "a folder deeper than 1" },
    ]);
    assert.deepEqual([report.files, report.bytes], [4, 30]); // main, a, hard, sub/c
    assert.equal(await Deno.readTextFile(`${dir}/to/hard.txt`), "outside\n");
    assert.ok((await Deno.lstat(`${dir}/to/hard.txt`)).nlink === 1); // a copy, not a link
    const more = await copyRegularFiles(from, `${dir}/to2`, "main.ts", {
      files: 2,
      bytes: 1000,
      depth: 8,
    });
    assert.deepEqual(
      more.leftOut.filter((l) => l.why === "the copy's bound of 2 files").map((l) => l.path),
      ["b.txt", "hard.txt", "sub/c.txt", "sub/deeper/d.txt"], // main.ts first, then a.txt
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
