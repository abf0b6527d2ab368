/**
 * A development check: the reference `onnx.checker` (Python's `onnx` package, with full shape
 * inference) on an exported model. It runs only where `python3` can import `onnx`, and the harness
 * never depends on it.
 *
 * @module
 */

/** The checker's verdict, or why it could not run here. */
export type CheckerOutcome =
  | { available: false; why: string }
  | { available: true; ok: boolean; message: string };

/** Exit code the script uses for "no onnx package". */
const NO_ONNX = 3;

const SCRIPT = `
import sys
try:
    import onnx
except ImportError:
    sys.exit(${NO_ONNX})
model = onnx.load_from_string(sys.stdin.buffer.read())
onnx.checker.check_model(model, full_check=True)
print("onnx " + onnx.__version__)
`;

/** Runs `onnx.checker.check_model(model, full_check=True)` on `bytes` in `python3`. */
export async function runOnnxChecker(bytes: Uint8Array): Promise<CheckerOutcome> {
  // Asked first, so that a task without the permission skips the check instead of prompting.
  if (Deno.permissions.querySync({ name: "run", command: "python3" }).state !== "granted") {
    return { available: false, why: "no --allow-run=python3" };
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
    return { available: false, why: `python3 cannot run (${(err as Error).message})` };
  }
  const writer = child.stdin.getWriter();
  await writer.write(bytes);
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  if (code === NO_ONNX) return { available: false, why: "python3 has no onnx package" };
  const text = new TextDecoder().decode(code === 0 ? stdout : stderr).trim().split("\n");
  return { available: true, ok: code === 0, message: text[text.length - 1] };
}
