/**
 * Is the machine quiet? The load a benchmark ran under: the load average and the other processes'
 * share of the CPU, before the first measurement and between measurements.
 *
 * On a machine of few cores anything else running changes the times, and not evenly: PyTorch's
 * spinning BLAS threads slow down several times when a core is taken, rnnlab's wasm far less
 * (bench/results/README.md). So a result records its load, and one whose other processes used
 * more than {@linkcode QUIET_PER_CORE} of a core per core over the seconds before it started (or,
 * on average, during it) is marked noisy. The load average is recorded beside, but decides only
 * where the CPU shares cannot be read: it lags by a minute and counts this benchmark's own work,
 * and the one before it.
 *
 * The CPU shares come from `/proc/stat` and every `/proc/<pid>/stat` (Linux), read through `sh`
 * since Deno reads `/proc` only with `--allow-all`: the machine's busy time minus this process's
 * and its children's. Where that cannot run, only the load average is recorded.
 *
 * Nor can `/proc` see a host that takes the CPU from a virtual machine (this project's 2-core
 * VM showed no steal time while its benchmarks slowed by up to 2× for a minute): so each
 * reading also times a speed probe, a fixed chain of floating-point work on this thread, and a
 * result whose probe varied by more than `load.ts`'s `PROBE_SPREAD` is noisy too.
 *
 * The arithmetic (shares, thresholds, the line) is `load.ts`'s.
 *
 * @module
 */

import {
  busyReasons,
  type CpuSnapshot,
  type LoadRecord,
  type LoadWindow,
  loadWindow,
  parseProcStat,
  probeReasons,
  QUIET_PER_CORE,
} from "./load.ts";

/** Little-endian bytes of a float64 constant. */
const f64 = (x: number) => [...new Uint8Array(new Float64Array([x]).buffer)];

/**
 * The probe as WebAssembly, `probe(n)`: n dependent steps of x = x·1.0000001 + 1e-9, summed.
 * WebAssembly because V8 may drop a JavaScript function's optimized code between two readings
 * minutes apart (the probe then ran 3× slower at two readings of several runs, the machine idle):
 * compiled WebAssembly stays compiled.
 */
const PROBE_MODULE = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version
  ...[0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7c], // type: (i32) → f64
  ...[0x03, 0x02, 0x01, 0x00], // one function of that type
  ...[0x07, 0x09, 0x01, 0x05, 0x70, 0x72, 0x6f, 0x62, 0x65, 0x00, 0x00], // export "probe"
  ...[0x0a, 0x3c, 0x01, 0x3a, 0x01, 0x02, 0x7c], // code: one body, locals x and sum (f64)
  ...[0x44, ...f64(1), 0x21, 0x01], // x = 1
  ...[0x03, 0x40], // loop
  ...[0x20, 0x01, 0x44, ...f64(1.0000001), 0xa2, 0x44, ...f64(1e-9), 0xa0, 0x22, 0x01], // x·a + b
  ...[0x20, 0x02, 0xa0, 0x21, 0x02], // sum += x
  ...[0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, 0x0b], // while (--n)
  ...[0x20, 0x02, 0x0b], // return sum
]);

let probe: ((n: number) => number) | undefined;

/**
 * The speed probe: the fastest of three runs of 4M dependent float64 multiply-adds (~7 ms each on
 * this project's 2-core VM, bound by the core's latency and clock, not by memory), ms. Its first
 * call also compiles and warms it.
 */
export function speedProbe(): number {
  if (!probe) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(PROBE_MODULE));
    probe = instance.exports.probe as (n: number) => number;
    for (let i = 0; i < 5; i++) probe(4_000_000); // past the baseline compiler
  }
  let fastest = Infinity;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    probe(4_000_000);
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

/** Reads the counters now, or `undefined` where `/proc` or `sh` is not there. */
export async function cpuSnapshot(): Promise<CpuSnapshot | undefined> {
  try {
    const out = await new Deno.Command("sh", {
      args: ["-c", "cat /proc/stat /proc/[0-9]*/stat 2>/dev/null"],
      stdout: "piped",
      stderr: "null",
    }).output();
    return parseProcStat(new TextDecoder().decode(out.stdout), performance.now());
  } catch {
    return undefined;
  }
}

/** The 1-minute load average, or `null` without `--allow-sys=loadavg` (or on Windows). */
export function loadAverage(): number | null {
  const state = Deno.permissions.querySync({ name: "sys", kind: "loadavg" }).state;
  return state === "granted" && Deno.build.os !== "windows" ? Deno.loadavg()[0] : null;
}

/** The load average and CPU shares, taken before a benchmark and after each measurement. */
export class LoadGuard {
  #last: CpuSnapshot | undefined;
  readonly #before: LoadWindow;
  readonly #during: LoadWindow[] = [];

  private constructor(last: CpuSnapshot | undefined, before: LoadWindow) {
    this.#last = last;
    this.#before = before;
  }

  /** Watches the machine for `seconds` before a benchmark starts. */
  static async start(seconds = 2): Promise<LoadGuard> {
    const a = await cpuSnapshot();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const b = await cpuSnapshot();
    return new LoadGuard(b, LoadGuard.#window(a, b, seconds));
  }

  static #window(a: CpuSnapshot | undefined, b: CpuSnapshot | undefined, seconds: number) {
    const window: LoadWindow = a && b ? loadWindow(a, b, Deno.pid, loadAverage()) : {
      seconds,
      loadAverage: loadAverage(),
      otherCores: null,
      ownCores: null,
      top: [],
    };
    return { ...window, probeMs: speedProbe() };
  }

  /** Why the start was busy, in words; empty when it was quiet. */
  get busyAtStart(): string[] {
    return busyReasons(this.#before, navigator.hardwareConcurrency, "at the start");
  }

  /** Records the window since the last checkpoint (call after each measurement). */
  async checkpoint(): Promise<void> {
    const next = await cpuSnapshot();
    const seconds = this.#last && next ? (next.at - this.#last.at) / 1000 : 0;
    this.#during.push(LoadGuard.#window(this.#last, next, seconds));
    this.#last = next;
  }

  /** The record: before, during, and whether the result is noisy. */
  record(): LoadRecord {
    const cores = navigator.hardwareConcurrency;
    const time = this.#during.reduce((s, w) => s + w.seconds, 0);
    const mean = (f: (w: LoadWindow) => number | null) =>
      this.#during.some((w) => f(w) === null) || time === 0
        ? null
        : this.#during.reduce((s, w) => s + f(w)! * w.seconds, 0) / time;
    const during: LoadWindow = {
      seconds: time,
      loadAverage: mean((w) => w.loadAverage),
      otherCores: mean((w) => w.otherCores),
      ownCores: mean((w) => w.ownCores),
      top: [],
    };
    const reasons = [
      ...this.busyAtStart,
      ...busyReasons(during, cores, "on average during"),
      ...probeReasons([this.#before, ...this.#during]),
    ];
    return {
      cores,
      threshold: QUIET_PER_CORE,
      before: this.#before,
      during: this.#during,
      noisy: reasons.length > 0,
      reasons,
    };
  }
}
