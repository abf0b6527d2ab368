/**
 * `deno task setup:cuda`: installs onnxruntime's CUDA execution provider offline.
 *
 * onnxruntime-node ships only the CPU (and WebGPU) providers; its postinstall script downloads the
 * CUDA provider from NuGet. Where that cannot run (no network), the same two libraries, built for
 * onnxruntime 1.29.0 and CUDA 13, come from the official `onnxruntime-linux-x64-gpu-1.29.0`
 * release or the npm package `com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9`. They must lie
 * beside onnxruntime-node's `libonnxruntime.so.1`, which loads them by name from its own folder.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../errors.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { sha256Hex } from "../io/sha256.ts";

/** The onnxruntime-node version the provider files belong to (pinned in deno.json). */
export const ORT_VERSION = "1.29.0";

/**
 * The provider files and their SHA-256, as shipped in
 * `com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9` (`package/Plugins/Linux/x64/`).
 */
export const CUDA_PROVIDER_FILES: Readonly<Record<string, string>> = {
  "libonnxruntime_providers_cuda.so":
    "56cf3254b118ad837ccc4ed8f6d1b23504bbf7ef91b34cbc0b289cb7f10b3037",
  "libonnxruntime_providers_shared.so":
    "c6a12593396095f5670160e284c35d1700b7708cf3037b7042e2a5200ccae772",
};

/** The libraries the CUDA provider needs from CUDA 13 and cuDNN 9 at run time. */
export const CUDA_RUNTIME_LIBS = [
  "libcudart.so.13",
  "libcublas.so.13",
  "libcublasLt.so.13",
  "libcurand.so.10",
  "libcudnn.so.9",
] as const;

/** Where the `--from` folder may hold the files: itself, an unpacked release, an unpacked npm tarball. */
const LAYOUTS = [".", "lib", "package/Plugins/Linux/x64"];

/** The folder of onnxruntime-node's native libraries (`bin/napi-v6/<platform>/<arch>`). */
export function ortNativeDir(): string {
  const entry = fileURLToPath(import.meta.resolve("onnxruntime-node")); // <package>/dist/index.js
  return join(dirname(dirname(entry)), "bin", "napi-v6", Deno.build.os, archName());
}

/** Whether `dir` (onnxruntime-node's native folder by default) holds the CUDA provider. */
export function hasCudaProvider(dir: string = ortNativeDir()): boolean {
  try {
    return Deno.statSync(join(dir, "libonnxruntime_providers_cuda.so")).isFile;
  } catch {
    return false;
  }
}

/**
 * What to do when the CUDA provider fails to load: install it, or, once installed, put CUDA 13 and
 * cuDNN 9 where the loader finds them.
 */
export function cudaHint(): string {
  return hasCudaProvider()
    ? `the provider is installed: are ${CUDA_RUNTIME_LIBS.join(", ")} on LD_LIBRARY_PATH?`
    : "deno task setup:cuda installs the provider";
}

/** Node's name for this CPU architecture, as onnxruntime-node's folders use it. */
function archName(): string {
  return Deno.build.arch === "x86_64" ? "x64" : "arm64";
}

/** The first layout under `from` that holds `file`. */
async function findFile(from: string, file: string): Promise<string> {
  for (const layout of LAYOUTS) {
    const path = join(from, layout, file);
    try {
      if ((await Deno.stat(path)).isFile) return path;
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  throw new UsageError(
    `--from ${from} has no ${file} (looked in ${LAYOUTS.map((l) => join(from, l)).join(", ")})`,
  );
}

/** One installed file. */
export interface InstalledFile {
  /** Its name. */
  file: string;
  /** Where it was copied to. */
  path: string;
  /** Its SHA-256. */
  sha256: string;
}

/**
 * Copies the provider files from `from` into `to` (onnxruntime-node's native folder by default).
 * Every digest is checked before anything is written, and each file is written atomically; a
 * missing file or a digest that differs from `expected` is a one-line {@linkcode UsageError}.
 */
export async function installCudaProviders(
  from: string,
  to: string = ortNativeDir(),
  expected: Readonly<Record<string, string>> = CUDA_PROVIDER_FILES,
): Promise<InstalledFile[]> {
  try {
    await Deno.stat(join(to, "libonnxruntime.so.1"));
  } catch {
    throw new UsageError(`${to} is not onnxruntime-node's native folder (no libonnxruntime.so.1)`);
  }
  const checked = [];
  for (const [file, want] of Object.entries(expected)) {
    const source = await findFile(from, file);
    const bytes = await Deno.readFile(source);
    const sha256 = await sha256Hex(bytes);
    if (sha256 !== want) {
      throw new UsageError(
        `${source}: sha256 ${sha256} is not onnxruntime ${ORT_VERSION}'s (${want})`,
      );
    }
    checked.push({ file, bytes, sha256 });
  }
  const installed: InstalledFile[] = [];
  for (const { file, bytes, sha256 } of checked) {
    const path = join(to, file);
    await writeFileAtomic(path, bytes);
    installed.push({ file, path, sha256 });
  }
  return installed;
}
