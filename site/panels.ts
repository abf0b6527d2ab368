/// <reference lib="dom" />
/**
 * The page's buttons: train, stop and resume a run with a live curve and the chapter's lines; hand
 * out its files; check it against the float64 contract by `deno task verify`'s own rule
 * (`src/verify/contract.ts`); and time the step as `deno task bench` does.
 *
 * @module
 */

import golden from "../golden/contract_curves.json" with { type: "json" };
import { adapterFingerprint } from "../src/bench/fingerprint.ts";
import { runName } from "../src/bench/result.ts";
import { stepResult } from "../src/bench/step_result.ts";
import { timeTrainer } from "../src/bench/train_bench.ts";
import { UsageError } from "../src/errors.ts";
import { numberFlag } from "../src/cli/flag_values.ts";
import { trainingData } from "../src/data/read_corpus.ts";
import { plotPair } from "../src/report/plot.ts";
import { checkConfigAgainstData, type Engine } from "../src/run/preflight.ts";
import { chapterLines, engineLine, presetOf, runPlotInput, runTitle } from "../src/run/record.ts";
import { runReportHtml } from "../src/run/run_page.ts";
import { checkContractCurve, contractCaseFor } from "../src/verify/contract.ts";
import type { ContractGolden } from "../src/verify/goldens.ts";
import { type AdapterFacts, startEngine } from "./engine.ts";
import { PageRun } from "./session.ts";
import { readSettings, type Settings } from "./settings.ts";
import type { Page } from "./state.ts";
import { byId, download, drawCurve, errorText, setStatus, showList } from "./view.ts";

/** Enables the run's buttons for where it stands: `busy` while anything trains or times. */
function setButtons(page: Page, busy: boolean): void {
  const run = page.run;
  const idle = !busy && run !== undefined && !run.running;
  const enabled: Record<string, boolean> = {
    train: !busy,
    bench: !busy,
    stop: run?.running === true,
    resume: idle && !run.finished && run.curve.length < run.facts.config.epochs,
    "save-run": idle,
    "save-params": idle,
    "save-report": idle,
    "check-contract": idle,
  };
  for (const [id, on] of Object.entries(enabled)) byId<HTMLButtonElement>(id).disabled = !on;
}

/** The corpus prepared for `settings`, checked against them (a one-line `UsageError`). */
function dataFor(page: Page, settings: Settings) {
  if (!page.corpus) throw new UsageError("there is no corpus yet: pick jaychou_lyrics.txt.zip");
  const data = trainingData(page.corpus, settings.config.corpusChars);
  checkConfigAgainstData(settings.config, data);
  return data;
}

/** Shows where the run trains, and the adapter's facts on webgpu. */
function showEngine(engine: Engine, adapter: AdapterFacts | undefined): void {
  byId("engine").textContent = engineLine(engine);
  byId("adapter").innerHTML = "";
  if (!adapter) return;
  const { limits, ...names } = adapter;
  showList("adapter", [
    ...Object.entries(names).map(([k, v]) => [`adapter ${k}`, v || "—"] as const),
    ...Object.entries(limits).map(([k, v]) => [k, String(v)] as const),
  ]);
}

/** Trains one session of the page's run, showing each epoch as it comes. */
async function trainSession(page: Page): Promise<void> {
  const run = page.run!;
  const { config } = run.facts;
  let batches = 0;
  let ms = NaN; // per step, in the last epoch
  let drawing: Promise<void> | undefined;
  let again = false;
  /** Draws the curve, or once more after the drawing under way: at most one at a time. */
  const redraw = () => {
    if (drawing) {
      again = true;
      return;
    }
    drawing = drawCurve(run).finally(() => {
      drawing = undefined;
      if (again) {
        again = false;
        redraw();
      }
    });
  };
  const training = run.train({
    onBatch: (epoch, batch, size) => {
      batches = size;
      setStatus(
        "run-status",
        "running",
        `Epoch ${epoch} of ${config.epochs}: batch ${batch}/${size}`,
      );
    },
    onEpoch: (r) => {
      ms = (r.seconds - (r.predictionSeconds ?? 0)) * 1000 / batches;
      byId("lines").textContent += r.predictions ? chapterLines(r).join("\n") + "\n" : "";
      byId("run-status").dataset.epochs = String(r.epoch);
      setStatus(
        "run-status",
        "running",
        `Epoch ${r.epoch} of ${config.epochs}: perplexity ${r.perplexity.toFixed(6)} ` +
          `(${r.seconds.toFixed(2)} s, ${ms.toFixed(1)} ms/step)`,
      );
      redraw();
    },
  });
  setButtons(page, true); // the run is running now: Stop is on
  const end = await training;
  await drawing;
  await drawCurve(run);
  const done = run.curve.length;
  const text = end.status === "complete"
    ? `Complete: ${done} epochs, perplexity ${run.curve[done - 1].perplexity.toFixed(6)} ` +
      `(${ms.toFixed(1)} ms/step in the last epoch).`
    : end.status === "interrupted"
    ? `Stopped during epoch ${end.epoch}; ${done} epoch(s) kept. Resume continues from there.`
    : `Diverged in epoch ${end.epoch}: ${end.reason}.`;
  setStatus("run-status", end.status, text);
}

/** Starts a new run of the form's settings on the backend it names. */
async function startRun(page: Page): Promise<void> {
  try {
    const settings = readSettings(page.form);
    const data = dataFor(page, settings);
    setStatus("run-status", "starting", `Starting ${settings.backend}…`);
    setButtons(page, true);
    const { engine, adapter } = await startEngine(
      settings.backend,
      settings.trainer,
      settings.config,
      data,
    );
    showEngine(engine, adapter);
    const facts = {
      ...engine,
      config: settings.config,
      source: data.source,
      vocab: data.vocab.idxToChar,
      environment: await page.environment(),
    };
    page.run = new PageRun(facts, data);
    delete byId("run-status").dataset.epochs;
    byId("lines").textContent = "";
    byId("contract").textContent = "";
    await trainSession(page);
  } catch (err) {
    setStatus("run-status", "error", errorText(err));
  }
  setButtons(page, false);
}

/** Hands out one of the run's files. */
async function save(page: Page, what: "run" | "params" | "report"): Promise<void> {
  const run = page.run!;
  const { record, params } = await run.files();
  if (what === "run") {
    download("run.json", JSON.stringify(record, null, 2) + "\n", "application/json");
  } else if (what === "params") download(record.params.file, params, "application/octet-stream");
  else {
    const { config, trainer, backend } = run.facts;
    const title = runTitle(config, trainer, backend.name);
    const plot = await plotPair(
      runPlotInput(title, config, run.curve, record.status, record.divergence),
    );
    download("report.html", runReportHtml(record, plot, title), "text/html");
  }
}

/** Checks the run's curve against the float64 contract, as `deno task verify` does. */
function checkContract(page: Page): void {
  const run = page.run!;
  const { config, backend, trainer } = run.facts;
  const element = byId("contract");
  const c = contractCaseFor(golden as ContractGolden, config, run.record().dataset.version);
  if (!c || run.curve.length < c.epochs) {
    element.dataset.status = "skip";
    element.textContent = !c
      ? "No contract curve for these settings: the contract has the chapter's and the small " +
        "preset's sizes with the chapter's state initialisation, seeds " +
        [...new Set(golden.cases.map((k) => k.seed))].join(", ") + `, on corpus ${golden.dataset}.`
      : `Train at least ${c.epochs} epochs first (${run.curve.length} done).`;
    return;
  }
  const name = `contract ${c.name} on ${backend.name}, ${trainer} trainer`;
  const check = checkContractCurve(name, c, run.curve.map((r) => r.perplexity));
  element.dataset.status = check.status;
  element.className = check.status === "ok" ? "status-complete" : "status-failed";
  element.textContent = `${check.status === "ok" ? "Passed" : "Failed"}: ${name}: ` +
    `${check.worst}; measured ${check.measured}, the contract ${check.expected}.`;
}

/** Wires the training, the files and the contract check. */
export function wireRun(page: Page): void {
  byId("train").addEventListener("click", () => startRun(page));
  byId("stop").addEventListener("click", () => page.run?.stop());
  byId("resume").addEventListener("click", async () => {
    try {
      await trainSession(page);
    } catch (err) {
      setStatus("run-status", "error", errorText(err));
    }
    setButtons(page, false);
  });
  for (const what of ["run", "params", "report"] as const) {
    byId(`save-${what}`).addEventListener("click", () => save(page, what));
  }
  byId("check-contract").addEventListener("click", () => checkContract(page));
}

/** Times the settings' step on their backend, and shows the result as `deno task bench`'s JSON. */
async function bench(page: Page): Promise<string> {
  const settings = readSettings(page.form);
  const warmup = numberFlag("warmup", byId<HTMLInputElement>("bench-warmup").value, {
    integer: true,
    min: 0,
  });
  const iters = numberFlag("iters", byId<HTMLInputElement>("bench-iters").value, {
    integer: true,
    min: 1,
  });
  const data = dataFor(page, settings);
  const { config } = settings;
  setStatus("bench-status", "running", `Starting ${settings.backend}…`);
  const { engine, adapter } = await startEngine(settings.backend, settings.trainer, config, data);
  showEngine(engine, adapter);
  setStatus(
    "bench-status",
    "running",
    `Timing ${warmup} + ${iters} steps on ${engine.backend.name}…`,
  );
  const timing = await timeTrainer(engine.trainer, config, data, iters, warmup, { profile: true });
  const run = { backend: engine.backend.name, trainer: engine.trainer, threads: timing.threads };
  const result = stepResult({
    // What the page can tell of what ran; a page cannot read the machine's load, nor PyTorch's.
    fingerprint: {
      ...(await page.environment()),
      webgpu: await adapterFingerprint(),
      wasm: { simd: engine.backend.adapter.includes("simd"), threads: 1 },
      onnxruntimeEp: null,
      torch: null,
      variables: {},
    },
    backends: [engine.backend.name],
    preset: presetOf(config) ?? "custom",
    config,
    repeat: 1,
    load: null,
    iters,
    warmup,
    runs: [run],
    torchImpls: [],
    results: new Map([[runName(run), [timing]]]),
  });
  setStatus(
    "bench-status",
    "done",
    `${
      timing.msPerIteration.toFixed(2)
    } ms/step, ${engine.trainer} trainer on ${engine.backend.name}`,
  );
  return JSON.stringify(result, null, 2) + "\n";
}

/** Wires the benchmark. */
export function wireBench(page: Page): void {
  let json = "";
  byId("bench").addEventListener("click", async () => {
    setButtons(page, true);
    try {
      json = await bench(page);
      byId("bench-json").textContent = json;
    } catch (err) {
      setStatus("bench-status", "error", errorText(err));
    }
    setButtons(page, false);
    byId<HTMLButtonElement>("save-bench").disabled = json === "";
  });
  byId("save-bench").addEventListener(
    "click",
    () => download("bench.json", json, "application/json"),
  );
}
