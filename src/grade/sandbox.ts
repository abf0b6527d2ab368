/**
 * Where and how a submission runs: a private workspace per grader, a private copy per grading,
 * and one child Deno process per exercise that may read that copy and nothing else.
 *
 * - The workspace (one temporary folder per {@linkcode Sandbox}) holds the child's own modules,
 *   copied out of `src/` so that neither `Deno.mainModule` nor a stack trace names the grader's
 *   checkout; a link to the grader's tfjs package (the one dependency the contract allows); and a
 *   `DENO_DIR` warmed once by a child that loads tfjs, copied into every grading.
 * - A grading ({@linkcode Grading}) is a folder in the workspace: the private copy of the
 *   submission's folder (`private_copy.ts`), its own `DENO_DIR`, where `location_data` is a file
 *   so that no origin storage (`localStorage`, `CacheStorage`) can be created at all, and the
 *   configs whose import maps confine every `file:` import to the copy (`imports.ts`). It is
 *   removed when the grading ends.
 * - A child is `deno run --no-prompt --no-remote --cached-only --no-lock` with `--allow-read` for
 *   the copy only (npm packages load without it), `--seed` (`Math.random` is reproducible), a V8
 *   heap cap, an empty environment but `NO_COLOR` and the grading's `DENO_DIR`, and the copy as its
 *   working directory. The grader kills it at the exercise's time limit, when its resident memory
 *   passes a limit (tensor data lives outside the V8 heap, so the child's watcher thread reports
 *   it: Deno lets no process read another's `/proc` without `--allow-all`), when it writes more
 *   than a limit to stdout, when the grading's `DENO_DIR` (module caches: a child can fill them by
 *   importing `data:` modules) grows past a limit, or when it breaks the protocol. What the child
 *   prints is streamed to the caller, never accumulated here.
 *
 * @module
 */

import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { FormatError } from "./codec.ts";
import { readBounded, type ToolOptions } from "./deno_tool.ts";
import {
  ALLOWED_PACKAGES,
  ALLOWED_SPECIFIERS,
  type AllowedPackage,
  confinedImports,
  importProblems,
  moduleGraph,
} from "./imports.ts";
import { type CopyLimits, copyRegularFiles, type LeftOut } from "./private_copy.ts";
import { type ChannelEvent, ChannelReader, encodeRequest, type Request } from "./protocol.ts";
import { CONTRACT_CHECK, TYPE_CHECK_MEMORY_MB, typeAdvice } from "./type_check.ts";
import { Wall, type WallLimits, type WallSpec } from "./wall.ts";

/** What a child may use. */
export interface Limits {
  /** Wall-clock time for the whole exercise, in milliseconds. */
  timeoutMs: number;
  /** `--max-old-space-size` of the child's V8, in MiB. */
  heapMb: number;
  /** Resident memory at which the child is killed, in MiB (the child's watcher thread reports it). */
  rssMb: number;
  /** The most bytes the child may write to stdout (messages and the submission's output). */
  stdoutBytes: number;
  /** The most the grading's private `DENO_DIR` may grow while children run, in MiB. */
  diskMb: number;
}

/** How a child run ended. */
export type Ending = "done" | "exited" | "timeout" | "memory" | "output" | "protocol" | "disk";

/** How a child run went (its messages and output went to the caller as they came). */
export interface SandboxRun {
  /** The start of the child's stderr (the submission's, and Deno's own error reports). */
  stderr: string;
  /** How it ended: `done` when the child finished every case. */
  ending: Ending;
  /** The exit code, or `null` when killed by a signal. */
  code: number | null;
  /** For `protocol` and `output`: what was wrong. */
  detail: string;
}

/** The files a child runs with. */
export interface ChildPaths {
  /** The child's entry module, in the workspace. */
  entry: string;
  /** The folder of the entry's own modules (bound read-only in the wall, with `config`'s folder). */
  code: string;
  /** Host folders the child reads without permission: the allowed packages' (bound read-only). */
  packages: string[];
  /** The grading's child config. */
  config: string;
  /** The private copy: the one folder the child may read, and its working directory. */
  copy: string;
  /** The grading's private `DENO_DIR`. */
  denoDir: string;
}

/** The grader's own installation cannot run a child: never a student's failure. */
export class SandboxSetupError extends Error {
  /** `message` says what is missing and how to fix it. */
  constructor(message: string) {
    super(message);
    this.name = "SandboxSetupError";
  }
}

/** Which entry module a child starts from: with the reference primitives or without. */
export type EntryKind = "plain" | "primitives";

const CHECKOUT = fileURLToPath(new URL("../../", import.meta.url));
const ENTRIES: Record<EntryKind, string> = {
  plain: "src/grade/child_entry.ts",
  primitives: "src/grade/child_entry_primitives.ts",
};
const STDERR_KEEP = 4000;
const DISK_POLL_MS = 500;
const INFO_TOOL = { timeoutMs: 60_000, keepBytes: 16 << 20 };
const CHECK_TOOL = { timeoutMs: 120_000, keepBytes: 64 << 10 };
/** The bounds of a tool's (the import check's, the type check's) tree, less its memory. */
const TOOL_WALL = { cpuSeconds: 240, tasks: 256, fileBytes: 256 << 20 };
/** How far above the child's own watcher (`Limits.rssMb`) the kernel's memory bound lies. */
const KERNEL_MEMORY_SLACK_MB = 512;

/** The kernel's bounds on a child run under `limits`. */
export function childWallLimits(limits: Limits): WallLimits {
  return {
    memoryMb: limits.rssMb + KERNEL_MEMORY_SLACK_MB,
    // Four cores busy for the whole time limit, and Deno's start: past it, the time limit has
    // long fired, unless the grader itself was stopped.
    cpuSeconds: Math.ceil((4 * limits.timeoutMs) / 1000) + 10,
    tasks: 256,
    fileBytes: 2 * limits.diskMb * 2 ** 20,
  };
}

/** The `deno` arguments of a child: every sandbox flag is here. */
export function childArgs(paths: ChildPaths, limits: Limits, seed: number): string[] {
  return [
    "run",
    "--no-prompt",
    "--no-remote",
    "--cached-only",
    "--no-lock",
    `--config=${paths.config}`,
    `--seed=${seed}`,
    `--v8-flags=--max-old-space-size=${limits.heapMb}`,
    `--allow-read=${paths.copy}`,
    paths.entry,
  ];
}

/**
 * Everything a child gets from the wall: its command, the folders bound (its own code, the
 * grading's folder with the copy and the config, the allowed packages; only its `DENO_DIR`
 * writable), its environment and its limits.
 */
export function childSpec(paths: ChildPaths, limits: Limits, seed: number): WallSpec {
  return {
    args: childArgs(paths, limits, seed),
    cwd: paths.copy,
    env: { NO_COLOR: "1", DENO_DIR: paths.denoDir },
    readOnly: [paths.code, dirname(paths.config), paths.copy, ...paths.packages],
    writable: [paths.denoDir],
    limits: childWallLimits(limits),
    stdin: "piped",
  };
}

/** The first `STDERR_KEEP` characters of a child's stderr, and a note when it had more. */
async function readStderr(stream: ReadableStream<Uint8Array>): Promise<string> {
  // A character (a UTF-16 unit) takes at most 3 bytes of UTF-8: the first 4 × STDERR_KEEP bytes
  // hold the first STDERR_KEEP characters whole, and more whenever stderr has more.
  const text = await readBounded(stream, 4 * STDERR_KEEP);
  return text.length > STDERR_KEEP ? `${text.slice(0, STDERR_KEEP)}\n[stderr cut]` : text;
}

/** The bytes of the files under `dir` (links not followed). */
async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) total += await bytesUnder(path);
    else total += (await Deno.lstat(path)).size;
  }
  return total;
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to);
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyTree(join(from, entry.name), join(to, entry.name));
    else if (entry.isFile) await Deno.copyFile(join(from, entry.name), join(to, entry.name));
  }
}

/**
 * Runs `request` in a sandboxed child inside `wall`, handing each message and piece of output to
 * `onEvent` as it comes, until the child finishes or is stopped. Either way its whole process tree
 * is killed and gone before this returns: a child that keeps running after `done` (an `unload`
 * handler, a timer) is not waited for.
 */
export async function runSandboxed(
  request: Request,
  paths: ChildPaths,
  limits: Limits,
  onEvent: (event: ChannelEvent) => void,
  wall: Wall,
  seed = 0,
): Promise<SandboxRun> {
  const diskStart = await bytesUnder(paths.denoDir);
  const child = wall.spawn(childSpec(paths, limits, seed));
  let ending: Ending | null = null;
  let detail = "";
  const stop = (why: Ending) => {
    if (ending !== null) return;
    ending = why;
    child.kill();
  };
  const timer = setTimeout(() => stop("timeout"), limits.timeoutMs);
  let polling = Promise.resolve();
  const disk = setInterval(() => {
    polling = polling.then(async () => {
      const grown = await bytesUnder(paths.denoDir).catch(() => 0) - diskStart;
      if (grown > limits.diskMb * 2 ** 20) stop("disk");
    });
  }, DISK_POLL_MS);
  const stderr = readStderr(child.process.stderr);
  const writer = child.process.stdin.getWriter();
  writer.write(new TextEncoder().encode(encodeRequest(request)))
    .then(() => writer.close())
    .catch(() => {}); // the child died before reading its request: its exit status tells why

  const reader = new ChannelReader(request.nonce, limits.stdoutBytes);
  const handle = (event: ChannelEvent) => {
    if (event.kind === "message" && event.message.t === "done") stop("done"); // all is in
    if (event.kind === "message" && event.message.t === "memory") stop("memory");
    onEvent(event);
  };
  let failure: unknown = null; // the grader's own, thrown once the child is gone
  try {
    for await (const chunk of child.process.stdout) reader.push(chunk).forEach(handle);
    reader.end().forEach(handle);
  } catch (err) {
    stop(err instanceof FormatError && err.message.startsWith("more than") ? "output" : "protocol");
    await child.process.stdout.cancel().catch(() => {});
    if (err instanceof FormatError) detail = err.message;
    else failure = err;
  }
  // Its stdout is closed: nothing it does from now on can be read. The whole tree goes.
  const { status, oomKilled } = await child.end();
  clearTimeout(timer);
  clearInterval(disk);
  await polling;
  if (failure !== null) throw failure;
  if (oomKilled && ending === null) ending = "memory";
  // The kernel's file-size and CPU limits (a signal, or 128 + it where bubblewrap's init reports it).
  const killedBy = status.signal ?? (status.code > 128 ? status.code - 128 : null);
  if (ending === null && (killedBy === "SIGXFSZ" || killedBy === 25)) ending = "disk";
  if (ending === null && (killedBy === "SIGXCPU" || killedBy === 24)) ending = "timeout";
  return {
    stderr: await stderr,
    ending: ending ?? "exited",
    code: status.signal === null ? status.code : null,
    detail,
  };
}

/** A package's folder in the grader's `node_modules`, checked to be the version allowed. */
async function allowedPackage(
  { name, version, spec }: AllowedPackage,
): Promise<{ name: string; dir: string }> {
  try {
    const dir = await Deno.realPath(join(CHECKOUT, "node_modules", name));
    const meta = JSON.parse(await Deno.readTextFile(join(dir, "package.json")));
    if (meta.version === version) return { name, dir };
  } catch {
    // reported below
  }
  throw new SandboxSetupError(
    `the grader needs ${spec} in ${join(CHECKOUT, "node_modules")}: run \`deno install\` there`,
  );
}

/**
 * The grader's private workspace: the child's modules, the allowed packages, a warm `DENO_DIR`.
 * Open one per grader ({@linkcode Sandbox.open}), grade through {@linkcode Sandbox.grading}, and
 * close it when done.
 */
export class Sandbox {
  /** The workspace folder. */
  readonly dir: string;
  /** The operating system's wall every child and check runs in. */
  readonly wall: Wall;
  #packages: { name: string; dir: string }[] = [];
  #warm: Promise<string> | null = null;

  private constructor(dir: string, wall: Wall) {
    this.dir = dir;
    this.wall = wall;
  }

  /**
   * Makes a workspace in a new temporary folder under `tempRoot` (default: the system's), whose
   * children run inside `wall` (default: the one `--sandbox auto` picks).
   */
  static async open(tempRoot?: string, wall?: Wall): Promise<Sandbox> {
    const sandbox = new Sandbox(
      await Deno.makeTempDir({ dir: tempRoot, prefix: "rnnlab-grader-" }),
      wall ?? await Wall.open(),
    );
    try {
      await sandbox.#setUp();
      return sandbox;
    } catch (err) {
      await sandbox.close();
      throw err;
    }
  }

  /** The child's code, copied out of the checkout. */
  get childCode(): string {
    return join(this.dir, "child");
  }

  /** The module tfjs is mapped to when a graph is analysed. */
  get stub(): string {
    return join(this.dir, "tfjs_stub.ts");
  }

  /** The warm `DENO_DIR` the children of every grading start from, once it is ready. */
  template(): Promise<string> {
    return this.#warm!;
  }

  /**
   * The folder of an entry's own modules: each entry's graph is copied apart, so that a child
   * without the reference primitives has none of their code in its wall.
   */
  code(kind: EntryKind): string {
    return join(this.childCode, kind);
  }

  /** The path of an entry module in the workspace. */
  entry(kind: EntryKind): string {
    return join(this.code(kind), ENTRIES[kind]);
  }

  /** The contract module in the workspace. */
  get contract(): string {
    return join(this.code("plain"), "src/grade/contract.ts");
  }

  /**
   * The host folders of the allowed packages, bound read-only in the wall: the whole of Deno's
   * `node_modules/.deno` where a package lies in it (its dependencies are links beside it).
   */
  get packageFolders(): string[] {
    return [
      ...new Set(this.#packages.map(({ dir }) => {
        const at = dir.indexOf("/node_modules/.deno/");
        return at < 0 ? dir : dir.slice(0, at + "/node_modules/.deno".length);
      })),
    ];
  }

  async #setUp(): Promise<void> {
    this.#packages = await Promise.all(ALLOWED_PACKAGES.map(allowedPackage));
    await Deno.writeTextFile(this.stub, "export {};\n");
    const config = join(this.dir, "info.json");
    await this.#writeConfig(config, this.#stubImports(), "none");
    const tool = { denoDir: join(this.dir, "tool_dir"), cwd: this.dir, ...INFO_TOOL };
    const kinds = Object.keys(ENTRIES) as EntryKind[];
    const graphs = await Promise.all(
      kinds.map((kind) => moduleGraph(join(CHECKOUT, ENTRIES[kind]), config, tool)),
    );
    for (const [i, kind] of kinds.entries()) {
      for (const mod of graphs[i].modules) {
        if (mod.error) throw new SandboxSetupError(`the child's code does not load: ${mod.error}`);
        const path = mod.specifier.startsWith("file:") ? fileURLToPath(mod.specifier) : "";
        if (!path.startsWith(join(CHECKOUT, "src/"))) continue;
        const to = join(this.code(kind), relative(CHECKOUT, path));
        await Deno.mkdir(dirname(to), { recursive: true });
        await Deno.copyFile(path, to);
      }
    }
    this.#warm = this.#warmUp();
    this.#warm.catch(() => {}); // reported to the grading that waits for it
  }

  /**
   * Loads tfjs and the child's modules once, into the `DENO_DIR` every grading's children start
   * from; makes `location_data` a file there, so that no origin storage can be created. Returns it.
   */
  async #warmUp(): Promise<string> {
    const template = join(this.dir, "deno_dir");
    await Deno.mkdir(template);
    const dir = join(this.dir, "warm-up");
    const copy = join(dir, "submission");
    await Deno.mkdir(copy, { recursive: true });
    await Deno.writeTextFile(join(copy, "empty.ts"), "export {};\n");
    const config = await this.#childConfig(dir, copy);
    const request: Request = {
      nonce: crypto.randomUUID(),
      submission: pathToFileURL(join(copy, "empty.ts")).href,
      exercise: "getInputs",
      cases: [],
      referencePrimitives: [],
      memoryMb: 2048,
    };
    const seen: string[] = [];
    const run = await runSandboxed(
      request,
      this.childPaths("primitives", config, copy, template),
      { timeoutMs: 120_000, heapMb: 1024, rssMb: 2048, stdoutBytes: 1 << 20, diskMb: 1024 },
      (event) => event.kind === "message" && seen.push(event.message.t),
      this.wall,
    );
    await Deno.remove(dir, { recursive: true });
    if (run.ending !== "done" || seen.join() !== "loaded,done") {
      throw new SandboxSetupError(
        `the sandboxed child does not start (${run.ending}, code ${run.code}): ${run.stderr.trim()}`,
      );
    }
    await Deno.remove(join(template, "location_data"), { recursive: true }).catch(() => {});
    await Deno.writeTextFile(join(template, "location_data"), "");
    return template;
  }

  /** What a child started from `kind`'s entry needs, for a grading whose config is `config`. */
  childPaths(kind: EntryKind, config: string, copy: string, denoDir: string): ChildPaths {
    const code = this.code(kind);
    return { entry: this.entry(kind), code, packages: this.packageFolders, config, copy, denoDir };
  }

  #stubImports(): Record<string, string> {
    const stub = pathToFileURL(this.stub).href;
    return Object.fromEntries(ALLOWED_SPECIFIERS.map((s) => [s, stub]));
  }

  async #writeConfig(
    path: string,
    imports: Record<string, string>,
    nodeModulesDir: "none" | "manual",
    scopes: Record<string, Record<string, string>> = {},
  ): Promise<void> {
    // skipLibCheck: the type check's advice is about the submission, not tfjs's declarations.
    const compilerOptions = { skipLibCheck: true };
    await Deno.writeTextFile(
      path,
      JSON.stringify({ imports, scopes, lock: false, nodeModulesDir, compilerOptions }, null, 2),
    );
  }

  /**
   * Writes `dir/deno.json` for children reading `copy`: tfjs from `dir/node_modules` (a link to the
   * grader's package, `nodeModulesDir: "manual"`), every file URL outside `copy` and the child's
   * code confined to nowhere. Returns its path.
   */
  async #childConfig(dir: string, copy: string): Promise<string> {
    for (const { name, dir: target } of this.#packages) {
      await Deno.mkdir(join(dir, "node_modules", name, ".."), { recursive: true });
      await Deno.symlink(target, join(dir, "node_modules", name));
    }
    const npm = Object.fromEntries(
      ALLOWED_PACKAGES.map((p) => [p.name, `npm:${p.spec}`]),
    );
    const config = join(dir, "deno.json");
    // The child's code reaches its own modules (the scope of its folder); nothing else does: a
    // submission that names one, by any path or URL, gets a module that does not exist. Only the
    // entry modules themselves resolve from anywhere (Deno maps the main module too): they export
    // nothing.
    const entries = (Object.keys(ENTRIES) as EntryKind[]).map((k) => pathToFileURL(this.entry(k)));
    const confined = (folders: string[]) => confinedImports(folders, join(dir, "nowhere"));
    const scopes = {
      [pathToFileURL(`${this.childCode}/`).href]: confined([this.childCode, copy]),
      [pathToFileURL(join(dir, CONTRACT_CHECK)).href]: confined([copy, this.code("plain")]),
    };
    await this.#writeConfig(
      config,
      {
        ...npm,
        ...confinedImports([copy], join(dir, "nowhere")),
        ...Object.fromEntries(entries.map(({ href }) => [href, href])),
      },
      "manual",
      scopes,
    );
    return config;
  }

  /**
   * Starts grading the module `submission` of the folder `root`: makes the private copy (see
   * `private_copy.ts`) and the grading's folder. Close the grading when done.
   */
  async grading(root: string, submission: string, limits?: CopyLimits): Promise<Grading> {
    const dir = await Deno.makeTempDir({ dir: this.dir, prefix: "grading-" });
    try {
      const copy = join(dir, "submission");
      const path = relative(root, submission);
      const report = await copyRegularFiles(root, copy, path, limits);
      const info = join(dir, "info.json");
      await this.#writeConfig(
        info,
        { ...this.#stubImports(), ...confinedImports([copy], join(dir, "nowhere")) },
        "none",
      );
      const config = await this.#childConfig(dir, copy);
      const paths = { dir, copy, path: report.graded ?? path, config, info };
      return new Grading(this, paths, report.leftOut);
    } catch (err) {
      await Deno.remove(dir, { recursive: true });
      throw err;
    }
  }

  /** Removes the workspace (once its warm-up, if still running, has ended). */
  async close(): Promise<void> {
    await this.#warm?.catch(() => {});
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }
}

/** The folders and files of one grading. */
interface GradingPaths {
  /** The grading's folder. */
  dir: string;
  /** The private copy. */
  copy: string;
  /** The submission's path, relative to the copy. */
  path: string;
  /** The children's config. */
  config: string;
  /** The import check's config. */
  info: string;
}

/** One submission being graded: its private copy, checks and children. */
export class Grading {
  #sandbox: Sandbox;
  #paths: GradingPaths;
  #denoDir: Promise<string> | null = null;
  #module: string | null = null;
  /** What the private copy left out of the submission's folder, and why. */
  readonly leftOut: LeftOut[];

  /** Use {@linkcode Sandbox.grading}. */
  constructor(sandbox: Sandbox, paths: GradingPaths, leftOut: LeftOut[]) {
    this.#sandbox = sandbox;
    this.#paths = paths;
    this.leftOut = leftOut;
  }

  /** The grading's folder, removed by {@linkcode Grading.close}. */
  get dir(): string {
    return this.#paths.dir;
  }

  /** The private copy's folder. */
  get copy(): string {
    return this.#paths.copy;
  }

  /** The submission's module in the copy (the one {@linkcode Grading.writeModule} wrote, if any). */
  get submission(): string {
    return join(this.#paths.copy, this.#module ?? this.#paths.path);
  }

  /**
   * Writes `text` as the module to grade, beside the submission's file in the copy (a notebook's
   * graded cells, say), under a name no file of the copy has; returns that name, relative to the
   * copy. From then on {@linkcode Grading.submission} is that module.
   */
  async writeModule(text: string): Promise<string> {
    for (let n = 0;; n++) {
      const path = `${this.#paths.path}${n === 0 ? "" : `.${n}`}.ts`;
      try {
        await Deno.writeTextFile(join(this.copy, path), text, { createNew: true });
        this.#module = path;
        return path;
      } catch (err) {
        if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
      }
    }
  }

  /** Why the submission's own file is not in the copy, or `null` when it is. */
  get missing(): string | null {
    return this.leftOut.find((l) => l.path === this.#paths.path)?.why ?? null;
  }

  /**
   * How a check runs on the copy: in the wall, reading the grading's folder (the copy, the
   * configs, the generated module), the contract and the allowed packages, writing its own cache.
   */
  #tool(limits: { timeoutMs: number; keepBytes: number }): ToolOptions {
    const denoDir = join(this.dir, "tool_dir");
    Deno.mkdirSync(denoDir, { recursive: true });
    const readOnly = [this.dir, this.#sandbox.code("plain"), ...this.#sandbox.packageFolders];
    return {
      denoDir,
      cwd: this.dir,
      ...limits,
      walled: {
        wall: this.#sandbox.wall,
        readOnly,
        writable: [denoDir],
        limits: { memoryMb: TYPE_CHECK_MEMORY_MB, ...TOOL_WALL },
      },
    };
  }

  /** The children's `DENO_DIR`: a copy of the workspace's warm one, made for the first child. */
  #childDenoDir(): Promise<string> {
    this.#denoDir ??= this.#sandbox.template().then(async (template) => {
      const denoDir = join(this.dir, "deno_dir");
      await copyTree(template, denoDir);
      return denoDir;
    });
    return this.#denoDir;
  }

  /** The import check's refusals (see `imports.ts`); empty when the submission may run. */
  async importProblems(): Promise<string[]> {
    const tool = this.#tool(INFO_TOOL);
    const graph = await moduleGraph(this.submission, this.#paths.info, tool);
    return importProblems(graph, this.copy, this.#sandbox.stub);
  }

  /** `deno check`'s diagnostics against the contract, as advice (see `type_check.ts`). */
  typeAdvice(): Promise<string[]> {
    return typeAdvice({
      copy: this.copy,
      submission: this.submission,
      contract: this.#sandbox.contract,
      config: this.#paths.config,
      dir: this.dir,
    }, this.#tool(CHECK_TOOL));
  }

  /** Runs `request` in a child started from `entry` (see {@linkcode runSandboxed}). */
  async run(
    request: Request,
    entry: EntryKind,
    limits: Limits,
    onEvent: (event: ChannelEvent) => void,
  ): Promise<SandboxRun> {
    const denoDir = await this.#childDenoDir();
    const paths = this.#sandbox.childPaths(entry, this.#paths.config, this.copy, denoDir);
    return runSandboxed(request, paths, limits, onEvent, this.#sandbox.wall);
  }

  /** Removes the grading's folder: the copy, its caches, everything a child left. */
  async close(): Promise<void> {
    await this.#denoDir?.catch(() => {});
    for (let attempt = 1;; attempt++) {
      try {
        return await Deno.remove(this.dir, { recursive: true });
      } catch (err) {
        // A killed child's own children may still be writing for a moment: try again.
        if (attempt === 3 || !/not empty/i.test((err as Error).message)) throw err;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }
}
