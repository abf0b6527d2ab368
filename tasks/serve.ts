/**
 * `deno task serve`: see `USAGE` below, which `--help` prints.
 *
 * @module
 */

import { join } from "node:path";
import { UsageError } from "../src/errors.ts";
import { numberFlag } from "../src/cli/flag_values.ts";
import { parseFlags } from "../src/cli/flags.ts";
import { runMain } from "../src/cli/main.ts";
import { PATHS_HELP, userPath } from "../src/cli/paths.ts";
import { stopOnSignals } from "../src/cli/signals.ts";
import { SITE_FILES } from "../src/site/build.ts";
import { siteHandler } from "../src/site/serve.ts";

/** The usage and description that `--help` prints. */
const USAGE = `deno task serve [--dir DIR] [--port N] [--host ADDRESS]

Serves the site deno task site built (by default site/dist/ in the project) on
http://127.0.0.1:8000/, read-only, with the right MIME types and the headers that let the page's
wasm backend run threads (cross-origin isolation). --port 0 takes a free port; the address served
is printed. WebGPU and the corpus's digest need a secure context: localhost, or HTTPS. Ctrl-C stops.

${PATHS_HELP}`;

async function main(args: string[]) {
  const flags = parseFlags(args, {
    dir: { type: "string" },
    port: { type: "string", default: "8000" },
    host: { type: "string", default: "127.0.0.1" },
  });
  const dir = flags.dir === undefined ? join("site", "dist") : userPath(flags.dir);
  const port = numberFlag("port", flags.port, { integer: true, min: 0, max: 65535 });
  try {
    await Deno.stat(join(dir, SITE_FILES.page));
  } catch {
    throw new UsageError(`${dir} holds no built site (no ${SITE_FILES.page}); run deno task site`);
  }
  const stop = stopOnSignals();
  let server: Deno.HttpServer;
  try {
    server = Deno.serve({
      hostname: flags.host,
      port,
      signal: stop.signal,
      onListen: ({ hostname, port }) =>
        console.log(`Serving ${dir} at http://${hostname}:${port}/`),
    }, siteHandler(dir));
  } catch (err) {
    stop.dispose();
    const why = err instanceof Deno.errors.AddrInUse
      ? "that port is in use (--port 0 takes a free one)"
      : (err as Error).message;
    throw new UsageError(`cannot serve on ${flags.host}:${port}: ${why}`);
  }
  await server.finished;
  stop.dispose();
  return stop.exitCode();
}

await runMain(main, USAGE);
