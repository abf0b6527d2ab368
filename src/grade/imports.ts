/**
 * The static import check that runs before any code of a submission does.
 *
 * Permissions do not cover static imports: a module may `import x from "../golden/x.json" with
 * { type: "json" }` and read a file it has no `--allow-read` for. So the grader asks
 * `deno info --json` for the submission's module graph and accepts only modules inside the
 * submission's folder and the npm packages of {@linkcode ALLOWED_NPM}. (Imports whose specifier is
 * computed at run time are not in the graph; the child's permissions stop those.)
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { relative, resolve } from "node:path";

/** The npm packages a submission may import, by name and version. */
export const ALLOWED_NPM: readonly string[] = ["@tensorflow/tfjs@4.22.0"];

interface GraphDependency {
  specifier: string;
  code?: { specifier: string };
  type?: { specifier: string };
}
interface GraphModule {
  specifier: string;
  kind?: string;
  local?: string;
  error?: string;
  dependencies?: GraphDependency[];
}
/** The part of `deno info --json` output the check reads. */
export interface ModuleGraph {
  /** Every module of the graph. */
  modules: GraphModule[];
  /** Specifiers that resolved to others, e.g. `npm:x@1` → `npm:/x@1`. */
  redirects: Record<string, string>;
}

/** Whether `path` is in `root` once symbolic links are followed (a link may point outside). */
function insideRoot(path: string, root: string): boolean {
  const real = (p: string) => {
    try {
      return Deno.realPathSync(p);
    } catch {
      return p;
    }
  };
  const rel = relative(real(root), real(path));
  return rel === "" || (!rel.startsWith("..") && !rel.startsWith("/"));
}

function allowedNpm(specifier: string): boolean {
  const name = specifier.replace(/^npm:\/?/, "");
  return ALLOWED_NPM.includes(name);
}

/**
 * The problems of a module graph: one line per import that is not allowed, naming the importing
 * module and the specifier as written. An empty list means the submission may run.
 */
export function importProblems(graph: ModuleGraph, root: string): string[] {
  const problems: string[] = [];
  const absRoot = resolve(root);
  for (const mod of graph.modules) {
    if (mod.error) problems.push(`${mod.specifier}: ${mod.error}`);
    // Only the submission's own modules can import something outside it: check their imports.
    if (!mod.specifier.startsWith("file:") || !insideRoot(fileURLToPath(mod.specifier), absRoot)) {
      continue;
    }
    for (const dep of mod.dependencies ?? []) {
      for (const target of [dep.code?.specifier, dep.type?.specifier]) {
        if (target === undefined) continue;
        const to = graph.redirects[target] ?? target;
        const ok = to.startsWith("npm:")
          ? allowedNpm(to)
          : to.startsWith("file:") && insideRoot(fileURLToPath(to), absRoot);
        if (!ok) {
          const from = relative(absRoot, fileURLToPath(mod.specifier));
          problems.push(
            `${from} imports "${dep.specifier}": only modules in the submission's folder and ` +
              `npm:${ALLOWED_NPM.join(", npm:")} may be imported`,
          );
        }
      }
    }
  }
  return [...new Set(problems)];
}

/** Runs `deno info --json` on `entry` with the grader's `config` and returns the graph. */
export async function moduleGraph(entry: string, config: string): Promise<ModuleGraph> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", `--config=${config}`, entry],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const why = new TextDecoder().decode(out.stderr).trim().split("\n")[0];
    return { modules: [{ specifier: entry, error: why || "cannot be analysed" }], redirects: {} };
  }
  return JSON.parse(new TextDecoder().decode(out.stdout));
}
