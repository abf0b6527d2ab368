// The autograder's parts that run tools in the sandbox: the import check (deno info) and the flags
// the child and the tools run with. The parts that run in-process are beside their modules in
// src/grade/ (codec, value_diff, protocol, private_copy, feedback, reference_primitives).

import assert from "node:assert/strict";
import { infoArgs } from "../src/grade/imports.ts";
import { childArgs, Sandbox } from "../src/grade/sandbox.ts";
import { ROOT } from "./_helpers.ts";

Deno.test("the import check allows the submission's folder and tfjs only, and reads nothing else", async () => {
  const dir = await Deno.makeTempDir();
  const sandbox = await Sandbox.open();
  try {
    await Deno.writeTextFile(`${dir}/helper.ts`, "export const x = 1;\n");
    await Deno.writeTextFile(
      `${dir}/ok.ts`,
      'import * as tf from "@tensorflow/tfjs";\nimport tf2 from "npm:@tensorflow/tfjs@4.22.0";\n' +
        'import { x } from "./helper.ts";\nexport const y = [tf, tf2, x, await import("./helper.ts")];\n',
    );
    await Deno.writeTextFile(
      `${dir}/bad.ts`,
      `import g from "${ROOT}golden/corpus.json" with { type: "json" };\n` +
        'import { unzipSync } from "fflate";\nimport * as fs from "node:fs";\n' +
        `const d = await import("data:text/javascript,export * from '${ROOT}src/grade/staff_solution.ts';");\n` +
        "export const y = [g, unzipSync, fs, d];\n",
    );
    await Deno.symlink(`${ROOT}src/grade/staff_solution.ts`, `${dir}/link.ts`);
    await Deno.writeTextFile(`${dir}/linked.ts`, 'export * from "./link.ts";\n');
    const problems = async (name: string) => {
      const grading = await sandbox.grading(dir, `${dir}/${name}`);
      try {
        return await grading.importProblems();
      } finally {
        await grading.close();
      }
    };
    assert.deepEqual(await problems("ok.ts"), []);
    const bad = await problems("bad.ts");
    assert.equal(bad.length, 4, bad.join("\n"));
    assert.match(
      bad.join("\n"),
      /golden\/corpus\.json[\s\S]*"fflate"[\s\S]*"node:fs"[\s\S]*"data:/,
    );
    // The link was left out of the private copy: what it pointed at is not even looked at.
    assert.deepEqual(await problems("linked.ts"), ['link.ts: Module not found "link.ts".']);
  } finally {
    await sandbox.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the child and the grader's tools run with every sandbox flag", () => {
  const args = childArgs(
    {
      entry: "/w/child/src/grade/child_entry.ts",
      code: "/w/child/plain",
      packages: ["/r/node_modules/.deno"],
      config: "/w/g/deno.json",
      copy: "/w/g/submission",
      denoDir: "/w/g/deno_dir",
    },
    { timeoutMs: 1000, heapMb: 256, rssMb: 512, stdoutBytes: 1, diskMb: 1 },
    7,
  );
  assert.deepEqual(args, [
    "run",
    "--no-prompt",
    "--no-remote",
    "--cached-only",
    "--no-lock",
    "--config=/w/g/deno.json",
    "--seed=7",
    "--v8-flags=--max-old-space-size=256",
    "--allow-read=/w/g/submission",
    "/w/child/src/grade/child_entry.ts",
  ]);
  assert.deepEqual(infoArgs("/w/g/submission/a.ts", "/w/g/info.json"), [
    "info",
    "--json",
    "--no-remote",
    "--no-npm",
    "--no-lock",
    "--config=/w/g/info.json",
    "file:///w/g/submission/a.ts",
  ]);
});
