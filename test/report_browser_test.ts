// The HTML reports in a real browser: a run's, a sweep's and a comparison's report.html, opened by
// headless Chromium at a laptop's and a phone's width, with no console error, no request (they are
// self-contained), the curve's SVG there and visible, no sideways scrolling of the page, and a
// screenshot that is not blank. Skipped, with the reason, where Chromium is not installed.
// RNNLAB_SCREENSHOTS=DIR keeps the screenshots there, to look at.

import assert from "node:assert/strict";
import { join } from "node:path";
import { Chromium, findChromium, pngInk, visit } from "./_chromium.ts";
import { runTask } from "./_helpers.ts";

const chromium = findChromium();

const VIEWPORTS = {
  laptop: { width: 1280, height: 800, mobile: false },
  phone: { width: 390, height: 844, mobile: true },
} as const;

/** What the page shows of its plots: each visible SVG's width and how many lines it draws. */
const PLOTS = `[...document.querySelectorAll("figure svg")]
  .filter((s) => s.getBoundingClientRect().width > 0)
  .map((s) => ({ width: s.getBoundingClientRect().width, lines: s.querySelectorAll(".mark-line path").length }))`;

Deno.test({
  name: chromium
    ? "report.html of a run, a sweep and a comparison in headless Chromium: no console error, no request, the curve drawn, laptop and phone"
    : "report.html in headless Chromium: skipped, Chromium is not installed (apt-get install chromium)",
  ignore: chromium === undefined,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "rnnlab-browser-" });
    const sweep = join(dir, "sweep");
    const made = await runTask("sweep", [
      ...["--preset", "small", "--corpus-chars", "600", "--hidden", "8", "--batch-size", "3"],
      ...["--num-steps", "5", "--pred-len", "8", "--backend", "cpu", "--epochs", "2"],
      ...["--grid", "lr=0.1,0.3", "--jobs", "2", "--out", sweep],
    ]);
    assert.equal(made.code, 0, made.stderr);
    const compared = await runTask("compare", [sweep, "--out", join(dir, "comparison")]);
    assert.equal(compared.code, 0, compared.stderr);
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
          const seen = await visit(browser, `file://${path}`, viewport, PLOTS);
          assert.deepEqual(seen.problems, [], `${what}: console errors`);
          assert.deepEqual(seen.requests, [], `${what}: requests`);
          const plots = seen.value as { width: number; lines: number }[];
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
