/**
 * Type-checks a submission against the student contract, as advice that costs no points: a module
 * beside the private copy assigns the submission's exports to `Submission` (`contract.ts`), and
 * `deno check` reports that assignment's errors and the submission's own.
 *
 * It runs on the private copy with the child's confined import map (tfjs from the grader's
 * `node_modules`, which `nodeModulesDir: "manual"` never modifies), without the network or a
 * lockfile, and writes only the grading's private `DENO_DIR`.
 *
 * @module
 */

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { runDenoTool, type ToolOptions } from "./deno_tool.ts";
import { relativeToCopy } from "./imports.ts";

/**
 * The memory a type check may use, in MiB: its V8 heap (where TypeScript's types live) and, under
 * the wall, the kernel's bound on the whole process. A solution's check takes about 300.
 */
export const TYPE_CHECK_MEMORY_MB = 1024;

/** The generated module's file, in the grading's folder. */
export const CONTRACT_CHECK = "contract_check.ts";

/** The name the advice gives the generated module. */
const CHECK_NAME = "the contract check";

/** Where a type check looks. */
export interface TypeCheckPaths {
  /** The private copy. */
  copy: string;
  /** The submission's module in it. */
  submission: string;
  /** The contract module (`contract.ts`) the check imports. */
  contract: string;
  /** The child's config: the confined import map, tfjs from `node_modules`. */
  config: string;
  /** The grading's private folder, where the generated module is written. */
  dir: string;
}

/**
 * `deno check`'s diagnostics for the submission (an empty list when it type-checks), its paths
 * relative to the copy.
 */
export async function typeAdvice(paths: TypeCheckPaths, tool: ToolOptions): Promise<string[]> {
  const module = join(paths.dir, CONTRACT_CHECK);
  // Written synchronously: the check starts before this returns, so it runs beside whatever the
  // caller does next, even synchronous work.
  Deno.writeTextFileSync(
    module,
    "// Written by the grader: does the submission satisfy the contract?\n" +
      `import type { Submission } from "${pathToFileURL(paths.contract).href}";\n` +
      `import * as submission from "${pathToFileURL(paths.submission).href}";\n` +
      `export const conforms: Submission = submission;\n`,
  );
  const out = await runDenoTool(
    [
      "check",
      "--no-remote",
      "--no-lock",
      `--v8-flags=--max-old-space-size=${TYPE_CHECK_MEMORY_MB - 256}`,
      `--config=${paths.config}`,
      module,
    ],
    tool,
  );
  if (out.code === 0) return [];
  if (out.stopped === "timeout") {
    return [`the type check did not finish within ${tool.timeoutMs / 1000} s`];
  }
  if (out.stopped === "memory") {
    return [
      `the type check was stopped: it needed more than its memory limit of ${TYPE_CHECK_MEMORY_MB} MiB`,
    ];
  }
  const text = relativeToCopy(`${out.stdout}\n${out.stderr}`, paths.copy)
    .replaceAll(pathToFileURL(module).href, CHECK_NAME)
    .replaceAll(pathToFileURL(paths.contract).href, "contract.ts");
  const lines = text.split("\n").filter((line) =>
    !/^(Check |error: Type checking failed\.|Found \d+ errors?\.)/.test(line)
  );
  return lines.join("\n").trim().split(/\n\n+/).filter((d) => d.trim() !== "");
}
