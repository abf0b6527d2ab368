// The HTML reports in a real browser: a run's, a sweep's and a comparison's report.html, opened by
// headless Chromium at a laptop's and a phone's width, with no console error, no request (they are
// self-contained), the curve's SVG there and visible, no sideways scrolling of the page, and a
// screenshot that is not blank, and the lyrics drawn in glyphs, not empty boxes (a machine with no
// CJK font draws boxes: .ci/run installs fonts-noto-cjk). Skipped, with the reason, where Chromium
// is not installed.
// RNNLAB_SCREENSHOTS=DIR keeps the screenshots there, to look at.

import assert from "node:assert/strict";
import { join } from "node:path";
import { Chromium, findChromium, HAN_GLYPHS, pngInk, visit } from "./_chromium.ts";
import { SMALL_PRESET } from "../src/train/config.ts";
import { runTask, tinyFlags } from "./_helpers.ts";
import { EXIT } from "../src/errors.ts";

const chromium = findChromium();

const VIEWPORTS = {
  laptop: { width: 1280, height: 800, mobile: false },
  phone: { width: 390, height: 844, mobile: true },
} as const;

/** What the page shows of its plots: each visible SVG's width and how many lines it draws. */
const PLOTS = `[...document.querySelectorAll("figure svg")]
  .filter((s) => s.getBoundingClientRect().width > 0)
  .map((s) => ({ width: s.getBoundingClientRect().width, lines: s.querySelectorAll(".mark-line path").length }))`;

/** What a visit looks at: the plots, and whether the Chinese text is drawn. */
const SEEN = `({ plots: ${PLOTS}, glyphs: ${HAN_GLYPHS} })`;

/** What {@linkcode HAN_GLYPHS} gives. */
type Glyphs = { checked: number; boxes: string[] };

Deno.test({
  name: chromium
    ? "report.html of a run, a sweep and a comparison in headless Chromium: no console error, no request, the curve drawn, laptop and phone"
    : "report.html in headless Chromium: skipped, Chromium is not installed (apt-get install chromium)",
  ignore: chromium === undefined,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "rnnlab-browser-" });
    const sweep = join(dir, "sweep");
    const made = await runTask("sweep", [
      ...tinyFlags({ predLen: 8, prefixes: [...SMALL_PRESET.prefixes] }),
      ...["--backend", "cpu", "--epochs", "2"],
      ...["--grid", "lr=0.1,0.3", "--jobs", "2", "--out", sweep],
    ]);
    assert.equal(made.code, EXIT.ok, made.stderr);
    const compared = await runTask("compare", [sweep, "--out", join(dir, "comparison")]);
    assert.equal(compared.code, EXIT.ok, compared.stderr);
    const pages = {
      run: join(sweep, "runs", "0_lr=0.1", "report.html"),
      sweep: join(sweep, "report.html"),
      comparison: join(dir, "comparison", "report.html"),
    };
    const keep = Deno.env.get("RNNLAB_SCREENSHOTS");
    const browser = await Chromium.launch(chromium!);
    try {
      // The checks can fail: a page with an error and a request is seen to have them.
      const bad = join(dir, "bad.html");
      await Deno.writeTextFile(
        bad,
        `<!doctype html><link rel="stylesheet" href="https://example.invalid/x.css">` +
          `<script>console.error("boom"); missing();</script><p>x</p>`,
      );
      const control = await visit(browser, `file://${bad}`, VIEWPORTS.laptop);
      assert.ok(control.problems.some((p) => p.includes("boom")), control.problems.join("\n"));
      assert.ok(control.problems.some((p) => p.includes("missing is not defined")));
      assert.deepEqual(control.requests, ["https://example.invalid/x.css"]);

      for (const [page, path] of Object.entries(pages)) {
        for (const [name, viewport] of Object.entries(VIEWPORTS)) {
          const what = `${page} at ${name} width`;
          const seen = await visit(browser, `file://${path}`, viewport, SEEN);
          assert.deepEqual(seen.problems, [], `${what}: console errors`);
          assert.deepEqual(seen.requests, [], `${what}: requests`);
          const { plots, glyphs } = seen.value as {
            plots: { width: number; lines: number }[];
            glyphs: Glyphs;
          };
          assert.ok(glyphs.checked > 0, `${what}: Chinese text shown`);
          assert.deepEqual(
            glyphs.boxes,
            [],
            `${what}: Chinese drawn as empty boxes (no CJK font?)`,
          );
          assert.equal(plots.length, 1, `${what}: one plot shown, the one for this width`);
          assert.ok(plots[0].lines >= 1, `${what}: the curve is drawn`);
          assert.ok(plots[0].width <= viewport.width, `${what}: the plot fits`);
          assert.ok(
            seen.scrollWidth <= seen.innerWidth,
            `${what}: the page is ${seen.scrollWidth} px wide in a ${seen.innerWidth} px window`,
          );
          const ink = pngInk(seen.png);
          assert.equal(ink.width, viewport.width, `${what}: screenshot width`);
          assert.ok(ink.ink > 0.02 && ink.colours > 10, `${what}: blank? ${JSON.stringify(ink)}`);
          if (keep) await Deno.writeFile(join(keep, `${page}-${name}.png`), seen.png);
        }
      }
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: chromium
    ? "the glyph check tells boxes from glyphs: Chromium with no CJK font draws the lyrics as boxes, and it says so"
    : "the glyph check in headless Chromium: skipped, Chromium is not installed",
  ignore: chromium === undefined,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "rnnlab-fonts-" });
    const page = join(dir, "lyrics.html");
    await Deno.writeTextFile(
      page,
      `<!doctype html><meta charset="utf-8"><p lang="zh">分开 我不能再想 战争中部队</p>`,
    );
    // A fontconfig that knows only DejaVu (no CJK), as on a machine without fonts-noto-cjk.
    const config = join(dir, "fonts.conf");
    await Deno.writeTextFile(
      config,
      `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>` +
        `<dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>${dir}/cache</cachedir></fontconfig>`,
    );
    const glyphsWith = async (env?: Record<string, string>) => {
      const browser = await Chromium.launch(chromium!, { env });
      try {
        return (await visit(browser, `file://${page}`, VIEWPORTS.laptop, HAN_GLYPHS))
          .value as Glyphs;
      } finally {
        await browser.close();
      }
    };
    try {
      const bare = await glyphsWith({ ...Deno.env.toObject(), FONTCONFIG_FILE: config });
      assert.equal(bare.checked, 12);
      assert.equal(bare.boxes.length, 12, "with no CJK font, every character is a box");
      const here = await glyphsWith();
      assert.deepEqual(
        here,
        { checked: 12, boxes: [] },
        "this machine draws them (fonts-noto-cjk)",
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
