/**
 * The second core for wasm: large float32 products shared by this thread and worker threads, each
 * running `wasm_gemm.ts`'s kernel on one shared memory.
 *
 * tfjs-backend-wasm runs on one thread under Deno (its threaded build needs Emscripten's classic
 * workers, which Deno lacks: bench/results/README.md). Its memory is not shared, so a product
 * here copies A and B into a shared `WebAssembly.Memory`, packs B's column panels, splits C into
 * tiles (a group of panels × a group of rows) that every thread claims one at a time from a
 * shared counter until none is left, and copies C back. A thread that the machine holds up simply
 * claims fewer tiles. Each output is computed whole by one thread, in the kernel's one order, so
 * the result does not depend on the split.
 *
 * `wasm_threads.ts` offers these threads to the wasm kernels, which a browser runs without them.
 *
 * The workers are `node:worker_threads` workers, unreferenced, which poll for a while and then
 * wait with a blocking `Atomics.wait`: a web `Worker` keeps the process alive until it is
 * terminated, and cannot be terminated while it blocks (both tried with Deno 2.9.6).
 *
 * The protocol, in the first {@linkcode CONTROL_BYTES} of the memory: the job's parameters, its
 * sequence number (the word the workers wait on), the number of tiles completed (the word this
 * thread waits on) and a 64-bit claim word, job << 32 | next tile. A worker that wakes late reads
 * the job number first; its claim fails once that job has moved on, so it never runs a tile of a
 * job whose parameters it did not read.
 *
 * @module
 */

import { Worker } from "node:worker_threads";
import { UsageError } from "../errors.ts";
import { type GemmKernels, gemmKernels, MR, NR } from "./wasm_gemm.ts";

/** Bytes at the start of the shared memory that hold the protocol's words. */
export const CONTROL_BYTES = 128;
/** Int32 words of the control block. */
const W = {
  seq: 0,
  completed: 1,
  a: 2,
  bp: 3,
  c: 4,
  k: 5,
  ldc: 6,
  rows: 7,
  panels: 8,
  panelsPerTile: 9,
  rowsPerTile: 10,
  tiles: 11,
} as const;
/** The claim word's index in a BigInt64Array over the control block (byte 64). */
const CLAIM = 8;
const PAGE = 65536;
/**
 * How long a thread polls before it sleeps, waiting for the next job (a worker) or for the last
 * tile (this thread), in ms. A futex wake-up costs tens of µs here, as much as half of one of the
 * recurrence's products, which come ~0.1–0.3 ms apart; polling longer than that only burns a core.
 */
const SPIN_MS = 0.5;
const MAX_PAGES = 65536;

/** One thread's view of the shared memory: its kernels and the control block. */
export interface GemmThread {
  kernels: GemmKernels;
  words: Int32Array;
  claim: BigInt64Array;
}

/** This thread's view of `memory`. */
export function gemmThread(memory: WebAssembly.Memory): GemmThread {
  return {
    kernels: gemmKernels(memory),
    words: new Int32Array(memory.buffer, 0, CONTROL_BYTES / 4),
    claim: new BigInt64Array(memory.buffer, 0, CONTROL_BYTES / 8),
  };
}

/**
 * Runs the kernel a few hundred times on a small product, so that V8 compiles it with its
 * optimizing tier before the first real product (which would otherwise run on the baseline tier,
 * ~3× slower). Uses the memory past the control block.
 */
export function warmUp({ kernels }: GemmThread): void {
  const size = 64 * 64 * 4; // A, B, packed B and C of 64 × 64, one after the other
  const [a, b, bp, c] = [0, 1, 2, 3].map((i) => CONTROL_BYTES + i * size);
  for (let i = 0; i < 200; i++) {
    kernels.pack(b, bp, 64, 64, 0, 64 / NR);
    kernels.gemm(a, bp, c, 64, 64, 0, 16, 0, 64 / NR);
  }
}

/**
 * Claims and runs tiles of job `seq` until none is left, or the job has moved on; returns how
 * many it ran.
 */
export function runTiles(thread: GemmThread, seq: number): number {
  const { kernels, words, claim } = thread;
  const job = BigInt(seq) << 32n;
  let ran = 0;
  for (;;) {
    const word = Atomics.load(claim, CLAIM);
    if ((word & ~0xffffffffn) !== job) return ran; // a later job: its parameters were not ours
    const tile = Number(word & 0xffffffffn);
    if (tile >= words[W.tiles]) return ran;
    if (Atomics.compareExchange(claim, CLAIM, word, word + 1n) !== word) continue; // taken
    const rowGroups = Math.ceil(words[W.rows] / words[W.rowsPerTile]);
    const p0 = Math.floor(tile / rowGroups) * words[W.panelsPerTile];
    const i0 = (tile % rowGroups) * words[W.rowsPerTile];
    kernels.gemm(
      words[W.a],
      words[W.bp],
      words[W.c],
      words[W.k],
      words[W.ldc],
      i0,
      Math.min(i0 + words[W.rowsPerTile], words[W.rows]),
      p0,
      Math.min(p0 + words[W.panelsPerTile], words[W.panels]),
    );
    ran++;
    Atomics.add(words, W.completed, 1);
    Atomics.notify(words, W.completed);
  }
}

/** A worker's life: wait for each job, run its tiles, until terminated. */
export function serveJobs(thread: GemmThread): never {
  let seen = 0;
  for (;;) {
    const until = performance.now() + SPIN_MS;
    while (Atomics.load(thread.words, W.seq) === seen && performance.now() < until);
    Atomics.wait(thread.words, W.seq, seen);
    seen = Atomics.load(thread.words, W.seq);
    runTiles(thread, seen);
  }
}

/** The threads of this process, when more than one. */
interface Pool {
  memory: WebAssembly.Memory;
  self: GemmThread;
  workers: Worker[];
  seq: number;
  /** Tiles run since the pool started, and of those by this thread. */
  tiles: number;
  tilesHere: number;
}

let pool: Pool | undefined;

/** Starts one worker on `memory`; resolves when it is ready, rejects when it fails to start. */
function startWorker(memory: WebAssembly.Memory): Promise<Worker> {
  const worker = new Worker(new URL("./gemm_worker.ts", import.meta.url), {
    workerData: { memory },
  });
  return new Promise((resolve, reject) => {
    worker.once("message", () => {
      worker.unref(); // never keeps the process alive
      resolve(worker);
    });
    worker.once("error", reject);
  });
}

/**
 * Sets how many threads large products use (this one and `threads − 1` workers) and starts the
 * workers. Returns the threads that run, with the reason when fewer than asked (a worker that
 * cannot start, e.g. without read access to this folder, leaves the products on one thread).
 */
export async function setGemmThreads(
  threads: number,
): Promise<{ threads: number; reason?: string }> {
  if (threads === gemmThreads()) return { threads };
  const old = pool;
  pool = undefined;
  await Promise.all(old?.workers.map((w) => w.terminate()) ?? []);
  if (threads <= 1) return { threads: 1 };
  const memory = new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared: true });
  const self = gemmThread(memory);
  warmUp(self);
  try {
    const workers = await Promise.all(
      Array.from({ length: threads - 1 }, () => startWorker(memory)),
    );
    pool = { memory, self, workers, seq: 0, tiles: 0, tilesHere: 0 };
    return { threads };
  } catch (err) {
    return { threads: 1, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** How many threads large products use now. */
export function gemmThreads(): number {
  return pool ? pool.workers.length + 1 : 1;
}

/**
 * The product tiles run since the pool started, and of those by this thread: the workers' share
 * is near (threads − 1)/threads when every core was free, lower when the machine held them up.
 */
export function tileCounts(): { tiles: number; here: number } {
  return { tiles: pool?.tiles ?? 0, here: pool?.tilesHere ?? 0 };
}

/**
 * The fewest tiles a product is cut into per thread, where its panels allow: a thread held up
 * late still finds work.
 */
const TILES_PER_THREAD = 4;

/**
 * Tile sizes: a group of B's panels of about 32 KiB (L1), a group of A's rows of about 512 KiB
 * (L2); fewer panels a group when that would leave fewer than {@linkcode TILES_PER_THREAD} tiles a
 * thread (the recurrence's products: one group of rows, 32 panels).
 */
function tileSizes(
  k: number,
  panels: number,
  threads: number,
): { panelsPerTile: number; rowsPerTile: number } {
  const l1 = Math.floor(32768 / (k * NR * 4));
  return {
    panelsPerTile: Math.max(1, Math.min(l1, Math.ceil(panels / (TILES_PER_THREAD * threads)))),
    rowsPerTile: Math.max(MR, Math.floor(131072 / k / MR) * MR),
  };
}

/**
 * C = A·B (A m × k and B k × n, row-major float32; `b` holds Bᵀ, n × k, when `transposeB`) on
 * every thread, into `out` (m × n). Returns false, doing nothing, when there is one thread or the
 * operands do not fit the shared memory.
 */
export function parallelMatMul(
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  out: Float32Array,
  transposeB = false,
): boolean {
  if (!pool) return false;
  const rows = Math.ceil(m / MR) * MR, panels = Math.ceil(n / NR), ldc = panels * NR;
  const at = CONTROL_BYTES, bAt = at + (rows * k + NR) * 4;
  const bpAt = bAt + k * (n + NR) * 4, cAt = bpAt + k * ldc * 4, end = cAt + rows * ldc * 4;
  const { memory, self } = pool;
  if (end > MAX_PAGES * PAGE) return false;
  if (end > memory.buffer.byteLength) {
    memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
  }
  const heap = new Float32Array(memory.buffer);
  heap.set(a, at / 4);
  heap.set(b, bAt / 4);
  (transposeB ? self.kernels.packT : self.kernels.pack)(bAt, bpAt, k, n, 0, panels);
  const { panelsPerTile, rowsPerTile } = tileSizes(k, panels, pool.workers.length + 1);
  const tiles = Math.ceil(panels / panelsPerTile) * Math.ceil(rows / rowsPerTile);
  const seq = ++pool.seq;
  const job = { a: at, bp: bpAt, c: cAt, k, ldc, rows, panels, panelsPerTile, rowsPerTile, tiles };
  for (const [key, value] of Object.entries(job)) self.words[W[key as keyof typeof job]] = value;
  Atomics.store(self.words, W.completed, 0);
  Atomics.store(self.claim, CLAIM, BigInt(seq) << 32n);
  Atomics.store(self.words, W.seq, seq);
  Atomics.notify(self.words, W.seq);
  pool.tilesHere += runTiles(self, seq);
  pool.tiles += tiles;
  const until = performance.now() + SPIN_MS;
  for (let done; (done = Atomics.load(self.words, W.completed)) < tiles;) {
    if (performance.now() > until) Atomics.wait(self.words, W.completed, done);
  }
  for (let i = 0; i < m; i++) {
    out.set(heap.subarray(cAt / 4 + i * ldc, cAt / 4 + i * ldc + n), i * n);
  }
  return true;
}

/** The most threads wasm's large products use by default (beyond, the copies outweigh them). */
const MAX_WASM_THREADS = 8;

/**
 * How many threads wasm's large products use: `RNNLAB_WASM_THREADS` when set (and readable: a
 * sweep sets it for its workers), else the cores, at most {@linkcode MAX_WASM_THREADS}.
 */
export function wasmThreadsWanted(): number {
  const variable = "RNNLAB_WASM_THREADS";
  const readable = Deno.permissions.querySync({ name: "env", variable }).state === "granted";
  const value = readable ? Deno.env.get(variable) : undefined;
  if (value === undefined) return Math.min(navigator.hardwareConcurrency, MAX_WASM_THREADS);
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1) {
    throw new UsageError(`${variable}=${value}: give a whole number of threads, 1 or more`);
  }
  return threads;
}
