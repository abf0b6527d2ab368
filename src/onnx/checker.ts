/**
 * A development check: the reference `onnx.checker` (Python's `onnx` package, with full shape
 * inference) on an exported model. It runs only where a Python can import `onnx` (`io/python.ts`
 * finds it); elsewhere (a fresh machine has no `onnx`, or no Python) it says which Pythons it tried
 * and why each did not do, and the harness never depends on it.
 *
 * @module
 */

import { findPython, noPythonWith, PYTHON_CANDIDATES } from "../io/python.ts";

/** The checker's verdict, or why it could not run here. */
export type CheckerOutcome =
  | { available: false; why: string }
  | { available: true; ok: boolean; message: string };

/** Exit code the script uses for "the checker (or the parser) refused the model". */
const REFUSED = 4;

const SCRIPT = `
import sys
import onnx
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
 * Runs `onnx.checker.check_model(model, full_check=True)` on `bytes`, in the first of `candidates`
 * (see `io/python.ts`) that imports `onnx`; where none does, not available, naming those tried.
 */
export async function runOnnxChecker(
  bytes: Uint8Array,
  candidates: readonly string[] = PYTHON_CANDIDATES,
): Promise<CheckerOutcome> {
  const search = await findPython("onnx", candidates);
  if (search.python === undefined) return { available: false, why: noPythonWith("onnx", search) };
  const child = new Deno.Command(search.python, {
    args: ["-c", SCRIPT],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  try {
    await writer.write(bytes);
    await writer.close();
  } catch {
    // Python exited without reading the model: its exit code says why.
  }
  const { code, stdout, stderr } = await child.output();
  if (code === 0 || code === REFUSED) {
    return { available: true, ok: code === 0, message: lastLine(stdout) };
  }
  return {
    available: false,
    why: `${search.python} did not run the checker (exit ${code}: ${lastLine(stderr)})`,
  };
}
