/**
 * The load a benchmark ran under, as numbers and words: the other processes' share of the CPU
 * over a window between two readings of `/proc` (this process and its children apart), when that
 * is above {@linkcode QUIET_PER_CORE} of a core per core, and the line a result opens with. The
 * readings themselves are `quiet.ts`'s; this module only computes, so a web page can show a
 * result's load too.
 *
 * @module
 */

/** Above this load per core at the start, a result is noisy. */
export const QUIET_PER_CORE = 0.3;

/**
 * Above this ratio of the slowest to the fastest run of the speed probe (`quiet.ts`) over a
 * benchmark, a result is noisy: idle, on this project's 2-core VM, 60 probes over 30 s spread by
 * 1.08× at most; a host that takes the VM's CPU shows in no process's ticks, only in the probe.
 */
export const PROBE_SPREAD = 1.25;

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
  /** Its process id. */
  pid: number;
  /** Its command name (`/proc/PID/stat`'s `comm`). */
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
  /** The speed probe's time at its end, ms (results from before the probe have none). */
  probeMs?: number;
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

/**
 * Why the machine's speed varied over `windows` (none when the probe's slowest time is within
 * {@linkcode PROBE_SPREAD} of its fastest, or there were fewer than two probes).
 */
export function probeReasons(windows: readonly LoadWindow[]): string[] {
  const times = windows.flatMap((w) => w.probeMs === undefined ? [] : [w.probeMs]);
  if (times.length < 2) return [];
  const [fastest, slowest] = [Math.min(...times), Math.max(...times)];
  if (slowest <= PROBE_SPREAD * fastest) return [];
  return [
    `the machine's speed varied: a fixed probe took ${fastest.toFixed(1)}–${slowest.toFixed(1)} ` +
    `ms (${(slowest / fastest).toFixed(2)}×; steady is at most ${PROBE_SPREAD}×), whatever the ` +
    `processes here used`,
  ];
}

/** One line about the load: quiet, or noisy and why. */
export function loadLine(load: LoadRecord): string {
  return load.noisy
    ? `NOISY: ${load.reasons.join("; ")} (quiet is at most ${load.threshold} per core)`
    : `quiet: at most ${load.threshold} per core of load before and during` +
      (load.before.probeMs === undefined ? "" : `, the speed probe steady`);
}
