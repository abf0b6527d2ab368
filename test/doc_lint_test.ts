// The public API documents itself: `deno doc --lint` on the three entry points (deno.json's
// exports) finds nothing but the known false positive of Deno's own (denoland/deno#27364): it calls
// tfjs's tensor types private because they are another package's, declared in its .d.ts files.

import assert from "node:assert/strict";
import { ROOT } from "./_helpers.ts";

/** The tfjs types the API's signatures name: tensors, which are tfjs's to document. */
const TFJS_TYPES = ["Scalar", "Tensor", "Tensor1D", "Tensor2D", "Variable"];

/** The text of every TypeScript file of ours, end to end. */
async function ourSources(dir = ROOT): Promise<string> {
  let all = "";
  for await (const entry of Deno.readDir(dir)) {
    if (["node_modules", ".git"].includes(entry.name)) continue;
    const path = `${dir}${entry.name}`;
    if (entry.isDirectory) all += await ourSources(`${path}/`);
    else if (entry.name.endsWith(".ts")) all += await Deno.readTextFile(path);
  }
  return all;
}

Deno.test("deno doc --lint is clean on every entry point, but for tfjs's own tensor types", async () => {
  const entries = Object.values(
    JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)).exports as Record<string, string>,
  );
  assert.deepEqual(entries, ["./mod.ts", "./run.ts", "./grade.ts"]);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--lint", ...entries],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
  const diagnostics = text.split(/\n(?=error\[)/).filter((d) => d.startsWith("error["));
  const ours = await ourSources();
  /** A reference to a tfjs tensor type, declared in no file of ours (so in tfjs's .d.ts). */
  const upstream = (d: string) => {
    const declared = d.match(/\n *\d+ \| (.*)\n *\| - this is the referenced type/)?.[1];
    return d.startsWith("error[private-type-ref]") && declared !== undefined &&
      !ours.includes(declared) &&
      TFJS_TYPES.includes(d.match(/references private type '(\w+)'/)![1]);
  };
  assert.deepEqual(diagnostics.filter((d) => !upstream(d)), [], text);
  assert.ok(diagnostics.length === 0 || out.code !== 0, "the lint says what it found");
});
