// The house rules of docs/architecture.md, checked on the sources themselves with Deno's own
// parser (a lint plugin run in-process):
// - layers: every import of a module of src/ points down the layer table of docs/architecture.md
//   (or stays in its folder), and never to code outside src/; the table names every folder
//   once, and the drawing shows each on its layer's line;
// - sizes: no function over 80 lines and no class over 150 in src/ and tasks/, except the ones
//   listed below, each with its reason. A function is what TypeScript calls one: declarations,
//   methods, function expressions and arrows.

import assert from "node:assert/strict";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

/** The most lines a function may have. */
const FUNCTION_LINES = 80;
/** The most lines a class may have. */
const CLASS_LINES = 150;

/**
 * The functions and classes allowed to be longer, as `path#name`, each with why a longer one reads
 * better (or which issue is making it shorter). WGSL kernels written as template strings count as
 * WGSL sources, which the rule excepts.
 */
const ALLOWED: Readonly<Record<string, string>> = {
  "src/grade/class/unzip.ts#unzipSafely": "issue 21 (the grader's walls) is restructuring grade/",
  "src/grade/grader.ts#Grader": "issue 21 splits the plan of substitutions from running it",
  "src/grade/sandbox.ts#Sandbox": "issue 21 (the grader's walls) is restructuring grade/",
  "tasks/grade.ts#main": "issue 21 moves the grading modes and the Gradescope file into src/",
};

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** The TypeScript files under `dir` (a folder of the repository), tests included, as paths from the root. */
async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(join(ROOT, dir))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) files.push(...await sourceFiles(path));
    else if (entry.isFile && entry.name.endsWith(".ts")) files.push(path);
  }
  return files.sort();
}

/** A function or class found too long. */
interface Long {
  /** `path#name`, the path from the repository's root. */
  key: string;
  /** Its lines, first to last. */
  lines: number;
  /** `function` or `class`. */
  kind: "function" | "class";
}

/** The name a function or class goes by: its own, or what it is assigned to. */
function nameOf(node: Deno.lint.Node): string {
  const own = (node as { id?: { name?: string } | null }).id?.name;
  if (own) return own;
  const parent = (node as { parent?: Deno.lint.Node }).parent;
  if (parent?.type === "VariableDeclarator" && parent.id.type === "Identifier") {
    return parent.id.name;
  }
  if (parent?.type === "MethodDefinition" || parent?.type === "Property") {
    const key = parent.key;
    const owner = parent.type === "MethodDefinition" ? `${nameOf(parent.parent.parent)}.` : "";
    return owner +
      (key.type === "Identifier"
        ? key.name
        : key.type === "PrivateIdentifier"
        ? `#${key.name}`
        : "[computed]");
  }
  if (parent?.type === "PropertyDefinition" && parent.key.type === "Identifier") {
    return `${nameOf(parent.parent.parent)}.${parent.key.name}`;
  }
  return "(anonymous)";
}

/** Runs `visitors` over the syntax tree of `source` (Deno's parser, as a lint plugin in-process). */
function visit(path: string, source: string, visitors: Deno.lint.LintVisitor): void {
  const plugin = { name: "house", rules: { house: { create: () => visitors } } };
  Deno.lint.runPlugin(plugin, path, source);
}

/** The functions over {@linkcode FUNCTION_LINES} and classes over {@linkcode CLASS_LINES} of a file. */
function longOnes(path: string, source: string): Long[] {
  const found: Long[] = [];
  const lineOf = (offset: number) => source.slice(0, offset).split("\n").length;
  const measure = (kind: Long["kind"], most: number) => (node: Deno.lint.Node) => {
    const lines = lineOf(node.range[1]) - lineOf(node.range[0]) + 1;
    if (lines > most) found.push({ key: `${path}#${nameOf(node)}`, lines, kind });
  };
  const fn = measure("function", FUNCTION_LINES);
  const cls = measure("class", CLASS_LINES);
  visit(path, source, {
    FunctionDeclaration: fn,
    FunctionExpression: fn,
    ArrowFunctionExpression: fn,
    ClassDeclaration: cls,
    ClassExpression: cls,
  });
  return found;
}

Deno.test("no function over 80 lines and no class over 150 in src/ and tasks/, but the ones allowed with a reason", async () => {
  const long: Long[] = [];
  for (const path of [...await sourceFiles("src"), ...await sourceFiles("tasks")]) {
    long.push(...longOnes(path, await Deno.readTextFile(join(ROOT, path))));
  }
  const unexpected = long.filter((l) => !(l.key in ALLOWED));
  assert.deepEqual(
    unexpected.map((l) => `${l.key}: a ${l.kind} of ${l.lines} lines`),
    [],
    "shorten these, or allow them below with the reason a longer one reads better",
  );
  const stale = Object.keys(ALLOWED).filter((key) => !long.some((l) => l.key === key));
  assert.deepEqual(stale, [], "allowed but no longer long: take them off the list");
});

Deno.test("the size check measures functions, methods, arrows and classes by their lines", () => {
  const fields = (n: number) => Array.from({ length: n }, (_, i) => `  f${i} = ${i};`).join("\n");
  const body = (n: number) =>
    Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join("\n");
  const source = [
    `function longFn() {\n${body(80)}\n}`,
    `function shortFn() {\n${body(78)}\n}`,
    `const arrow = () => {\n${body(79)}\n};`,
    `class Big {\n  method() {\n${body(80)}\n  }\n${fields(70)}\n}`,
  ].join("\n");
  assert.deepEqual(longOnes("x.ts", source).map((l) => [l.key, l.kind, l.lines]), [
    ["x.ts#longFn", "function", 82],
    ["x.ts#arrow", "function", 81],
    ["x.ts#Big", "class", 154],
    ["x.ts#Big.method", "function", 82],
  ]);
});

/** The layer table of docs/architecture.md: each folder of src/ and its layer. */
function layerTable(doc: string): Map<string, number> {
  const layers = new Map<string, number>();
  for (const [, layer, folders] of doc.matchAll(/^\| (\d+) +\| (.+?) +\|/gm)) {
    for (const [, folder] of folders.matchAll(/`([^`]+)`/g)) {
      assert.ok(!layers.has(folder), `${folder} is on two layers`);
      layers.set(folder, Number(layer));
    }
  }
  return layers;
}

/** The relative module specifiers `source` imports or re-exports, statically or dynamically. */
function importsOf(path: string, source: string): string[] {
  const found: string[] = [];
  const add = (node: { source?: { value?: unknown } | null }) => {
    const spec = node.source?.value;
    if (typeof spec === "string" && spec.startsWith(".")) found.push(spec);
  };
  visit(path, source, {
    ImportDeclaration: add,
    ExportNamedDeclaration: add,
    ExportAllDeclaration: add,
    ImportExpression: (node) => {
      if (node.source.type === "Literal") add({ source: node.source });
    },
    TSImportType: (node) =>
      add({
        source: node.argument.type === "TSLiteralType"
          ? node.argument.literal as { value: unknown }
          : null,
      }),
  });
  return found;
}

/** The folder of a path under src/ (its first segment; a file at the top is its own). */
function folderOf(path: string): string {
  return path.split("/")[1];
}

Deno.test("every import in src/ points down the layers of docs/architecture.md", async () => {
  const doc = await Deno.readTextFile(join(ROOT, "docs", "architecture.md"));
  const layers = layerTable(doc);
  const files = (await sourceFiles("src")).filter((f) => !f.endsWith("_test.ts"));
  const folders = new Set(files.map(folderOf).filter((f) => f !== "testing.ts"));
  assert.deepEqual([...layers.keys()].sort(), [...folders].sort(), "the table names every folder");
  const wrong: string[] = [];
  for (const path of files.filter((f) => f !== "src/testing.ts")) {
    const from = folderOf(path);
    for (const spec of importsOf(path, await Deno.readTextFile(join(ROOT, path)))) {
      const target = normalize(join(dirname(path), spec));
      if (!target.startsWith("src/")) {
        if (!target.endsWith(".json")) wrong.push(`${path} imports ${spec}, code outside src/`);
        continue; // data: deno.json, golden/chapter_printed.json
      }
      const to = folderOf(target);
      if (to !== from && !(layers.get(to)! < layers.get(from)!)) {
        wrong.push(
          `${path} (${from}, layer ${layers.get(from)}) imports ${spec} (${to}, layer ${
            layers.get(to)
          })`,
        );
      }
    }
  }
  assert.deepEqual(wrong, [], "move the module, or the folder in the table, so imports point down");
  // The drawing: each layer's line holds its folders, and no other's.
  const drawing = doc.match(/\n```\n( *tasks\/[^]*?)```/)![1];
  for (const [layer, names] of Map.groupBy([...layers], ([, l]) => l)) {
    const line = drawing.split("\n").find((l) => l.startsWith(`${layer} `)) ?? "";
    assert.deepEqual(
      line.trim().split(/ +/).slice(1).sort(),
      names.map(([f]) => f).sort(),
      `the drawing's layer ${layer}`,
    );
  }
});

Deno.test("every file docs/architecture.md names exists", async () => {
  const doc = await Deno.readTextFile(join(ROOT, "docs", "architecture.md"));
  const named = [...doc.matchAll(/`((?:\.\.\/shared\/)?[\w./-]+\/[\w.-]+\.(?:ts|py|json|md))`/g)]
    .map((m) => m[1]);
  assert.ok(named.length > 20, `${named.length} files named`);
  const missing = [];
  for (const path of named) {
    if (!(await Deno.stat(join(ROOT, path)).then(() => true, () => false))) missing.push(path);
  }
  assert.deepEqual(missing, []);
});

Deno.test("the layer check sees static, dynamic, re-exported and type-only imports", () => {
  const source = [
    `import { a } from "./a.ts";`,
    `import type { B } from "../b/b.ts";`,
    `export { c } from "./c.ts";`,
    `export * from "./d.ts";`,
    `const e = await import("./e.ts");`,
    `let f: import("./f.ts").F;`,
    `import * as tf from "@tensorflow/tfjs";`,
    `// import { g } from "./g.ts";`,
  ].join("\n");
  assert.deepEqual(importsOf("x.ts", source), [
    "./a.ts",
    "../b/b.ts",
    "./c.ts",
    "./d.ts",
    "./e.ts",
    "./f.ts",
  ]);
});
