/**
 * `deno task site`: see `USAGE` below, which `--help` prints.
 *
 * @module
 */

import { join } from "node:path";
import { parseFlags } from "../src/cli/flags.ts";
import { runMain } from "../src/cli/main.ts";
import { PATHS_HELP, userPath } from "../src/cli/paths.ts";
import { formatBytes } from "../src/run/machine.ts";
import { buildSite } from "../src/site/build.ts";

/** The usage and description that `--help` prints. */
const USAGE =
  `deno task site [--out DIR] [--data PATH] [--dataset 2017|2018] [--no-corpus] [--no-minify]

Builds the web page that trains the chapter in a browser (docs/browser.md) into a static folder,
by default site/dist/ in the project: the page, its script (site/main.ts bundled with the src/
modules it imports), tfjs's wasm binaries, and build.json. The corpus found as deno task train finds
it (--data, $RNNLAB_DATA, ./data/, ../shared/data/; never downloaded) is put beside the page as its
built-in copy; --no-corpus leaves it out (for a public site: the page then asks for the zip). --out
must be a new or empty folder, or an earlier build, which is replaced whole. Serve the folder with
deno task serve, or any static web server.

${PATHS_HELP}`;

async function main(args: string[]) {
  const flags = parseFlags(args, {
    out: { type: "string" },
    data: { type: "string" },
    dataset: { type: "string" },
    "no-corpus": { type: "boolean" },
    "no-minify": { type: "boolean" },
  });
  const out = flags.out === undefined ? join("site", "dist") : userPath(flags.out);
  const data = flags.data === undefined ? undefined : userPath(flags.data);
  const result = await buildSite({
    out,
    corpus: flags["no-corpus"] ? null : { data, dataset: flags.dataset },
    minify: !flags["no-minify"],
  });
  console.log(`Built ${result.out} (app.js ${formatBytes(result.scriptBytes)})`);
  console.log(
    "missing" in result.corpus
      ? `No built-in corpus: ${result.corpus.missing}. The page will ask for the zip.`
      : `Built-in corpus ${result.corpus.version} (sha256 ${result.corpus.sha256})`,
  );
  console.log(`Serve it with: deno task serve${flags.out === undefined ? "" : ` --dir ${out}`}`);
}

await runMain(main, USAGE);
