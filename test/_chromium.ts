// Headless Chromium for the browser tests, driven over the DevTools protocol on a pipe (no network
// port, so no --allow-net): what a page logged, what it requested, what its DOM holds, a
// screenshot at a given width, and a page driven as a reader would (keys, picked files, downloads),
// on the browser's WebGPU when asked. Also a PNG reader to tell a blank screenshot from a page.

import { unzlibSync } from "fflate";

/** Chromium's path, or `undefined` when it is not installed. */
export function findChromium(): string | undefined {
  for (const path of ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** What a page did and showed in one viewport. */
export interface PageVisit {
  /** Console errors and warnings, uncaught exceptions, and log entries of level error. */
  problems: string[];
  /** Every URL the page requested besides itself (a self-contained page requests none). */
  requests: string[];
  /** The result of the expression evaluated once the page loaded. */
  value: unknown;
  /** The page's width as laid out, and the viewport's: wider means it scrolls sideways. */
  scrollWidth: number;
  /** The viewport's width. */
  innerWidth: number;
  /** A full-page screenshot (PNG). */
  png: Uint8Array;
}

type Message = {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  error?: { message: string };
  result?: Record<string, unknown>;
  sessionId?: string;
};

/** A viewport: CSS pixels, and whether it is a phone's. */
export interface Viewport {
  width: number;
  height: number;
  mobile: boolean;
}

/** One headless Chromium, with a fresh profile, closed by `close()`. */
export class Chromium {
  #writer: Deno.FsFile;
  #child: Deno.ChildProcess;
  #dir: string;
  #next = 0;
  #pending = new Map<
    number,
    { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }
  >();
  #listeners = new Set<(m: Message) => void>();
  #stderr: Promise<string>;

  private constructor(
    writer: Deno.FsFile,
    reader: Deno.FsFile,
    child: Deno.ChildProcess,
    dir: string,
  ) {
    this.#writer = writer;
    this.#child = child;
    this.#dir = dir;
    this.#stderr = new Response(child.stderr).text();
    this.#read(reader);
  }

  /**
   * Starts Chromium headless with the flags this closed machine needs; with `webgpu`, with its
   * WebGPU on (SwiftShader where there is no GPU), else with the GPU off; `env` over this process's
   * environment (a `FONTCONFIG_FILE`, say).
   */
  static async launch(
    path: string,
    { webgpu = false, env }: { webgpu?: boolean; env?: Record<string, string> } = {},
  ): Promise<Chromium> {
    const dir = await Deno.makeTempDir({ prefix: "rnnlab-chromium-" });
    const [to, from] = [`${dir}/to-browser`, `${dir}/from-browser`];
    for (const fifo of [to, from]) {
      const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
      if (!made.success) throw new Error(`mkfifo ${fifo} failed`);
    }
    const flags = [
      "--headless",
      "--no-sandbox",
      webgpu ? "--enable-unsafe-webgpu" : "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--hide-scrollbars",
      `--user-data-dir=${dir}/profile`,
      "--remote-debugging-pipe",
    ];
    // The protocol runs on file descriptors 3 (commands in) and 4 (replies out).
    const child = new Deno.Command("sh", {
      args: ["-c", `exec "$0" "$@" 3<"${to}" 4>"${from}"`, path, ...flags],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
      ...(env && { env }),
    }).spawn();
    const [writer, reader] = await Promise.all([
      Deno.open(to, { write: true }),
      Deno.open(from, { read: true }),
    ]);
    return new Chromium(writer, reader, child, dir);
  }

  async #read(reader: Deno.FsFile): Promise<void> {
    const decoder = new TextDecoder();
    let pending = new Uint8Array(0);
    for await (const chunk of reader.readable) {
      const joined = new Uint8Array(pending.length + chunk.length);
      joined.set(pending);
      joined.set(chunk, pending.length);
      let start = 0;
      for (let end = joined.indexOf(0); end !== -1; end = joined.indexOf(0, start)) {
        const message: Message = JSON.parse(decoder.decode(joined.subarray(start, end)));
        start = end + 1;
        const waiting = message.id === undefined ? undefined : this.#pending.get(message.id);
        if (waiting) {
          this.#pending.delete(message.id!);
          if (message.error) waiting.reject(new Error(message.error.message));
          else waiting.resolve(message.result ?? {});
        } else this.#listeners.forEach((l) => l(message));
      }
      pending = joined.slice(start);
    }
    for (const { reject } of this.#pending.values()) reject(new Error("Chromium closed the pipe"));
  }

  /** Sends a protocol command and waits for its result. */
  send(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<Record<string, unknown>> {
    const id = ++this.#next;
    const reply = new Promise<Record<string, unknown>>((resolve, reject) =>
      this.#pending.set(id, { resolve, reject })
    );
    const message = JSON.stringify({ id, method, params, ...(sessionId && { sessionId }) });
    this.#writer.writeSync(new TextEncoder().encode(message + "\0"));
    return reply;
  }

  /** Calls `listener` with every event until the returned function is called. */
  listen(listener: (m: Message) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Opens `url` in a new tab `viewport` wide and waits for it to load. */
  async open(url: string, viewport: Viewport): Promise<Tab> {
    const { targetId } = await this.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await this.send("Target.attachToTarget", { targetId, flatten: true }) as {
      sessionId: string;
    };
    const tab = new Tab(this, targetId as string, sessionId, url);
    for (const domain of ["Page", "Runtime", "Log", "Network"]) await tab.send(`${domain}.enable`);
    await tab.send("Emulation.setDeviceMetricsOverride", { ...viewport, deviceScaleFactor: 1 });
    const loaded = tab.event("Page.loadEventFired");
    await tab.send("Page.navigate", { url });
    await loaded;
    return tab;
  }

  /** Closes the browser and removes its profile; returns what it wrote on stderr. */
  async close(): Promise<string> {
    await this.send("Browser.close").catch(() => {});
    try {
      this.#writer.close();
    } catch {
      // already closed
    }
    await this.#child.status;
    await Deno.remove(this.#dir, { recursive: true }).catch(() => {});
    return await this.#stderr;
  }
}

/** One tab: what it logged and requested, and ways to read and drive it. */
export class Tab {
  /** Console errors and warnings, uncaught exceptions, and log entries of level error. */
  readonly problems: string[] = [];
  /** Every URL the tab requested besides its page. */
  readonly requests: string[] = [];
  #browser: Chromium;
  #targetId: string;
  #sessionId: string;
  #stop: () => void;

  constructor(browser: Chromium, targetId: string, sessionId: string, url: string) {
    this.#browser = browser;
    this.#targetId = targetId;
    this.#sessionId = sessionId;
    this.#stop = browser.listen((m) => {
      if (m.sessionId === sessionId) this.#record(m, url);
    });
  }

  #record(m: Message, url: string): void {
    const p = m.params ?? {};
    if (m.method === "Runtime.exceptionThrown") {
      const details = p.exceptionDetails as { text: string; exception?: { description?: string } };
      this.problems.push(`exception: ${details.exception?.description ?? details.text}`);
    }
    if (
      m.method === "Runtime.consoleAPICalled" &&
      ["error", "warning", "assert"].includes(p.type as string)
    ) {
      const args = (p.args as { value?: unknown; description?: string }[]).map((a) =>
        a.value ?? a.description
      );
      this.problems.push(`console.${p.type}: ${args.join(" ")}`);
    }
    if (m.method === "Log.entryAdded") {
      const entry = p.entry as { level: string; text: string; url?: string };
      if (entry.level === "error" || entry.level === "warning") {
        this.problems.push(`${entry.level}: ${entry.text}${entry.url ? ` (${entry.url})` : ""}`);
      }
    }
    if (m.method === "Network.requestWillBeSent") {
      const request = (p.request as { url: string }).url;
      if (request !== url) this.requests.push(request);
    }
  }

  /** Sends a protocol command to this tab. */
  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return this.#browser.send(method, params, this.#sessionId);
  }

  /** Resolves with the parameters of this tab's next `method` event. */
  event(method: string): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      const stop = this.#browser.listen((m) => {
        if (m.sessionId === this.#sessionId && m.method === method) {
          stop();
          resolve(m.params ?? {});
        }
      });
    });
  }

  /** Evaluates `expression` in the page (awaiting a promise) and returns its value. */
  async evaluate<T = unknown>(expression: string): Promise<T> {
    const { result, exceptionDetails } = await this.send("Runtime.evaluate", {
      expression,
      awaitPromise: true,
      returnByValue: true,
    }) as { result: { value: T }; exceptionDetails?: { exception?: { description?: string } } };
    if (exceptionDetails) {
      throw new Error(`${expression}: ${exceptionDetails.exception?.description ?? "threw"}`);
    }
    return result.value;
  }

  /** Polls `expression` until it is truthy, then returns it; fails after `seconds`. */
  async waitFor<T = unknown>(expression: string, seconds: number): Promise<T> {
    const until = Date.now() + seconds * 1000;
    for (;;) {
      const value = await this.evaluate<T>(expression);
      if (value) return value;
      if (Date.now() > until) throw new Error(`waited ${seconds} s for ${expression}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Presses `key` (`Enter`, `Tab`, ` `) on the focused element, as a keyboard does. */
  async press(key: "Enter" | "Tab" | " "): Promise<void> {
    const code = { "Enter": 13, "Tab": 9, " ": 32 }[key];
    const text = key === "Enter" ? "\r" : key === " " ? " " : undefined;
    const common = { key, code: key === " " ? "Space" : key, windowsVirtualKeyCode: code };
    await this.send("Input.dispatchKeyEvent", { type: "keyDown", ...common, text });
    await this.send("Input.dispatchKeyEvent", { type: "keyUp", ...common });
  }

  /** Sets the files of the `<input type=file>` that `selector` finds, as if picked. */
  async setFiles(selector: string, files: string[]): Promise<void> {
    const { root } = await this.send("DOM.getDocument") as { root: { nodeId: number } };
    const { nodeId } = await this.send("DOM.querySelector", { nodeId: root.nodeId, selector });
    await this.send("DOM.setFileInputFiles", { nodeId, files });
  }

  /** A screenshot of the whole page (or of the viewport only). */
  async screenshot(fullPage = true): Promise<Uint8Array> {
    const shot = await this.send("Page.captureScreenshot", {
      format: "png",
      captureBeyondViewport: fullPage,
    }) as { data: string };
    return Uint8Array.from(atob(shot.data), (c) => c.charCodeAt(0));
  }

  /** Closes the tab. */
  async close(): Promise<void> {
    this.#stop();
    await this.#browser.send("Target.closeTarget", { targetId: this.#targetId }).catch(() => {});
  }
}

/**
 * Runs `click` (which starts one download in `browser`), saves the file into `dir` under the name the page
 * gave it, and returns its path.
 */
export async function download(
  browser: Chromium,
  dir: string,
  click: () => Promise<unknown>,
): Promise<string> {
  await browser.send("Browser.setDownloadBehavior", {
    behavior: "allowAndName",
    downloadPath: dir,
    eventsEnabled: true,
  });
  let name = "";
  const done = new Promise<string>((resolve, reject) => {
    const stop = browser.listen((m) => {
      const p = m.params ?? {};
      if (m.method === "Browser.downloadWillBegin") name = p.suggestedFilename as string;
      if (m.method !== "Browser.downloadProgress" || p.state === "inProgress") return;
      stop();
      if (p.state === "completed") resolve(p.guid as string);
      else reject(new Error(`download ${name} ${p.state}`));
    });
  });
  await click();
  const guid = await done;
  await Deno.rename(`${dir}/${guid}`, `${dir}/${name}`);
  return `${dir}/${name}`;
}

/**
 * An expression for {@linkcode visit}: whether the Chinese text of the page (its `lang="zh"`
 * elements: the predictions, the prefixes) is drawn in glyphs or as empty boxes. Each Han character
 * (40 at most) is drawn on a canvas in its element's font and compared, pixel for pixel, with an
 * unassigned code point (U+0378), which no font has: a character drawn the same is a box (the
 * `.notdef` glyph), as on a machine with no CJK font. Gives `{ checked, boxes }`.
 */
export const HAN_GLYPHS = `(() => {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 48;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  const draw = (font, ch) => {
    ctx.clearRect(0, 0, 48, 48);
    ctx.font = font;
    ctx.textBaseline = "top";
    ctx.fillText(ch, 4, 4);
    return ctx.getImageData(0, 0, 48, 48).data.join(",");
  };
  const todo = new Map();
  for (const el of document.querySelectorAll('[lang="zh"]')) {
    const s = getComputedStyle(el);
    const font = s.fontStyle + " " + s.fontWeight + " 32px " + s.fontFamily;
    for (const ch of el.textContent) {
      if (/\\p{Script=Han}/u.test(ch) && todo.size < 40) todo.set(font + "|" + ch, [font, ch]);
    }
  }
  const boxes = [];
  const tofu = new Map();
  for (const [font, ch] of todo.values()) {
    if (!tofu.has(font)) tofu.set(font, draw(font, "\\u0378"));
    if (draw(font, ch) === tofu.get(font)) boxes.push(ch);
  }
  return { checked: todo.size, boxes };
})()`;

/**
 * Opens `url` in a new tab `viewport` wide, evaluates `expression` once it loaded, and takes a
 * screenshot of the whole page (or of the viewport only, with `fullPage` false).
 */
export async function visit(
  browser: Chromium,
  url: string,
  viewport: Viewport,
  expression = "null",
  fullPage = true,
): Promise<PageVisit> {
  const tab = await browser.open(url, viewport);
  try {
    const [value, scrollWidth, innerWidth] = await tab.evaluate<[unknown, number, number]>(
      `[(${expression}), document.documentElement.scrollWidth, window.innerWidth]`,
    );
    const png = await tab.screenshot(fullPage);
    return { problems: tab.problems, requests: tab.requests, value, scrollWidth, innerWidth, png };
  } finally {
    await tab.close();
  }
}

/** A PNG's size and how much of it is not its background (the colour of its top-left pixel). */
export function pngInk(
  png: Uint8Array,
): { width: number; height: number; ink: number; colours: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let offset = 8;
  let width = 0, height = 0, bitDepth = 0, colourType = 0;
  const idat: Uint8Array[] = [];
  while (offset < png.length) {
    const length = view.getUint32(offset);
    const type = new TextDecoder().decode(png.subarray(offset + 4, offset + 8));
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = view.getUint32(offset + 8);
      height = view.getUint32(offset + 12);
      bitDepth = data[8];
      colourType = data[9];
    } else if (type === "IDAT") idat.push(data);
    offset += 12 + length;
  }
  if (bitDepth !== 8 || (colourType !== 2 && colourType !== 6)) {
    throw new Error(`unexpected PNG format: depth ${bitDepth}, colour type ${colourType}`);
  }
  const channels = colourType === 6 ? 4 : 3;
  const joined = new Uint8Array(idat.reduce((n, d) => n + d.length, 0));
  idat.reduce((at, d) => (joined.set(d, at), at + d.length), 0);
  const raw = unzlibSync(joined);
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      const paeth = () => {
        const p = a + b - c;
        const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      };
      const predictor = [0, a, b, (a + b) >> 1, 0][filter] ?? 0;
      pixels[y * stride + x] = (line[x] + (filter === 4 ? paeth() : predictor)) & 0xff;
    }
  }
  const key = (i: number) => (pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2];
  const background = key(0);
  const colours = new Set<number>();
  let ink = 0;
  for (let i = 0; i < pixels.length; i += channels) {
    const k = key(i);
    if (k !== background) ink++;
    if (colours.size < 1000) colours.add(k);
  }
  return { width, height, ink: ink / (width * height), colours: colours.size };
}
