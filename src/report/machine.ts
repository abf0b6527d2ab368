/**
 * A one-line description of the machine a measurement was made on, for goldens and benchmarks.
 *
 * @module
 */

/** `linux x86_64, 2 cores (AMD EPYC), Deno 2.9.6`: OS, CPU model where readable, Deno version. */
export function machineDescription(): string {
  let cpu = "";
  try {
    cpu = Deno.readTextFileSync("/proc/cpuinfo").match(/^model name\s*:\s*(.+)$/m)?.[1] ?? "";
  } catch {
    // not Linux, or not readable: the core count alone
  }
  const cores = `${navigator.hardwareConcurrency} cores${cpu ? ` (${cpu.trim()})` : ""}`;
  return `${Deno.build.os} ${Deno.build.arch}, ${cores}, Deno ${Deno.version.deno}`;
}
