/**
 * Runs a `deno` subcommand of the grader's own (`info`, `check`) on a private copy: an empty
 * environment but `NO_COLOR` and the grading's private `DENO_DIR`, a time limit, and a bound on
 * the output kept.
 *
 * @module
 */

/** What a tool run produced. */
export interface ToolRun {
  /** The exit code, or `null` when it was killed (past its time limit). */
  code: number | null;
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

/** Runs `deno ...args` under `opts`. */
export async function runDenoTool(args: string[], opts: ToolOptions): Promise<ToolRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: opts.cwd,
    clearEnv: true,
    env: { NO_COLOR: "1", DENO_DIR: opts.denoDir },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, opts.timeoutMs);
  const [stdout, stderr, status] = await Promise.all([
    readBounded(child.stdout, opts.keepBytes),
    readBounded(child.stderr, opts.keepBytes),
    child.status,
  ]);
  clearTimeout(timer);
  return { code: killed ? null : status.code, stdout, stderr };
}
