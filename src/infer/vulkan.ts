/**
 * Whether this machine has the Vulkan loader (`libvulkan.so.1`), which onnxruntime's WebGPU
 * provider (Dawn) needs on Linux. Without it, Dawn writes a warning and a line of its source to the
 * process's stderr before failing, which no log level of onnxruntime's silences: so `generate`
 * asks first, and skips WebGPU with a clear reason, without ever loading Dawn.
 *
 * Looked for as the dynamic loader looks: in `LD_LIBRARY_PATH`'s folders, in `/etc/ld.so.cache`,
 * and in the system's library folders.
 *
 * @module
 */

import { delimiter, join } from "node:path";

/** The file the WebGPU provider loads on Linux. */
export const VULKAN_LOADER = "libvulkan.so.1";

/** Where the loader looks, besides `LD_LIBRARY_PATH` and its cache. */
const SYSTEM_DIRS = [
  "/lib",
  "/lib64",
  "/usr/lib",
  "/usr/lib64",
  "/usr/local/lib",
  "/lib/x86_64-linux-gnu",
  "/usr/lib/x86_64-linux-gnu",
  "/lib/aarch64-linux-gnu",
  "/usr/lib/aarch64-linux-gnu",
];

/** Where to look: the loader's cache and folders (tests pass their own). */
export interface LoaderPlaces {
  /** The dynamic loader's cache (`/etc/ld.so.cache`). */
  cache: string;
  /** The folders, `LD_LIBRARY_PATH`'s first. */
  dirs: string[];
}

/** `LD_LIBRARY_PATH`'s folders, where this process may read the variable. */
function libraryPath(): string[] {
  const perm = Deno.permissions.querySync({ name: "env", variable: "LD_LIBRARY_PATH" });
  if (perm.state !== "granted") return [];
  return (Deno.env.get("LD_LIBRARY_PATH") ?? "").split(delimiter).filter((d) => d !== "");
}

/** The places the dynamic loader of this machine looks in. */
export function loaderPlaces(): LoaderPlaces {
  return { cache: "/etc/ld.so.cache", dirs: [...libraryPath(), ...SYSTEM_DIRS] };
}

/** Whether `bytes` holds `text` (as UTF-8). */
function holds(bytes: Uint8Array, text: string): boolean {
  return new TextDecoder("latin1").decode(bytes).includes(text);
}

/**
 * Whether {@linkcode VULKAN_LOADER} is in one of `places` (or `true` when this process may not
 * read them to tell: then WebGPU is tried, as before).
 */
export function hasVulkanLoader(places: LoaderPlaces = loaderPlaces()): boolean {
  if (Deno.permissions.querySync({ name: "read" }).state !== "granted") return true;
  for (const dir of places.dirs) {
    try {
      if (Deno.statSync(join(dir, VULKAN_LOADER)).isFile) return true;
    } catch { /* not here */ }
  }
  try {
    return holds(Deno.readFileSync(places.cache), VULKAN_LOADER);
  } catch {
    return false;
  }
}
