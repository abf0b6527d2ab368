/**
 * A development check: the reference `onnx.checker` (Python's `onnx` package, with full shape
 * inference) on an exported model. It runs only where `python3` can import `onnx`; elsewhere (a
 * fresh machine has no `onnx`, or no `python3`) it says why it did not run, and the harness never
 * depends on it.
 *
 * @module
 */

import { delimiter, join } from "node:path";

/** The checker's verdict, or why it could not run here. */
export type CheckerOutcome =
  | { available: false; why: string }
  | { available: true; ok: boolean; message: string };

/** Exit code the script uses for "no onnx package" (before it reads the model). */
const NO_ONNX = 3;
/** Exit code the script uses for "the checker (or the parser) refused the model". */
const REFUSED = 4;

const SCRIPT = `
import sys
try:
    import onnx
except ImportError:
    sys.exit(${NO_ONNX})
try:
    model = onnx.load_from_string(sys.stdin.buffer.read())
    onnx.checker.check_model(model, full_check=True)
except Exception as err:
    print(type(err).__name__ + ": " + str(err).strip().replace("\\n", " "))
    sys.exit(${REFUSED})
print("onnx " + onnx.__version__)
`;

/** The last non-empty line of a process's output. */
function lastLine(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes).trim().split("\n").at(-1) ?? "";
}

/**
 * Whether `command` is a file in a folder of `PATH`, or `undefined` without the permissions to
 * look. (Deno does not grant `--allow-run=python3` where no `python3` is found: that is why.)
 */
function onPath(command: string): boolean | undefined {
  const granted = (d: Deno.PermissionDescriptor) =>
    Deno.permissions.querySync(d).state === "granted";
  if (!granted({ name: "env", variable: "PATH" }) || !granted({ name: "read" })) return undefined;
  return (Deno.env.get("PATH") ?? "").split(delimiter).some((dir) => {
    try {
      return dir !== "" && Deno.statSync(join(dir, command)).isFile;
    } catch {
      return false;
    }
  });
}

/** Runs `onnx.checker.check_model(model, full_check=True)` on `bytes` in `python3`. */
export async function runOnnxChecker(bytes: Uint8Array): Promise<CheckerOutcome> {
  // Asked first, so that a task without the permission skips the check instead of prompting.
  if (Deno.permissions.querySync({ name: "run", command: "python3" }).state !== "granted") {
    return {
      available: false,
      why: onPath("python3") === false ? "python3 not found" : "no --allow-run=python3",
    };
  }
  let child;
  try {
    child = new Deno.Command("python3", {
      args: ["-c", SCRIPT],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (err) {
    const why = err instanceof Deno.errors.NotFound
      ? "python3 not found"
      : `python3 cannot run (${(err as Error).message})`;
    return { available: false, why };
  }
  const writer = child.stdin.getWriter();
  try {
    await writer.write(bytes);
    await writer.close();
  } catch {
    // python3 exited without reading the model (no onnx package, say): its exit code says why.
  }
  const { code, stdout, stderr } = await child.output();
  if (code === NO_ONNX) return { available: false, why: "python3 has no onnx package" };
  if (code === 0 || code === REFUSED) {
    return { available: true, ok: code === 0, message: lastLine(stdout) };
  }
  return {
    available: false,
    why: `python3 did not run the checker (exit ${code}: ${lastLine(stderr)})`,
  };
}
