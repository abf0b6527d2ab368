/// <reference lib="dom" />
/**
 * The machine and the software a web page runs on, in the shape `run.json` and `deno task bench`
 * record (`src/run/machine.ts`): the browser and its version, the OS, the cores, the memory the
 * browser admits to, and rnnlab's version and commit as the site's build recorded them.
 *
 * @module
 */

import { type Environment, softwareVersions } from "../src/run/machine.ts";
import type { BuildInfo } from "../src/site/build.ts";

/** The parts of `navigator.userAgentData` that say what the browser is (Chromium's). */
interface UserAgentData {
  platform: string;
  getHighEntropyValues(hints: string[]): Promise<{
    architecture?: string;
    fullVersionList?: { brand: string; version: string }[];
  }>;
}

/** `Chromium 131.0.6778.85`, from the brands a browser reports, else from its user agent. */
async function browserName(): Promise<{ browser: string; os?: string; arch?: string }> {
  const data = (navigator as { userAgentData?: UserAgentData }).userAgentData;
  if (data) {
    const high = await data.getHighEntropyValues(["architecture", "fullVersionList"]);
    const brands = (high.fullVersionList ?? []).filter((b) => !/not.?a.?brand/i.test(b.brand));
    const brand = brands.find((b) => b.brand !== "Chromium") ?? brands[0];
    if (brand) {
      return {
        browser: `${brand.brand} ${brand.version}`,
        os: data.platform.toLowerCase(),
        arch: high.architecture || undefined,
      };
    }
  }
  const ua = navigator.userAgent;
  const match = ua.match(/(Firefox|Edg|Chrome|Version)\/([\d.]+)/);
  const name = match?.[1] === "Version" ? "Safari" : match?.[1] === "Edg" ? "Edge" : match?.[1];
  return { browser: name ? `${name} ${match![2]}` : ua };
}

/** Reads the browser, the machine as far as it tells, and the build. */
export async function browserEnvironment(build: BuildInfo | undefined): Promise<Environment> {
  const { browser, os, arch } = await browserName();
  const memory = (navigator as { deviceMemory?: number }).deviceMemory;
  return {
    ...softwareVersions(),
    commit: build?.commit ?? null,
    dirty: build?.dirty ?? null,
    deno: null,
    v8: null,
    typescript: null,
    browser,
    os: os ?? navigator.platform.toLowerCase(),
    osRelease: null,
    arch: arch ?? "unknown",
    cpu: null,
    cores: navigator.hardwareConcurrency,
    memoryBytes: memory ? memory * 2 ** 30 : null,
  };
}
