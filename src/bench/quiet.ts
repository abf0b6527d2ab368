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
 * @module
 */

/** Above this load per core at the start, a result is noisy. */
export const QUIET_PER_CORE = 0.3;

/** One process in a snapshot. */
interface ProcessTicks {
  ppid: number;
  command: string;
  /** User and system time, in clock ticks. */
  ticks: number;
  /** Of its children that ended and were waited for. */
  childTicks: number;
}

/** The CPU counters at one moment. */
export interface CpuSnapshot {
  /** `performance.now()` when taken. */
  at: number;
  /** CPUs in `/proc/stat`. */
  cpus: number;
  /** All CPUs' ticks, busy and idle; of those, busy. */
  total: number;
  busy: number;
  /** Every process's ticks, by pid. */
  processes: Map<number, ProcessTicks>;
}

/** A process's share of the CPU over a window. */
export interface ProcessShare {
  pid: number;
  command: string;
  /** Cores' worth of CPU (1 = one core busy throughout). */
  cores: number;
}

/** The load over a window between two snapshots. */
export interface LoadWindow {
  /** The window's length. */
  seconds: number;
  /** The 1-minute load average at its end, when readable. */
  loadAverage: number | null;
  /** Other processes' CPU, in cores; `null` without `/proc`. */
  otherCores: number | null;
  /** This process's and its children's, in cores. */
  ownCores: number | null;
  /** The other processes that used a fiftieth of a core or more, busiest first, at most 8. */
  top: ProcessShare[];
}

/** `/proc/stat`'s first line and each `/proc/<pid>/stat`, as one text. */
export function parseProcStat(text: string, at: number): CpuSnapshot | undefined {
  const lines = text.split("\n");
  const cpu = lines.find((l) => l.startsWith("cpu "));
  if (cpu === undefined) return undefined;
  const fields = cpu.trim().split(/\s+/).slice(1, 9).map(Number); // user … steal
  const idle = fields[3] + fields[4]; // idle, iowait
  const total = fields.reduce((a, b) => a + b, 0);
  const processes = new Map<number, ProcessTicks>();
  for (const line of lines) {
    // pid (comm) state ppid …: comm may hold spaces and parentheses, so cut at the last ")".
    const open = line.indexOf(" ("), close = line.lastIndexOf(")");
    if (!/^\d+ \(/.test(line) || close < open) continue;
    const rest = line.slice(close + 2).split(" ");
    processes.set(Number(line.slice(0, open)), {
      ppid: Number(rest[1]),
      command: line.slice(open + 2, close),
      ticks: Number(rest[11]) + Number(rest[12]), // utime, stime
      childTicks: Number(rest[13]) + Number(rest[14]), // cutime, cstime
    });
  }
  const cpus = lines.filter((l) => /^cpu\d+ /.test(l)).length || navigator.hardwareConcurrency;
  return { at, cpus, total, busy: total - idle, processes };
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

/** `self` and every process whose parent chain reaches it, in `snapshot`. */
function family(snapshot: CpuSnapshot, self: number): Set<number> {
  const ours = new Set([self]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, p] of snapshot.processes) {
      if (!ours.has(pid) && ours.has(p.ppid)) {
        ours.add(pid);
        grew = true;
      }
    }
  }
  return ours;
}

/**
 * The load between `a` and `b`: `self`'s family apart from the rest. A child of the family that
 * ended between them counts through its parent's children's time (a benchmark's processes each
 * start and end between two snapshots).
 */
export function loadWindow(
  a: CpuSnapshot,
  b: CpuSnapshot,
  self: number,
  loadAverage: number | null,
): LoadWindow {
  const window = b.total - a.total;
  const ours = family(b, self);
  const ticks = (p: ProcessTicks | undefined, withChildren: boolean) =>
    p === undefined ? 0 : p.ticks + (withChildren ? p.childTicks : 0);
  const used = (pid: number, p: ProcessTicks, withChildren: boolean) =>
    ticks(p, withChildren) - ticks(a.processes.get(pid), withChildren);
  const cores = (ticks: number) => window > 0 ? ticks / window * b.cpus : 0;
  let own = 0;
  const others: ProcessShare[] = [];
  for (const [pid, p] of b.processes) {
    if (ours.has(pid)) own += used(pid, p, true);
    else others.push({ pid, command: p.command, cores: cores(used(pid, p, false)) });
  }
  const busy = b.busy - a.busy;
  return {
    seconds: (b.at - a.at) / 1000,
    loadAverage,
    otherCores: Math.max(0, cores(busy - own)),
    ownCores: cores(own),
    top: others.filter((p) => p.cores >= 0.02).sort((x, y) => y.cores - x.cores).slice(0, 8),
  };
}

/** The 1-minute load average, or `null` without `--allow-sys=loadavg` (or on Windows). */
export function loadAverage(): number | null {
  const state = Deno.permissions.querySync({ name: "sys", kind: "loadavg" }).state;
  return state === "granted" && Deno.build.os !== "windows" ? Deno.loadavg()[0] : null;
}

/** What a result records about its load. */
export interface LoadRecord {
  /** Logical cores. */
  cores: number;
  /** The threshold per core. */
  threshold: number;
  /** The seconds before the first measurement. */
  before: LoadWindow;
  /** Between consecutive measurements. */
  during: LoadWindow[];
  /** Whether the start (or, on average, the run) was above the threshold. */
  noisy: boolean;
  /** Why, in words; empty when quiet. */
  reasons: string[];
}

/**
 * Why `w` is above the threshold on `cores` cores, in words (none when it is not): the other
 * processes' CPU, or without it the load average.
 */
export function busyReasons(w: LoadWindow, cores: number, when: string): string[] {
  const reasons = [];
  const byLoad = w.otherCores === null && w.loadAverage !== null;
  if (byLoad && w.loadAverage! / cores > QUIET_PER_CORE) {
    reasons.push(`load average ${w.loadAverage!.toFixed(2)} on ${cores} cores ${when}`);
  }
  if (w.otherCores !== null && w.otherCores / cores > QUIET_PER_CORE) {
    const who = w.top.slice(0, 3).map((p) => `${p.command}[${p.pid}] ${p.cores.toFixed(2)}`)
      .join(", ");
    const busiest = who === "" ? "" : ` (${who})`;
    reasons.push(`other processes used ${w.otherCores.toFixed(2)} cores ${when}${busiest}`);
  }
  return reasons;
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
    return a && b ? loadWindow(a, b, Deno.pid, loadAverage()) : {
      seconds,
      loadAverage: loadAverage(),
      otherCores: null,
      ownCores: null,
      top: [],
    };
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
    const reasons = [...this.busyAtStart, ...busyReasons(during, cores, "on average during")];
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

/** One line about the load: quiet, or noisy and why. */
export function loadLine(load: LoadRecord): string {
  return load.noisy
    ? `NOISY: ${load.reasons.join("; ")} (quiet is at most ${load.threshold} per core)`
    : `quiet: at most ${load.threshold} per core of load before and during`;
}
