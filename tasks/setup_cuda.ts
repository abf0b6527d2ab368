/**
 * `deno task setup:cuda`: see `USAGE` below, which `--help` prints.
 *
 * @module
 */

import { UsageError } from "../src/errors.ts";
import { parseFlags } from "../src/cli/flags.ts";
import { runMain } from "../src/cli/main.ts";
import { PATHS_HELP, userPath } from "../src/cli/paths.ts";
import { CUDA_RUNTIME_LIBS, installCudaProviders, ortNativeDir } from "../src/infer/cuda_setup.ts";

/** The usage and description that `--help` prints. */
const USAGE = `deno task setup:cuda --from PATH [--to DIR]

Puts onnxruntime 1.29.0's CUDA provider beside onnxruntime-node's own library (or in --to DIR),
from files already on disk (see src/infer/cuda_setup.ts for where they come from).

${PATHS_HELP}`;

async function main(args: string[]) {
  const flags = parseFlags(args, { from: { type: "string" }, to: { type: "string" } });
  if (flags.from === undefined) {
    throw new UsageError(
      "--from PATH is required: a folder with libonnxruntime_providers_cuda.so and " +
        "libonnxruntime_providers_shared.so of onnxruntime 1.29.0",
    );
  }
  const to = flags.to === undefined ? ortNativeDir() : userPath(flags.to);
  for (const f of await installCudaProviders(userPath(flags.from), to)) {
    console.log(`installed ${f.path} (sha256 ${f.sha256})`);
  }
  console.log(
    [
      "",
      `The CUDA provider loads CUDA 13 and cuDNN 9 at run time: ${CUDA_RUNTIME_LIBS.join(", ")}.`,
      "Put the folders that hold them on the library path, for example",
      "  export LD_LIBRARY_PATH=/usr/local/cuda-13/lib64:/usr/lib/x86_64-linux-gnu:$LD_LIBRARY_PATH",
      "(or the lib/ folders of the nvidia-*-cu13 and nvidia-cudnn-cu13 Python wheels), then check with",
      "  deno task generate --model MODEL.onnx --prefix 分开 --ep cuda",
    ].join("\n"),
  );
}

await runMain(main, USAGE);
