/**
 * The sweep's worker processes: up to `jobs` runs at a time, each in a `deno run worker.ts`
 * process of its own with train's permissions (tfjs's wasm backend runs one thread per process,
 * so processes are what uses the cores), and one display for all of them: a line per run that
 * ends, and on a terminal a status line below them (runs done, the epoch each running run is at,
 * and an estimate of the time left).
 *
 * Stopping (`signal`): no new run starts, and each worker is told to stop by closing its stdin;
 * it stops at a step boundary with its epochs kept, and the pool waits for all of them.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { join } from "node:path";
import denoJson from "../../deno.json" with { type: "json" };
import { writeFileAtomic } from "../io/atomic_write.ts";
import { formatDuration } from "../run/progress.ts";
import type { WorkerEvent, WorkerJob } from "./worker.ts";

/** A run to train, with what the display needs to know about it. */
export interface PoolJob extends WorkerJob {
  /** The run's name. */
  name: string;
  /** Epochs done before this session. */
  epochsDone: number;
  /** Epochs it trains to. */
  epochs: number;
}

/** How a worker ended. */
export interface PoolResult {
  /** The run's name. */
  name: string;
  /** The worker's exit code (0 complete, 2 bad input, 3 diverged, 130/143 interrupted, 1 other). */
  code: number;
  /** The last error line it wrote, when it wrote one. */
  error?: string;
}

/** The worker's permissions: `deno task train`'s, read from deno.json (one list for both). */
const TRAIN_PERMISSIONS = denoJson.tasks.train.split(" ").filter((a) => a.startsWith("--allow"));
const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));
const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));

/** The terminal's width, or 100 columns when there is none to ask (or it says 0). */
function terminalColumns(): number {
  try {
    return Deno.consoleSize().columns || 100;
  } catch {
    return 100;
  }
}

/** The display: lines on stdout, a status line on stderr when it is a terminal. */
export class SweepDisplay {
  #tty: boolean;
  #write: (fd: "out" | "err", text: string) => void;
  #statusShown = false;
  #total: number;
  #ended = 0;
  #running = new Map<string, { epoch: number; of: number }>();
  #start = performance.now();
  #epochsThisSession = 0;
  #epochsLeft: number;

  /** A display for `total` runs (those of this session), `epochsLeft` epochs to train in all. */
  constructor(
    total: number,
    epochsLeft: number,
    output: { tty?: boolean; write?: (fd: "out" | "err", text: string) => void } = {},
  ) {
    this.#total = total;
    this.#epochsLeft = epochsLeft;
    this.#tty = output.tty ?? Deno.stderr.isTerminal();
    const encoder = new TextEncoder();
    this.#write = output.write ??
      ((fd, text) => (fd === "out" ? Deno.stdout : Deno.stderr).writeSync(encoder.encode(text)));
  }

  /** A line that stays (above the status line). */
  line(text: string): void {
    this.#clear();
    this.#write("out", text + "\n");
    this.#redraw();
  }

  /** A run started at `epoch` of `of`. */
  started(name: string, epoch: number, of: number): void {
    this.#running.set(name, { epoch, of });
    this.#redraw();
  }

  /** A run finished an epoch. */
  epoch(name: string, event: WorkerEvent): void {
    this.#running.set(name, { epoch: event.epoch, of: event.of });
    this.#epochsThisSession++;
    this.#epochsLeft--;
    this.#redraw();
  }

  /** A run ended: its line, numbered. */
  ended(name: string, text: string): void {
    this.#running.delete(name);
    this.#ended++;
    this.line(`[${this.#ended}/${this.#total}] ${text}`);
  }

  #clear(): void {
    if (this.#statusShown) this.#write("err", "\r\x1b[K");
    this.#statusShown = false;
  }

  #redraw(): void {
    if (!this.#tty) return;
    const elapsed = (performance.now() - this.#start) / 1000;
    const rate = this.#epochsThisSession / elapsed;
    const eta = rate > 0 ? formatDuration(this.#epochsLeft / rate) : "?";
    const running = [...this.#running].map(([name, r]) => `${name} ${r.epoch}/${r.of}`);
    const text =
      `sweep: ${this.#ended}/${this.#total} done · ${running.join(" · ") || "starting"}` +
      ` · ETA ${eta}`;
    const width = terminalColumns();
    this.#write("err", `\r${[...text].slice(0, Math.max(20, width - 1)).join("")}\x1b[K`);
    this.#statusShown = true;
  }

  /** Clears the status line before the task prints anything else. */
  close(): void {
    this.#clear();
  }
}

/** The last `error:` line of a worker's stderr. */
function lastError(text: string): string | undefined {
  return text.split("\n").reverse().find((l) => /^(internal )?error: /.test(l))
    ?.replace(/^error: /, "");
}

/** Reads JSON lines from `stream`, calling `onEvent` for each. */
async function readEvents(
  stream: ReadableStream<Uint8Array>,
  onEvent: (e: WorkerEvent) => void,
): Promise<void> {
  let pending = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    let at;
    while ((at = pending.indexOf("\n")) !== -1) {
      const line = pending.slice(0, at);
      pending = pending.slice(at + 1);
      try {
        onEvent(JSON.parse(line));
      } catch {
        // not an event: ignored
      }
    }
  }
}

/**
 * Runs one job in a worker process, whose wasm products use `threads` threads
 * (`RNNLAB_WASM_THREADS`, unless the sweep's own environment sets it); its stderr goes to `log`.
 */
async function runWorker(
  job: PoolJob,
  log: string,
  signal: AbortSignal,
  display: SweepDisplay,
  threads: number,
): Promise<PoolResult> {
  const { name, epochsDone, epochs, ...workerJob } = job;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--config", CONFIG, ...TRAIN_PERMISSIONS, WORKER, JSON.stringify(workerJob)],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: {
      NO_COLOR: "1",
      RNNLAB_WASM_THREADS: Deno.env.get("RNNLAB_WASM_THREADS") ?? `${threads}`,
    },
  }).spawn();
  display.started(name, epochsDone, epochs);
  const stdin = child.stdin.getWriter();
  const stop = () => stdin.close().catch(() => {});
  signal.addEventListener("abort", stop, { once: true });
  const [, stderr, status] = await Promise.all([
    readEvents(child.stdout, (e) => display.epoch(name, e)),
    new Response(child.stderr).text(),
    child.status,
  ]);
  signal.removeEventListener("abort", stop);
  await stop();
  // One log per run, a section per session (rewritten whole: a reader never sees half a file).
  const before = await Deno.readTextFile(log).catch(() => "");
  const header = `--- ${job.mode} session, ended ${
    new Date().toISOString()
  }, exit ${status.code}\n`;
  await writeFileAtomic(log, before + header + stderr);
  const error = status.code === 0 ? undefined : lastError(stderr) ??
    (status.signal ? `killed by ${status.signal}` : `exit code ${status.code}`);
  return { name, code: status.code, ...(error !== undefined && { error }) };
}

/**
 * Runs `jobs` on up to `workers` processes, in order; calls `onResult` as each ends (awaited, one
 * at a time). Returns when all that started have ended and been reported; after `signal` aborts,
 * none starts.
 */
export async function runPool(
  jobs: readonly PoolJob[],
  opts: {
    workers: number;
    logDir: string;
    signal: AbortSignal;
    display: SweepDisplay;
    onResult: (result: PoolResult) => Promise<void>;
  },
): Promise<void> {
  const queue = [...jobs];
  const lanes = Math.min(opts.workers, jobs.length);
  const threads = Math.max(1, Math.floor(navigator.hardwareConcurrency / lanes)); // a core each
  let reporting = Promise.resolve();
  const lane = async () => {
    while (queue.length > 0 && !opts.signal.aborted) {
      const job = queue.shift()!;
      const result = await runWorker(
        job,
        join(opts.logDir, `${job.name}.log`),
        opts.signal,
        opts.display,
        threads,
      );
      reporting = reporting.then(() => opts.onResult(result));
      await reporting;
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
}
