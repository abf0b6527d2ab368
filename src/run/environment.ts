/**
 * Reads the machine and the software a Deno process runs on, for run records, goldens and
 * benchmarks (`machine.ts` has what is read, and how it is written). Each part is read where the
 * task's permissions allow, and left `null` where they do not.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { type Environment, softwareVersions } from "./machine.ts";

function granted(descriptor: Deno.PermissionDescriptor): boolean {
  return Deno.permissions.querySync(descriptor).state === "granted";
}

/** Runs a command and returns its standard output, or `null` when it cannot run or fails. */
function output(command: string, args: string[]): string | null {
  if (!granted({ name: "run", command })) return null;
  try {
    const out = new Deno.Command(command, { args, stdout: "piped", stderr: "null" }).outputSync();
    return out.success ? new TextDecoder().decode(out.stdout) : null;
  } catch {
    return null;
  }
}

/** The CPU model: from /proc/cpuinfo (Deno grants it only with --allow-all), else from `lscpu`. */
function cpuModel(): string | null {
  try {
    return Deno.readTextFileSync("/proc/cpuinfo").match(/^model name\s*:\s*(.+)$/m)?.[1] ?? null;
  } catch {
    // not readable under these permissions: ask lscpu, when running it is allowed
  }
  return output("lscpu", [])?.match(/^Model name:\s*(.+)$/m)?.[1]?.trim() ?? null;
}

/** The commit of the checkout this module lives in, and whether tracked files differ from it. */
function gitState(): { commit: string | null; dirty: boolean | null } {
  if (!import.meta.url.startsWith("file:")) return { commit: null, dirty: null };
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const commit = output("git", ["-C", root, "rev-parse", "HEAD"])?.trim() || null;
  if (commit === null) return { commit, dirty: null };
  const status = output("git", ["-C", root, "status", "--porcelain", "--untracked-files=no"]);
  return { commit, dirty: status === null ? null : status.trim() !== "" };
}

/** Reads the machine and the software now. */
export function environment(): Environment {
  const sys = (name: "systemMemoryInfo" | "osRelease") => granted({ name: "sys", kind: name });
  return {
    ...softwareVersions(),
    ...gitState(),
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    os: Deno.build.os,
    osRelease: sys("osRelease") ? Deno.osRelease() : null,
    arch: Deno.build.arch,
    cpu: cpuModel()?.trim() || null,
    cores: navigator.hardwareConcurrency,
    memoryBytes: sys("systemMemoryInfo") ? Deno.systemMemoryInfo().total : null,
  };
}

/** The memory available now, in bytes, where the task may read it. */
export function availableMemoryBytes(): number | undefined {
  return granted({ name: "sys", kind: "systemMemoryInfo" })
    ? Deno.systemMemoryInfo().available
    : undefined;
}
