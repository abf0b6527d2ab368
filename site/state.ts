/// <reference lib="dom" />
/**
 * What the page holds between clicks: the build's facts, the settings form, the corpus read, the
 * run trained (or training), and the browser's environment, read once.
 *
 * @module
 */

import type { Corpus } from "../src/data/read_corpus.ts";
import type { Environment } from "../src/run/machine.ts";
import type { BuildInfo } from "../src/site/build.ts";
import { browserEnvironment } from "./environment.ts";
import type { PageRun } from "./session.ts";

/** The page's state. */
export interface Page {
  /** `build.json`, when the site has one. */
  build: BuildInfo | undefined;
  /** The settings form. */
  form: HTMLFormElement;
  /** The corpus, once one is read and checked. */
  corpus?: Corpus;
  /** The last run started. */
  run?: PageRun;
  /** The browser and the machine. */
  environment(): Promise<Environment>;
}

/** The page's state at load. */
export function pageState(build: BuildInfo | undefined): Page {
  let environment: Promise<Environment> | undefined;
  return {
    build,
    form: document.getElementById("settings") as HTMLFormElement,
    environment: () => environment ??= browserEnvironment(build),
  };
}
