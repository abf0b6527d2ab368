// The site build's guard on the page's modules: each one reached by code that imports a node:
// module or uses Deno is named; type-only imports and modules the page does not reach are not.

import assert from "node:assert/strict";
import { type ModuleGraph, seamProblems } from "./build.ts";

const esm = (name: string, code: string[] = [], types: string[] = []) => ({
  specifier: `file:///x/${name}`,
  kind: "esm",
  local: `/x/${name}`,
  dependencies: [
    ...code.map((s) => ({ specifier: s, code: { specifier: s } })),
    ...types.map((s) => ({ specifier: s })),
  ],
});

const graph: ModuleGraph = {
  roots: ["file:///x/main.ts"],
  modules: [
    esm("main.ts", ["file:///x/pure.ts", "file:///x/files.ts"], ["file:///x/types.ts"]),
    esm("pure.ts", ["npm:/fflate@0.8.3"]),
    esm("files.ts", ["node:path", "file:///x/io.ts"]),
    esm("io.ts"),
    esm("types.ts", ["node:fs"]),
    esm("unreached.ts", ["node:os"]),
    { specifier: "node:path", kind: "node" },
    { specifier: "npm:/fflate@0.8.3", kind: "npm" },
  ],
};
const sources: Record<string, string> = {
  "/x/io.ts": "export const read = (p) => Deno.readFile(p);",
  "/x/types.ts": "export const x = Deno.env;",
  "/x/unreached.ts": "Deno.exit(1);",
  "/x/pure.ts": "// Deno's WebGPU, in a comment, is no use of Deno",
};

Deno.test("seamProblems names each module the page reaches by code that imports node: or uses Deno", () => {
  assert.deepEqual(seamProblems(graph, (path) => sources[path] ?? ""), [
    "file:///x/files.ts imports node:path",
    "file:///x/io.ts uses Deno.readFile",
  ]);
});

Deno.test("seamProblems passes a graph of pure modules", () => {
  const pure = { ...graph, roots: ["file:///x/pure.ts"] };
  assert.deepEqual(seamProblems(pure, (path) => sources[path] ?? ""), []);
});
