// Names are data: over generated file names of every hostile class, the submission is copied to
// a name the grader chose, in its own folder, and reached through a file URL that reads back as
// the same path; the student's name shows only as escaped text.

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { PyRandom } from "../random/py_random.ts";
import { nameText } from "./feedback.ts";
import { gradedPath } from "./graded_name.ts";
import { hostileName, NAME_CLASSES, NAME_MAX_BYTES } from "./hostile_names.ts";
import { infoArgs } from "./imports.ts";
import { copyRegularFiles } from "./private_copy.ts";

const GRADED = /^submission(-\d+)?\.(ts|ipynb)$/;

Deno.test("the name generator covers every class, a leading '-' and the 255-byte limit", () => {
  const rng = new PyRandom(1);
  const names = Array.from(
    { length: 2000 },
    () => hostileName(rng, rng.randbelow(2) ? ".ts" : ".ipynb"),
  );
  const bytes = names.map((n) => new TextEncoder().encode(n).length);
  assert.ok(Math.max(...bytes) <= NAME_MAX_BYTES && Math.max(...bytes) >= NAME_MAX_BYTES - 3);
  assert.ok(names.some((n) => n.startsWith("-")));
  for (const piece of ["#", "?", "%20", "%zz", "\t", "\n", "\r", "שלום", "e\u0301", " ", "`"]) {
    assert.ok(names.some((n) => n.includes(piece)), JSON.stringify(piece));
  }
  assert.ok(names.every((n) => !n.includes("/") && !n.includes("\0") && !n.startsWith(".")));
});

Deno.test("gradedPath: the grader's name, in the student's folder, never a name taken (3000 names)", () => {
  const rng = new PyRandom(2);
  for (let i = 0; i < 3000; i++) {
    const cls = NAME_CLASSES[i % NAME_CLASSES.length];
    const ext = i % 3 === 0 ? ".ipynb" : ".ts";
    const name = hostileName(rng, ext, cls);
    const folder = i % 4 === 0 ? `${hostileName(rng, "", cls)}/` : "";
    const taken = new Set(
      i % 5 === 0 ? ["submission.ts", "submission.ipynb", "submission-2.ts"] : [],
    );
    const graded = gradedPath(`${folder}${name}`, taken);
    const base = graded.slice(folder.length);
    assert.ok(graded.startsWith(folder), JSON.stringify(name));
    assert.match(base, GRADED);
    assert.ok(!taken.has(base));
    assert.equal(base.endsWith(".ipynb"), ext === ".ipynb");
    // The module Deno is given is a file URL that reads back as the very path.
    const path = join("/tmp/grading-x/submission", graded);
    assert.equal(fileURLToPath(pathToFileURL(path)), path);
    const args = infoArgs(path, "/tmp/grading-x/info.json");
    assert.equal(fileURLToPath(args.at(-1)!), path);
    // The name as text: no character that starts a line, moves the cursor or reorders text.
    // deno-lint-ignore no-control-regex
    assert.doesNotMatch(nameText(name), /[\x00-\x1f\x7f-\x9f\u2028\u2029\u200f\u202e]/);
  }
});

Deno.test("the private copy holds the submission under the grader's name only (300 names on disk)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const rng = new PyRandom(3);
    for (let i = 0; i < 300; i++) {
      const cls = NAME_CLASSES[i % NAME_CLASSES.length];
      const name = hostileName(rng, i % 2 ? ".ts" : ".ipynb", cls);
      const from = join(dir, `from-${i}`);
      await Deno.mkdir(from);
      const text = `// ${i}\nexport const name = ${JSON.stringify(name)};\n`;
      await Deno.writeTextFile(join(from, name), text);
      if (i % 3 === 0) await Deno.writeTextFile(join(from, "submission.ts"), "// another file\n");
      const to = join(dir, `to-${i}`);
      const report = await copyRegularFiles(from, to, name);
      assert.deepEqual(report.leftOut, []);
      assert.match(report.graded!, GRADED);
      assert.equal(await Deno.readTextFile(join(to, report.graded!)), text);
      const copied = (await Array.fromAsync(Deno.readDir(to))).map((e) => e.name).sort();
      assert.ok(!copied.includes(name), JSON.stringify(name));
      assert.equal(copied.length, i % 3 === 0 ? 2 : 1);
      if (i % 3 === 0) {
        assert.equal(await Deno.readTextFile(join(to, "submission.ts")), "// another file\n");
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
