/**
 * `deno task serve`: a built site (`build.ts`) served from one folder, read-only, with each file's
 * MIME type and the headers that make the page cross-origin isolated (`Cross-Origin-Opener-Policy`
 * and `-Embedder-Policy`), so that tfjs's wasm backend may run its threaded build. On a host
 * without them the page still works, on wasm's single-threaded SIMD build. Nothing outside the
 * folder is served: a path with `..`, a hidden file, or a link leading out is not found.
 *
 * @module
 */

import { extname, join, normalize, sep } from "node:path";

/** The MIME type of each file the site holds, by extension. */
export const MIME_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".wasm": "application/wasm",
  ".zip": "application/zip",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** The headers every response carries. */
export const SITE_HEADERS: Readonly<Record<string, string>> = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
  "cross-origin-resource-policy": "same-origin",
  "x-content-type-options": "nosniff",
  "cache-control": "no-cache",
};

/** A plain-text response with the site's headers. */
function text(status: number, body: string): Response {
  return new Response(body + "\n", {
    status,
    headers: { ...SITE_HEADERS, "content-type": "text/plain; charset=utf-8" },
  });
}

/**
 * The file under `root` that `pathname` names (`index.html` for a folder), or `undefined` when it
 * names nothing servable: a `..`, a hidden name, a NUL, or (by its real path) a place outside.
 */
export async function sitePath(root: string, pathname: string): Promise<string | undefined> {
  let path: string;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  const parts = path.split("/").filter((p) => p !== "");
  if (parts.some((p) => p === ".." || p.startsWith(".") || p.includes("\0") || p.includes("\\"))) {
    return undefined;
  }
  let file = normalize(join(root, ...parts));
  try {
    if ((await Deno.stat(file)).isDirectory) file = join(file, "index.html");
    const [real, realRoot] = await Promise.all([Deno.realPath(file), Deno.realPath(root)]);
    if (!real.startsWith(realRoot + sep) || !(await Deno.stat(real)).isFile) return undefined;
    return real;
  } catch {
    return undefined;
  }
}

/** Answers requests for the files of the site in `root` (GET and HEAD only). */
export function siteHandler(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response(null, { status: 405, headers: { ...SITE_HEADERS, allow: "GET, HEAD" } });
    }
    const file = await sitePath(root, new URL(request.url).pathname);
    if (file === undefined) return text(404, "not found");
    const type = MIME_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
    const body = request.method === "HEAD" ? null : (await Deno.open(file)).readable;
    return new Response(body, { headers: { ...SITE_HEADERS, "content-type": type } });
  };
}
