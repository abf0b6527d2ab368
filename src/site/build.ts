/**
 * `deno task site`: the web page (`site/`) built into a static folder that any web server can
 * host. The page's script is `site/main.ts` bundled for the browser with everything it imports
 * from `src/` (the same model, samplers and trainers `deno task train` runs: there is no second
 * copy); beside it the page, its style (the reports' own, and the page's), tfjs's wasm binaries,
 * the corpus when one is found here (never committed), and `build.json`: the version, the commit
 * and the corpus's name and digest.
 *
 * Every module the page reaches must run in a browser: one that imports a `node:` module or uses
 * `Deno` fails the build, named. That keeps the line between the pure modules the page imports and
 * the Deno ones honest.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../errors.ts";
import { fsReason } from "../io/fs.ts";
import { type CorpusOptions, resolveCorpus } from "../data/corpus.ts";
import { environment } from "../run/environment.ts";
import { PAGE_STYLE } from "../report/html.ts";

/** The project's root folder. */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The files the page is made of, in `site/`. */
const SOURCES = { entry: "main.ts", page: "index.html", style: "site.css" } as const;

/** What a site folder holds: the names `deno task serve` and the page rely on. */
export const SITE_FILES = {
  page: "index.html",
  script: "app.js",
  style: "style.css",
  build: "build.json",
  wasm: "wasm",
  data: "data",
} as const;

/** `build.json`: what the page says about its build, and where its corpus is. */
export interface BuildInfo {
  /** rnnlab's version. */
  rnnlab: string;
  /** The git commit built, when the build ran in a checkout. */
  commit: string | null;
  /** Whether tracked files differed from it. */
  dirty: boolean | null;
  /** When it was built (ISO). */
  builtAt: string;
  /** The built-in corpus: its file (next to the page), digest and version; `null` without one. */
  corpus: { file: string; sha256: string; version: string } | null;
}

/** What `deno task site` takes. */
export interface BuildOptions {
  /** The folder to build into: new, empty, or an earlier build (replaced whole). */
  out: string;
  /** Where to look for the corpus; `null` builds without one (the page then asks for it). */
  corpus: CorpusOptions | null;
  /** Minify the script (smaller; the default). */
  minify?: boolean;
}

/** What a build produced. */
export interface BuildResult {
  /** The folder. */
  out: string;
  /** The script's size in bytes. */
  scriptBytes: number;
  /** The corpus put beside the page, or why there is none. */
  corpus: NonNullable<BuildInfo["corpus"]> | { missing: string };
}

/** What `deno info --json` says of a module graph (the parts read here). */
export interface ModuleGraph {
  roots: string[];
  modules: {
    specifier: string;
    kind: string;
    local?: string;
    dependencies?: { specifier: string; code?: { specifier: string } }[];
  }[];
}

/**
 * What in `graph` would fail in a browser: each module reached by code (type-only imports aside)
 * that imports a `node:` module or uses `Deno` (`read` gives a local module's source). Empty when
 * the page stays on the pure side of every seam.
 */
export function seamProblems(graph: ModuleGraph, read: (path: string) => string): string[] {
  const modules = new Map(graph.modules.map((m) => [m.specifier, m]));
  const problems: string[] = [];
  const seen = new Set<string>();
  const todo = [...graph.roots];
  const name = (specifier: string) => specifier.replace(`file://${ROOT}`, "");
  while (todo.length > 0) {
    const specifier = todo.pop()!;
    const module = modules.get(specifier);
    if (seen.has(specifier) || module?.kind !== "esm") continue;
    seen.add(specifier);
    const deno = module.local ? read(module.local).match(/\bDeno\.[A-Za-z]+/) : null;
    if (deno) problems.push(`${name(specifier)} uses ${deno[0]}`);
    for (const { code } of module.dependencies ?? []) {
      if (code?.specifier.startsWith("node:")) {
        problems.push(`${name(specifier)} imports ${code.specifier}`);
      } else if (code) todo.push(code.specifier);
    }
  }
  return problems.sort();
}

/** {@linkcode seamProblems} of the module graph from `entry`, as `deno info` draws it. */
export async function checkSeam(entry: string): Promise<string[]> {
  const info = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--config", join(ROOT, "deno.json"), entry],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!info.success) {
    throw new UsageError(`deno info failed: ${new TextDecoder().decode(info.stderr).trim()}`);
  }
  const graph: ModuleGraph = JSON.parse(new TextDecoder().decode(info.stdout));
  return seamProblems(graph, (path) => Deno.readTextFileSync(path));
}

/**
 * Bundles `site/main.ts` for the browser into `file`, once every module it reaches is one a
 * browser can run (a one-line `UsageError` naming the others); returns the bundle's size.
 */
async function bundle(file: string, minify: boolean): Promise<number> {
  const entry = join(ROOT, "site", SOURCES.entry);
  const problems = await checkSeam(entry);
  if (problems.length > 0) {
    throw new UsageError(
      `the page reaches what only Deno has (${problems.join("; ")}): move it behind the Deno ` +
        `side of its seam (docs/browser.md)`,
    );
  }
  const args = ["bundle", "--quiet", "--platform", "browser", "--output", file];
  const built = await new Deno.Command(Deno.execPath(), {
    args: [...args, ...(minify ? ["--minify"] : []), entry],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!built.success) {
    throw new UsageError(`deno bundle failed: ${new TextDecoder().decode(built.stderr).trim()}`);
  }
  return (await Deno.stat(file)).size;
}

/** Copies tfjs's wasm binaries (plain, SIMD, threaded SIMD) into `dir`. */
async function copyWasm(dir: string): Promise<void> {
  const from = join(ROOT, "node_modules", "@tensorflow", "tfjs-backend-wasm", "dist");
  await Deno.mkdir(dir);
  for await (const entry of Deno.readDir(from)) {
    if (entry.name.endsWith(".wasm")) {
      await Deno.copyFile(join(from, entry.name), join(dir, entry.name));
    }
  }
}

/** Copies the corpus `opts` finds (never downloading it) into `dir`, or says why there is none. */
async function copyCorpus(dir: string, opts: CorpusOptions | null): Promise<BuildResult["corpus"]> {
  if (opts === null) return { missing: "built without one (--no-corpus)" };
  try {
    const { bytes, source } = await resolveCorpus({ ...opts, fetch: null });
    const version = source.dataset?.version;
    if (!version) return { missing: `${source.path} is not a known corpus version` };
    await Deno.mkdir(dir);
    const file = join(SITE_FILES.data, basename(source.path));
    await Deno.writeFile(join(dir, basename(source.path)), bytes);
    return { file, sha256: source.sha256, version };
  } catch (err) {
    if (err instanceof UsageError) return { missing: err.message };
    throw err;
  }
}

/** Whether `dir` may be replaced by a build: absent, empty, or an earlier build. */
async function replaceable(dir: string): Promise<boolean> {
  try {
    const names = [];
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
    return names.length === 0 || names.includes(SITE_FILES.build);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return true;
    throw new UsageError(`--out ${dir} cannot be written: ${fsReason(err)}`);
  }
}

/** Builds the site into `opts.out`, whole: a new folder beside it, then renamed over it. */
export async function buildSite(opts: BuildOptions): Promise<BuildResult> {
  const { out } = opts;
  if (!(await replaceable(out))) {
    throw new UsageError(`--out ${out} holds files that are not a site build; pick another folder`);
  }
  const tmp = join(dirname(out), `.${basename(out)}.${crypto.randomUUID()}.tmp`);
  try {
    await Deno.mkdir(tmp, { recursive: true });
  } catch (err) {
    throw new UsageError(`--out ${out} cannot be written: ${fsReason(err)}`);
  }
  try {
    const scriptBytes = await bundle(join(tmp, SITE_FILES.script), opts.minify ?? true);
    const site = join(ROOT, "site");
    await Deno.copyFile(join(site, SOURCES.page), join(tmp, SITE_FILES.page));
    const style = PAGE_STYLE + "\n" + await Deno.readTextFile(join(site, SOURCES.style));
    await Deno.writeTextFile(join(tmp, SITE_FILES.style), style);
    await copyWasm(join(tmp, SITE_FILES.wasm));
    const corpus = await copyCorpus(join(tmp, SITE_FILES.data), opts.corpus);
    const { rnnlab, commit, dirty } = environment();
    const build: BuildInfo = {
      rnnlab,
      commit,
      dirty,
      builtAt: new Date().toISOString(),
      corpus: "missing" in corpus ? null : corpus,
    };
    await Deno.writeTextFile(join(tmp, SITE_FILES.build), JSON.stringify(build, null, 2) + "\n");
    await Deno.remove(out, { recursive: true }).catch(() => {});
    await Deno.rename(tmp, out);
    return { out, scriptBytes, corpus };
  } catch (err) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw err;
  }
}
