/**
 * A cage of Linux control groups around one walled process tree: a memory limit the kernel
 * enforces on every process in it (tensors included, which V8's heap limit does not see), a bound
 * on its number of tasks (`pids.max`: `RLIMIT_NPROC` does not hold root), a way to kill every
 * member, and whether the kernel's OOM killer struck.
 *
 * Made synchronously (a few writes to cgroupfs), so that a check starts at once even when the
 * grader's next step is long synchronous work. Each cage is a new child of the grader's own cgroup (read from `/proc/self/cgroup`), so it adds
 * limits below the ones the grader already runs under and changes nothing above it; it is removed
 * once its members are gone. cgroup v1 (separate `memory` and `pids` hierarchies) and v2 (one
 * unified hierarchy, where the parent must delegate the controllers) are both handled. Where the
 * grader cannot create one (no cgroupfs, read-only, a v2 parent that holds processes), `openCage`
 * returns `null` and the caller falls back on `RLIMIT_AS`.
 *
 * @module
 */

import { join } from "node:path";

/** Which cgroup files a cage writes and reads, by version. */
interface Layout {
  /** The folders of the grader's own cgroups, memory's first (one folder on v2). */
  parents: string[];
  /** cgroup v2 (one folder, `memory.max`) or v1 (`memory.limit_in_bytes`). */
  v2: boolean;
}

const CGROUP_ROOT = "/sys/fs/cgroup";

/** The grader's own cgroups, by controller, as `/proc/self/cgroup` lists them. */
function ownLayout(): Layout | null {
  let table: string;
  try {
    table = Deno.readTextFileSync("/proc/self/cgroup");
  } catch {
    return null;
  }
  const paths = new Map<string, string>();
  for (const line of table.trim().split("\n")) {
    const [, controllers, path] = line.split(":");
    for (const c of controllers.split(",")) paths.set(c, path);
  }
  const memory = paths.get("memory");
  const pids = paths.get("pids");
  if (memory !== undefined && pids !== undefined) {
    return {
      parents: [join(CGROUP_ROOT, "memory", memory), join(CGROUP_ROOT, "pids", pids)],
      v2: false,
    };
  }
  const unified = paths.get("");
  const isV2 = (() => {
    try {
      return Deno.statSync(join(CGROUP_ROOT, "cgroup.controllers")).isFile;
    } catch {
      return false;
    }
  })();
  return unified !== undefined && isV2 ? { parents: [join(CGROUP_ROOT, unified)], v2: true } : null;
}

/** Limits of a cage. */
export interface CageLimits {
  /** Memory of all its processes together (resident and swap), in MiB. */
  memoryMb: number;
  /** Its most tasks (processes and threads). */
  tasks: number;
}

/** One cage: the `cgroup.procs` files a new process joins, its limits, its kill and removal. */
export class Cage {
  #dirs: string[];
  #v2: boolean;

  /** Use {@linkcode openCage}. */
  constructor(dirs: string[], v2: boolean) {
    this.#dirs = dirs;
    this.#v2 = v2;
  }

  /** The files a process writes its pid into to join the cage (every controller's). */
  get procsFiles(): string[] {
    return this.#dirs.map((d) => join(d, "cgroup.procs"));
  }

  /** The pids in the cage now. */
  members(): number[] {
    const pids = new Set<number>();
    for (const file of this.procsFiles) {
      try {
        for (const p of Deno.readTextFileSync(file).split("\n")) if (p !== "") pids.add(+p);
      } catch {
        // removed already
      }
    }
    return [...pids];
  }

  /** Whether the kernel killed a member for passing the memory limit. */
  oomKilled(): boolean {
    const file = join(this.#dirs[0], this.#v2 ? "memory.events" : "memory.oom_control");
    try {
      const m = Deno.readTextFileSync(file).match(/^oom_kill (\d+)$/m);
      return m !== null && +m[1] > 0;
    } catch {
      return false;
    }
  }

  /** Kills every member with SIGKILL (a fork racing the kill is caught by the next call). */
  kill(): void {
    if (this.#v2) {
      try {
        return Deno.writeTextFileSync(join(this.#dirs[0], "cgroup.kill"), "1");
      } catch {
        // a kernel before 5.14: one by one, below
      }
    }
    for (const pid of this.members()) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
  }

  /** Kills what is left, waits (a second at most) until the cage is empty, and removes it. */
  async remove(): Promise<void> {
    for (let i = 0; i < 50 && this.members().length > 0; i++) {
      this.kill();
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const dir of this.#dirs) await Deno.remove(dir).catch(() => {});
  }
}

/** The v1 (`v2: false`) or v2 files that set a cage's limits, in the order they must be written. */
function limitFiles(limits: CageLimits, v2: boolean): [number, string, string][] {
  const bytes = `${limits.memoryMb * 2 ** 20}`;
  return v2
    ? [[0, "memory.max", bytes], [0, "memory.swap.max", "0"], [0, "pids.max", `${limits.tasks}`]]
    : [
      [0, "memory.limit_in_bytes", bytes],
      [0, "memory.memsw.limit_in_bytes", bytes], // swap files: skipped where there is no swap
      [1, "pids.max", `${limits.tasks}`],
    ];
}

/**
 * A new cage under the grader's own cgroups with `limits`, or `null` where none can be made here
 * (no cgroupfs, not writable, controllers not delegated).
 */
export function openCage(limits: CageLimits): Cage | null {
  const layout = ownLayout();
  if (layout === null) return null;
  const name = `rnnlab-${crypto.randomUUID()}`;
  const dirs = layout.parents.map((p) => join(p, name));
  const made: string[] = [];
  try {
    if (layout.v2) {
      Deno.writeTextFileSync(join(layout.parents[0], "cgroup.subtree_control"), "+memory +pids");
    }
    for (const dir of dirs) {
      Deno.mkdirSync(dir);
      made.push(dir);
    }
    for (const [i, file, value] of limitFiles(limits, layout.v2)) {
      const path = join(dirs[i], file);
      if (/memsw|swap/.test(file) && !exists(path)) continue;
      Deno.writeTextFileSync(path, value);
    }
    return new Cage(dirs, layout.v2);
  } catch {
    for (const dir of made) Deno.removeSync(dir);
    return null;
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
