/**
 * A one-line description of the machine a measurement was made on, for goldens and benchmarks.
 *
 * @module
 */

/** The CPU model: from /proc/cpuinfo (Deno grants it only with --allow-all), else from `lscpu`. */
function cpuModel(): string {
  try {
    return Deno.readTextFileSync("/proc/cpuinfo").match(/^model name\s*:\s*(.+)$/m)?.[1] ?? "";
  } catch {
    // not readable under these permissions: ask lscpu, when running it is allowed
  }
  try {
    const out = new Deno.Command("lscpu", { stdout: "piped", stderr: "null" }).outputSync();
    return new TextDecoder().decode(out.stdout).match(/^Model name:\s*(.+)$/m)?.[1] ?? "";
  } catch {
    return "";
  }
}

/** `linux x86_64, 2 cores (AMD EPYC), Deno 2.9.6`: OS, CPU model where readable, Deno version. */
export function machineDescription(): string {
  const cpu = cpuModel().trim();
  const cores = `${navigator.hardwareConcurrency} cores${cpu ? ` (${cpu})` : ""}`;
  return `${Deno.build.os} ${Deno.build.arch}, ${cores}, Deno ${Deno.version.deno}`;
}
