/**
 * Runs a `deno` subcommand of the grader's own (`info`, `check`) on a private copy: an empty
 * environment but `NO_COLOR` and the grading's private `DENO_DIR`, a time limit, a bound on the
 * output kept, and, on a submission, inside the grader's wall (`wall.ts`): its memory, CPU time and
 * tasks bounded by the kernel, its whole process group killed when it ends.
 *
 * @module
 */

import type { Wall, WallLimits } from "./wall.ts";

/** What a tool run produced. */
export interface ToolRun {
  /** The exit code, or `null` when it was killed (past its time limit or its memory). */
  code: number | null;
  /** Why it was killed: `timeout` or `memory` (the kernel's, or V8's heap); `null` if not. */
  stopped: "timeout" | "memory" | null;
  /** Its stdout, cut at the bound. */
  stdout: string;
  /** Its stderr, cut at the bound. */
  stderr: string;
}

/** How to run it. */
export interface ToolOptions {
  /** The `DENO_DIR` it may write (its caches), inside the grading's private folder. */
  denoDir: string;
  /** Its working directory. */
  cwd: string;
  /** Killed past this many milliseconds. */
  timeoutMs: number;
  /** The most bytes of each stream kept. */
  keepBytes: number;
  /** The wall it runs in, what it may read (`cwd` too) and write, and its limits; none: a plain run. */
  walled?: { wall: Wall; readOnly: string[]; writable: string[]; limits: WallLimits };
}

/** The text of the first `keep` bytes of `stream`, which is read to its end. */
export async function readBounded(
  stream: ReadableStream<Uint8Array>,
  keep: number,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  let kept = 0;
  for await (const chunk of stream) {
    if (kept >= keep) continue;
    const part = chunk.subarray(0, keep - kept);
    kept += part.length;
    text += decoder.decode(part, { stream: true });
  }
  return text + decoder.decode();
}

/** Starts `deno ...args` under `opts`: walled when `opts.walled` says so. */
function start(args: string[], opts: ToolOptions): {
  process: Deno.ChildProcess;
  kill: () => void;
  end: () => Promise<{ status: Deno.CommandStatus; oomKilled: boolean }>;
} {
  const env = { NO_COLOR: "1", DENO_DIR: opts.denoDir };
  if (opts.walled !== undefined) {
    const { wall, readOnly, writable, limits } = opts.walled;
    const walled = wall.spawn({
      args,
      cwd: opts.cwd,
      env,
      readOnly,
      writable,
      limits,
      stdin: "null",
    });
    return { process: walled.process, kill: () => walled.kill(), end: () => walled.end() };
  }
  const process = new Deno.Command(Deno.execPath(), {
    args,
    cwd: opts.cwd,
    clearEnv: true,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  return {
    process,
    kill: () => process.kill("SIGKILL"),
    end: async () => ({ status: await process.status, oomKilled: false }),
  };
}

/**
 * Runs `deno ...args` under `opts` (started before this returns its promise); what it started is
 * gone when the promise resolves.
 */
export async function runDenoTool(args: string[], opts: ToolOptions): Promise<ToolRun> {
  const { process, kill, end } = start(args, opts);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, opts.timeoutMs);
  const [stdout, stderr] = await Promise.all([
    readBounded(process.stdout, opts.keepBytes),
    readBounded(process.stderr, opts.keepBytes),
    process.status,
  ]);
  clearTimeout(timer);
  const { status, oomKilled } = await end();
  const heap = /out of memory|heap limit/i.test(stderr);
  const stopped = timedOut ? "timeout" : oomKilled || heap ? "memory" : null;
  return { code: stopped === null ? status.code : null, stopped, stdout, stderr };
}
