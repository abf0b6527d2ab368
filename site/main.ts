/// <reference lib="dom" />
/**
 * The page's entry point (`deno task site` bundles it into `app.js`): finds the corpus, fills the
 * settings form with the chapter's values, and wires the training, the run's files, the contract
 * check and the benchmark (`panels.ts`) to their buttons.
 *
 * @module
 */

import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { trainingData } from "../src/data/read_corpus.ts";
import { builtInCorpus, pickedCorpus } from "./corpus.ts";
import type { BuildInfo } from "../src/site/build.ts";
import { wireBench, wireRun } from "./panels.ts";
import { commandLine, fillFromPreset, readSettings } from "./settings.ts";
import { type Page, pageState } from "./state.ts";
import { byId, errorText, setStatus, showList } from "./view.ts";

/** Shows what the corpus is, as `deno task corpus` prints it, for the form's character count. */
function showCorpus(page: Page): void {
  const corpus = page.corpus!;
  let facts: [string, string][] = [];
  try {
    const data = trainingData(corpus, readSettings(page.form).config.corpusChars);
    facts = [
      ["first 49 characters", data.first49],
      ["vocab size", `${data.vocab.idxToChar.length} (first ${data.chars.length} characters)`],
    ];
  } catch {
    // the form is being edited: its error says what is wrong
  }
  const { source } = corpus;
  showList("corpus-facts", [
    ["version", source.dataset?.version ?? "unknown"],
    ["sha256", source.sha256],
    ["file", source.path],
    ["len(corpus_chars)", String(Array.from(corpus.text).length)],
    ...facts,
  ]);
}

/** Reads the corpus the build put beside the page, when it did. */
async function loadBuiltIn(page: Page): Promise<void> {
  try {
    page.corpus = await builtInCorpus(page.build);
    if (!page.corpus) {
      setStatus("corpus-status", "missing", "No built-in copy on this site: pick the zip below.");
      return;
    }
    const version = page.corpus.source.dataset?.version;
    setStatus("corpus-status", "ready", `The built-in copy, corpus ${version}, checked.`);
    showCorpus(page);
  } catch (err) {
    setStatus("corpus-status", "error", errorText(err));
  }
}

/** Reads a zip the reader picks, again when an unknown corpus is allowed or no longer. */
function wireCorpusPicker(page: Page): void {
  const input = byId<HTMLInputElement>("corpus-file");
  const allow = byId<HTMLInputElement>("allow-unknown");
  const check = async () => {
    const file = input.files?.[0];
    if (!file) return;
    setStatus("corpus-status", "loading", `Checking ${file.name}…`);
    try {
      page.corpus = await pickedCorpus(file, allow.checked);
      const version = page.corpus.source.dataset?.version ?? "unknown";
      setStatus("corpus-status", "ready", `${file.name}: corpus ${version}, checked.`);
      showCorpus(page);
    } catch (err) {
      page.corpus = undefined;
      byId("corpus-facts").innerHTML = "";
      setStatus("corpus-status", "error", errorText(err));
    }
  };
  input.addEventListener("change", check);
  allow.addEventListener("change", check);
}

/** Keeps the command line and the form's error up to date; a preset refills the fields. */
function wireSettings(page: Page): void {
  const update = () => {
    try {
      byId("command").textContent = commandLine(readSettings(page.form));
      byId("settings-error").textContent = "";
      if (page.corpus) showCorpus(page);
    } catch (err) {
      byId("settings-error").textContent = errorText(err);
    }
  };
  byId("preset").addEventListener("change", () => {
    fillFromPreset(page.form);
    update();
  });
  page.form.addEventListener("input", update);
  page.form.addEventListener("submit", (event) => event.preventDefault());
  fillFromPreset(page.form);
  update();
}

async function main(): Promise<void> {
  setWasmPaths(new URL("wasm/", location.href).href);
  const build = await fetch("build.json").then((r) =>
    r.ok ? r.json() as Promise<BuildInfo> : undefined
  )
    .catch(() => undefined);
  const page = pageState(build);
  byId("build").textContent = build
    ? `rnnlab ${build.rnnlab}${build.commit ? ` at ${build.commit.slice(0, 12)}` : ""}` +
      `${build.dirty ? " (with uncommitted changes)" : ""}, built ${build.builtAt}`
    : "rnnlab (no build.json: build the site with deno task site)";
  wireSettings(page);
  wireCorpusPicker(page);
  wireRun(page);
  wireBench(page);
  await loadBuiltIn(page);
}

main().catch((err) => setStatus("run-status", "error", errorText(err)));
