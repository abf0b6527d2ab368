// The house rules of docs/architecture.md, checked on the sources themselves:
// - sizes: no function over 80 lines and no class over 150 in src/ and tasks/, except the ones
//   listed below, each with its reason. Deno's own parser finds them (a lint plugin run
//   in-process), so a function is what TypeScript calls one: declarations, methods, function
//   expressions and arrows.

import assert from "node:assert/strict";
import { join } from "node:path";
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
  "src/grade/class/class.ts#gradeOne": "issue 21 (the grader's walls) is restructuring grade/",
  "src/grade/class/unzip.ts#unzipSafely": "issue 21 (the grader's walls) is restructuring grade/",
  "src/grade/grader.ts#Grader": "issue 21 splits the plan of substitutions from running it",
  "src/grade/sandbox.ts#Sandbox": "issue 21 (the grader's walls) is restructuring grade/",
  "src/verify/verify.ts#verify": "issue 22 (derived tolerances) is reworking verify",
  "tasks/bench.ts#main": "issue 26 (benchmarks) is restructuring tasks/bench.ts",
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
  const plugin: Deno.lint.Plugin = {
    name: "size",
    rules: {
      size: {
        create: () => ({
          FunctionDeclaration: fn,
          FunctionExpression: fn,
          ArrowFunctionExpression: fn,
          ClassDeclaration: cls,
          ClassExpression: cls,
        }),
      },
    },
  };
  Deno.lint.runPlugin(plugin, path, source);
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
