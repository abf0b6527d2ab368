/// <reference lib="dom" />
/**
 * The settings form: one field per flag of `deno task train`, named as the flag, filled from a
 * preset and read back through `configFromFlags`, so the page refuses what `deno task train`
 * refuses, in the same words; and the command line that trains the same run in a terminal.
 *
 * @module
 */

import { choiceFlag, shellWord } from "../src/cli/flag_values.ts";
import { configArgs, configFlagValues, configFromFlags } from "../src/run/train_flags.ts";
import { BACKEND_CHOICES, type BackendChoice } from "../src/train/backend.ts";
import { PRESETS, type TrainConfig } from "../src/train/config.ts";
import { TRAINER_CHOICES, type TrainerChoice } from "../src/train/trainers.ts";

/** What the form asks for: the config, and where and how to train it. */
export interface Settings {
  /** The preset the form started from. */
  preset: string;
  /** The config. */
  config: TrainConfig;
  /** `auto`, `webgpu` or `wasm` (the page offers no cpu backend: wasm is ~50× faster). */
  backend: BackendChoice;
  /** The trainer asked for. */
  trainer: TrainerChoice;
}

/** The form's field named `name`. */
function field(form: HTMLFormElement, name: string): HTMLInputElement | HTMLSelectElement {
  const element = form.elements.namedItem(name);
  if (!(element instanceof HTMLInputElement || element instanceof HTMLSelectElement)) {
    throw new Error(`the settings form has no field ${name}`);
  }
  return element;
}

/** Fills every config field from the preset the form names. */
export function fillFromPreset(form: HTMLFormElement): void {
  const values = configFlagValues(PRESETS[field(form, "preset").value]);
  for (const [name, value] of Object.entries(values)) field(form, name).value = value;
}

/** Reads and checks the form (a `UsageError` names the first field that is wrong). */
export function readSettings(form: HTMLFormElement): Settings {
  const names = ["preset", ...Object.keys(configFlagValues(PRESETS.chapter))];
  const config = configFromFlags(Object.fromEntries(names.map((n) => [n, field(form, n).value])));
  return {
    preset: field(form, "preset").value,
    config,
    backend: choiceFlag("backend", field(form, "backend").value, BACKEND_CHOICES),
    trainer: choiceFlag("trainer", field(form, "trainer").value, TRAINER_CHOICES),
  };
}

/** `deno task train --preset small --backend webgpu …`: the same run in a terminal. */
export function commandLine(settings: Settings): string {
  const args = [
    ...configArgs(settings.config, settings.preset),
    ...(settings.backend === "auto" ? [] : ["--backend", settings.backend]),
    ...(settings.trainer === "auto" ? [] : ["--trainer", settings.trainer]),
  ];
  return ["deno task train", ...args.map(shellWord)].join(" ");
}
