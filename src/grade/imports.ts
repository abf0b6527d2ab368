/**
 * What a submission may import, and the static check that runs before any of its code does.
 *
 * Deno checks no permission for the modules of the static graph: `import x from "../golden/x.json"
 * with { type: "json" }`, or a literal `import("data:…")` whose module imports a file, loads what
 * it names without `--allow-read`. Two things close that door:
 *
 * - The import maps of the grader's `deno info` and of the child {@linkcode confinedImports}: every
 *   `file:` URL outside the private copy (and, for the child, its own code) is mapped into a folder
 *   that does not exist, so no static import can reach a file outside, and `deno info` never even
 *   reads one.
 * - {@linkcode importProblems} accepts a graph only if every import of the submission's modules
 *   resolves into the private copy or to tfjs ({@linkcode ALLOWED_PACKAGES}), and says what it
 *   refused.
 *
 * `deno info` runs with `--no-remote --no-npm --no-lock`, tfjs mapped to an empty stub, and the
 * grading's private `DENO_DIR`: checking a submission reads only its copy, writes nothing but that
 * private cache, and never uses the network. (Imports whose specifier is computed at run time are
 * not in the graph; the child's permissions stop those.)
 *
 * @module
 */

import { fileURLToPath, pathToFileURL } from "node:url";
import { runDenoTool, type ToolOptions } from "./deno_tool.ts";

/** An npm package a submission may import. */
export interface AllowedPackage {
  /** Its name, as a submission may import it: `@tensorflow/tfjs`. */
  readonly name: string;
  /** The version allowed: `4.22.0`. */
  readonly version: string;
  /** `name@version`, as an `npm:` specifier names it. */
  readonly spec: string;
}

/** The npm packages a submission may import, by name and version. */
export const ALLOWED_PACKAGES: readonly AllowedPackage[] = [
  { name: "@tensorflow/tfjs", version: "4.22.0" },
].map((p) => ({ ...p, spec: `${p.name}@${p.version}` }));

/** The specifiers of the allowed packages, as a submission may write them. */
export const ALLOWED_SPECIFIERS: readonly string[] = [
  ...ALLOWED_PACKAGES.map((p) => p.name),
  ...ALLOWED_PACKAGES.map((p) => `npm:${p.spec}`),
];

interface GraphResolution {
  specifier?: string;
  error?: string;
  span?: { start: { line: number; character: number } };
}
interface GraphDependency {
  specifier: string;
  code?: GraphResolution;
  type?: GraphResolution;
}
interface GraphModule {
  specifier: string;
  error?: string;
  dependencies?: GraphDependency[];
}
/** The part of `deno info --json` output the check reads. */
export interface ModuleGraph {
  /** Every module of the graph. */
  modules: GraphModule[];
  /** Specifiers that resolved to others. */
  redirects: Record<string, string>;
}

/** The folder URL of `dir` (with a trailing slash), as import maps and module URLs spell it. */
function folderUrl(dir: string): string {
  return pathToFileURL(dir.endsWith("/") ? dir : `${dir}/`).href;
}

/**
 * Import-map entries that confine `file:` URLs to the folders `allowed`: every other file URL maps
 * into `nowhere`, a folder that does not exist.
 */
export function confinedImports(allowed: string[], nowhere: string): Record<string, string> {
  const entries: Record<string, string> = { "file:///": folderUrl(nowhere) };
  for (const dir of allowed) entries[folderUrl(dir)] = folderUrl(dir);
  return entries;
}

/** `text` with the copy's paths written relative to it (`rnn_scratch.ts:3:5`). */
export function relativeToCopy(text: string, copy: string): string {
  return text.replaceAll(folderUrl(copy), "").replaceAll(`${copy}/`, "");
}

/**
 * The problems of a module graph: one line per import of the submission's modules (those in
 * `copy`) that does not resolve into `copy` or to `stub` (where tfjs is mapped), at its
 * `file:line:column`, and each such module's own error (a syntax error, a missing file). An empty list means the submission may run.
 */
export function importProblems(graph: ModuleGraph, copy: string, stub: string): string[] {
  const inside = folderUrl(copy);
  const stubUrl = pathToFileURL(stub).href;
  const allowed = ALLOWED_SPECIFIERS.map((s) => `"${s}"`).join(" or ");
  const problems: string[] = [];
  for (const mod of graph.modules) {
    if (!mod.specifier.startsWith(inside)) continue; // reached only through a refused import
    const from = relativeToCopy(fileURLToPath(mod.specifier), copy);
    if (mod.error) problems.push(relativeToCopy(`${from}: ${mod.error}`, copy));
    for (const dep of mod.dependencies ?? []) {
      for (const resolved of [dep.code, dep.type]) {
        if (resolved === undefined) continue;
        const to = resolved.specifier &&
          (graph.redirects[resolved.specifier] ?? resolved.specifier);
        if (to !== undefined && (to === stubUrl || to.startsWith(inside))) continue;
        const at = resolved.span &&
          `:${resolved.span.start.line + 1}:${resolved.span.start.character + 1}`;
        problems.push(
          `${from}${
            at ?? ""
          } imports "${dep.specifier}": only modules in the submission's folder ` +
            `and ${allowed} may be imported`,
        );
      }
    }
  }
  return [...new Set(problems)];
}

/**
 * The `deno info` arguments of the import check: no network, no npm, no lockfile. The module is
 * named by its file URL, never its path: Deno reads an argument as a specifier, where `#`, `?`
 * and `%` mean something else.
 */
export function infoArgs(entry: string, config: string): string[] {
  const url = pathToFileURL(entry).href;
  return ["info", "--json", "--no-remote", "--no-npm", "--no-lock", `--config=${config}`, url];
}

/**
 * Runs `deno info --json` on `entry` with `config` (an import map from {@linkcode confinedImports}
 * and tfjs mapped to a stub), without the network, npm, a lockfile, or any cache but `tool`'s.
 */
export async function moduleGraph(
  entry: string,
  config: string,
  tool: ToolOptions,
): Promise<ModuleGraph> {
  const out = await runDenoTool(infoArgs(entry, config), tool);
  if (out.code !== 0) {
    const why = out.stopped === "timeout"
      ? `could not be analysed within ${tool.timeoutMs / 1000} s`
      : out.stopped === "memory"
      ? "could not be analysed within the import check's memory limit"
      : out.stderr.trim().split("\n")[0] || "cannot be analysed";
    return { modules: [{ specifier: pathToFileURL(entry).href, error: why }], redirects: {} };
  }
  return JSON.parse(out.stdout);
}
