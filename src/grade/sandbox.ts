/**
 * Runs one exercise of a submission in a child Deno process with no permission but reading the
 * submission's folder, and collects what comes back.
 *
 * The child is `deno run` with `--no-prompt` (a permission it lacks is denied, never asked for),
 * no `--allow-*` but `--allow-read` for the submission's folder and the npm packages, `--no-remote`
 * and `--cached-only` (nothing is downloaded), `--frozen` (the lockfile is the grader's),
 * `--seed` (`Math.random` is reproducible), a V8 heap cap, an empty environment, and the grader's
 * `deno.json` (for the `@tensorflow/tfjs` import). The grader kills it at the exercise's time limit,
 * when its resident memory passes a limit (tensor data lives outside the V8 heap, so the child's
 * watcher thread reports it: Deno lets no process read another's `/proc` without `--allow-all`),
 * when it writes more than a limit to stdout, or when it breaks the protocol.
 *
 * @module
 */

import { join } from "node:path";
import { FormatError } from "./codec.ts";
import { type ChannelEvent, ChannelReader, encodeRequest, type Request } from "./protocol.ts";

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
}

/** Where the child's code and its permissions come from. */
export interface SandboxPaths {
  /** The child's entry module (`child_entry.ts` or `child_entry_primitives.ts`). */
  entry: string;
  /** The grader's `deno.json`. */
  config: string;
  /** The folder the submission may read and import from. */
  root: string;
}

/** How a child run ended. */
export type Ending = "done" | "exited" | "timeout" | "memory" | "output" | "protocol";

/** Everything a child run produced. */
export interface SandboxRun {
  /** Messages and the submission's stdout, in order. */
  events: ChannelEvent[];
  /** The start of the child's stderr (the submission's, and Deno's own error reports). */
  stderr: string;
  /** How it ended: `done` when the child finished every case. */
  ending: Ending;
  /** The exit code, or `null` when killed by a signal. */
  code: number | null;
  /** For `protocol` and `output`: what was wrong. */
  detail: string;
}

const STDERR_KEEP = 4000;

/** The `deno` arguments of a child: every sandbox flag is here. */
export function childArgs(paths: SandboxPaths, limits: Limits, seed: number): string[] {
  const readable = [paths.root, join(paths.config, "..", "node_modules")];
  return [
    "run",
    "--no-prompt",
    "--no-remote",
    "--cached-only",
    "--frozen",
    `--config=${paths.config}`,
    `--seed=${seed}`,
    `--v8-flags=--max-old-space-size=${limits.heapMb}`,
    `--allow-read=${readable.join(",")}`,
    paths.entry,
  ];
}

async function readStderr(stream: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) {
    if (text.length < STDERR_KEEP) text += decoder.decode(chunk, { stream: true });
  }
  return text.length > STDERR_KEEP ? `${text.slice(0, STDERR_KEEP)}\n[stderr cut]` : text;
}

/** Runs `request` in a sandboxed child and collects its events until it finishes or is stopped. */
export async function runSandboxed(
  request: Request,
  paths: SandboxPaths,
  limits: Limits,
  seed = 0,
): Promise<SandboxRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: childArgs(paths, limits, seed),
    clearEnv: true,
    env: { NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let ending: Ending | null = null;
  let detail = "";
  const stop = (why: Ending) => {
    if (ending !== null) return;
    ending = why;
    try {
      child.kill("SIGKILL");
    } catch {
      // already exited
    }
  };
  const timer = setTimeout(() => stop("timeout"), limits.timeoutMs);
  const stderr = readStderr(child.stderr);
  const writer = child.stdin.getWriter();
  writer.write(new TextEncoder().encode(encodeRequest(request)))
    .then(() => writer.close())
    .catch(() => {}); // the child died before reading its request: its exit status tells why

  const events: ChannelEvent[] = [];
  const reader = new ChannelReader(request.nonce, limits.stdoutBytes);
  try {
    for await (const chunk of child.stdout) {
      for (const event of reader.push(chunk)) {
        events.push(event);
        if (event.kind === "message" && event.message.t === "done") ending ??= "done";
        if (event.kind === "message" && event.message.t === "memory") stop("memory");
      }
    }
    events.push(...reader.end());
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    detail = err.message;
    stop(err.message.startsWith("more than") ? "output" : "protocol");
    await child.stdout.cancel().catch(() => {});
  }
  const status = await child.status;
  clearTimeout(timer);
  return {
    events,
    stderr: await stderr,
    ending: ending ?? "exited",
    code: status.signal === null ? status.code : null,
    detail,
  };
}
