/// <reference lib="dom" />
/**
 * What the page shows, drawn with the run report's own pieces (`src/report/html.ts`,
 * `src/report/plot.ts`): status lines that say how things stand (also as `data-state`, for
 * scripts and tests), key–value lists, the live curve, and files handed to the reader as
 * downloads.
 *
 * @module
 */

import { type Cell, figure, keyValues } from "../src/report/html.ts";
import { plotPair } from "../src/report/plot.ts";
import { runPlotInput, runTitle } from "../src/run/record.ts";
import type { PageRun } from "./session.ts";

/** The element with `id`, which the page must have. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** Sets a status line's text and its `data-state`. */
export function setStatus(id: string, state: string, text: string): void {
  const element = byId(id);
  element.dataset.state = state;
  element.textContent = text;
  element.className = state === "error" ? "status-failed" : "";
}

/** Shows `entries` as a list of names and values in the element `id`. */
export function showList(id: string, entries: readonly (readonly [string, Cell])[]): void {
  byId(id).innerHTML = keyValues(entries).html;
}

/** Draws the run's curve as it stands, beside the chapter's for the chapter's setting. */
export async function drawCurve(run: PageRun): Promise<void> {
  const { config, trainer, backend } = run.facts;
  const record = run.record();
  const title = runTitle(config, trainer, backend.name);
  const input = runPlotInput(title, config, run.curve, record.status, record.divergence);
  byId("plot").innerHTML = figure(await plotPair(input)).html;
}

/** Hands `data` to the reader as the file `name`. */
export function download(name: string, data: string | Uint8Array<ArrayBuffer>, type: string) {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** An error as the page shows it: its message (a usage error's is one line). */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
