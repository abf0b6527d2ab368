// The autograder's parts on their own: the wire format, the comparison and its messages, the
// channel parser, the import check, the sandbox flags, the private copy, the escaping of control
// characters, and the contract of the known solutions.

import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import * as alternative from "../fixtures/solutions/alternative.ts";
import * as starter from "../src/grade/starter/rnn_scratch.ts";
import { decodeValue, encodeJson, FormatError, type TensorValue } from "../src/grade/codec.ts";
import { compareValues } from "../src/grade/value_diff.ts";
import type { Submission } from "../src/grade/contract.ts";
import { infoArgs } from "../src/grade/imports.ts";
import { copyRegularFiles } from "../src/grade/private_copy.ts";
import { ChannelReader } from "../src/grade/protocol.ts";
import { REFERENCE_PRIMITIVES } from "../src/grade/reference_primitives.ts";
import { visible } from "../src/grade/feedback.ts";
import { childArgs, Sandbox } from "../src/grade/sandbox.ts";
import * as staff from "../src/grade/staff_solution.ts";
import { ROOT } from "./_helpers.ts";

// Compile-time: the staff solution, the alternative and the starter all satisfy the contract.
const _solutions: Submission[] = [staff, alternative, starter];

const t = (dtype: string, shape: number[], data: number[]): TensorValue => ({
  kind: "tensor",
  dtype,
  shape,
  data,
});
const roundTrip = (x: unknown) => decodeValue(JSON.parse(encodeJson(x)));
const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test("the wire format carries tensors, non-finite numbers and describes the rest", () => {
  tf.enableProdMode();
  assert.deepEqual(
    roundTrip([tf.tensor2d([[1, 2]], [1, 2], "int32"), NaN, -Infinity, "分开", null]),
    [
      t("int32", [1, 2], [1, 2]),
      NaN,
      -Infinity,
      "分开",
      null,
    ],
  );
  assert.deepEqual(roundTrip(tf.tensor1d([NaN, Infinity])), t("float32", [2], [NaN, Infinity]));
  assert.deepEqual(roundTrip([Promise.resolve(1), undefined, { a: 1 }]), [
    { kind: "other", what: "Promise" },
    { kind: "other", what: "undefined" },
    { kind: "other", what: "Object" },
  ]);
  const ragged = tf.tensor2d([[1, 2, 3], [4, 5]] as unknown as number[][]);
  assert.match(
    (roundTrip(ragged) as { what: string }).what,
    /malformed tensor \(5 values for shape \[2, 3\]\)/,
  );
  assert.throws(() => encodeJson(new Array(100).fill(1), 50), /larger than 50 characters/);
});

Deno.test("the grader's reader refuses anything outside the wire format", () => {
  const bad: [unknown, RegExp][] = [
    [{ $tensor: { dtype: "float64", shape: [1], data: [1] } }, /unknown dtype/],
    [{ $tensor: { dtype: "int32", shape: [2], data: [1] } }, /1 elements for shape \[2\]/],
    [{ $tensor: { dtype: "int32", shape: [1], data: [1], extra: 1 } }, /unexpected keys/],
    [{ score: 100 }, /unexpected object/],
    [{ $num: "1e999" }, /not a number/],
  ];
  for (const [json, message] of bad) {
    assert.throws(
      () => decodeValue(json),
      (e) => e instanceof FormatError && message.test(e.message),
    );
  }
});

Deno.test("comparisons check structure, dtype, shape, then values, and name the first difference", () => {
  const name = (p: number[]) => `at [${p}]`;
  const tol = { rtol: 1e-4, atol: 1e-5 };
  const want = [t("float32", [2, 2], [1, 2, 3, 4])];
  assert.equal(compareValues(want, [t("float32", [2, 2], [1, 2, 3, 4.0001])], tol, name), null);
  assert.equal(
    compareValues(want, [t("float32", [2, 2], [1, 2, 3.1, 4])], tol, name),
    "at [0]: element [1, 0] is 3.1, expected 3 (within rtol 0.0001, atol 0.00001; 1 of 4 elements differ)",
  );
  assert.equal(
    compareValues(want, [t("int32", [2, 2], [1, 2, 3, 4])], tol, name),
    "at [0]: dtype is int32, expected float32",
  );
  assert.equal(
    compareValues(want, [t("float32", [4], [1, 2, 3, 4])], tol, name),
    "at [0]: shape is [4], expected [2, 2]",
  );
  assert.equal(
    compareValues(want, [[1, 2]], tol, name),
    "at [0]: expected a float32 tensor of shape [2, 2], got a list of 2",
  );
  assert.equal(compareValues(want, [], tol, name), "at []: a list of 0, expected 1");
  assert.equal(
    compareValues(t("int32", [1], [7]), t("int32", [1], [8]), tol, name),
    "at []: element [0] is 8, expected 7 (exactly; 1 of 1 elements differ)",
  );
  assert.equal(
    compareValues(2, NaN, tol, name),
    "at []: got NaN, expected 2 (within rtol 0.0001, atol 0.00001)",
  );
  assert.match(compareValues("分开我", "分开你", null, name)!, /first differ at character 2/);
});

Deno.test("only lines with the nonce are messages; the rest is output, passed on as it comes", () => {
  const reader = new ChannelReader("n0nce", 1000);
  const events = [
    ...reader.push(
      bytes(
        'hello\n{"t":"done"}\nnonce {"t":"done"}\n\nn0nce {"t":"result","case":0,"value":[1]}\npart',
      ),
    ),
    ...reader.push(bytes("ial\nn0")),
    ...reader.push(bytes('nce {"t":"do')),
    ...reader.push(bytes('ne"}\n')),
    ...reader.end(),
  ];
  assert.deepEqual(events, [
    { kind: "output", text: 'hello\n{"t":"done"}\nnonce {"t":"done"}\n' },
    {
      kind: "message",
      message: { t: "result", case: 0, value: [1] },
      json: '{"t":"result","case":0,"value":[1]}',
    },
    { kind: "output", text: "part" },
    { kind: "output", text: "ial" },
    { kind: "message", message: { t: "done" }, json: '{"t":"done"}' },
  ]);
  // A line that cannot be a message is passed on at once, newline or not: nothing piles up.
  const long = new ChannelReader("n0nce", 1 << 20);
  assert.deepEqual(long.push(bytes("x".repeat(1000))), [{
    kind: "output",
    text: "x".repeat(1000),
  }]);
  assert.deepEqual(long.push(bytes("\nn0n")), [{ kind: "output", text: "" }].slice(1));
  assert.deepEqual(long.end(), [{ kind: "output", text: "\nn0n" }]);
  assert.throws(
    () => new ChannelReader("n", 1000).push(bytes('\nn {"t":"result","case":"0","value":1}\n')),
    /bad case index/,
  );
  assert.throws(
    () => new ChannelReader("n", 1000).push(bytes('\nn {"t":"done","score":100}\n')),
    /malformed message/,
  );
  assert.throws(() => new ChannelReader("n", 10).push(bytes("x".repeat(11))), /more than 10 bytes/);
});

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
    "/w/g/submission/a.ts",
  ]);
});

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

Deno.test("control characters are shown escaped, tab and newline kept", () => {
  assert.equal(
    visible("a\tb\nc\x1b[2J\rd\x07\x9b\u202eé分"),
    "a\tb\nc\\x1b[2J\\x0dd\\x07\\x9b\\u202eé分",
  );
});

Deno.test("the primitives handed to submissions equal the staff solution's", () => {
  const data = tf.tensor2d([[0, 3, 1], [2, 2, 4]], [2, 3], "int32");
  const same = (a: unknown, b: unknown) =>
    assert.deepEqual(JSON.parse(encodeJson(a)), JSON.parse(encodeJson(b)));
  const inputs = REFERENCE_PRIMITIVES.getInputs(data, 5);
  same(inputs, staff.getInputs(data, 5));
  const params = [[5, 4], [4, 4], [4], [4, 5], [5]].map((s, i) =>
    tf.randomNormal(s, 0, 1, "float32", i)
  ) as never;
  const state = tf.randomNormal([2, 4], 0, 1, "float32", 9) as tf.Tensor2D;
  same(REFERENCE_PRIMITIVES.rnn(inputs, state, params), staff.rnn(inputs, state, params));
  same(REFERENCE_PRIMITIVES.gradClipping(params, 1), staff.gradClipping(params, 1));
  const corpus = Array.from({ length: 50 }, (_, i) => i);
  const rng = () => ({ seed: 5, shuffle: (x: number[]) => x.reverse() });
  same([...REFERENCE_PRIMITIVES.dataIterRandom(corpus, 2, 4, rng())], [
    ...staff.dataIterRandom(corpus, 2, 4, rng()),
  ]);
  same([...REFERENCE_PRIMITIVES.dataIterConsecutive(corpus, 3, 4)], [
    ...staff.dataIterConsecutive(corpus, 3, 4),
  ]);
});
