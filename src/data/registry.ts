/**
 * The published versions of the Jay Chou lyrics corpus that the project knows by digest
 * (`../shared/data/README.md`). The 2017 version is the default: the chapter ran on it.
 *
 * @module
 */

/** One published version of `jaychou_lyrics.txt.zip`, with the facts the goldens pin. */
export interface DatasetInfo {
  /** The version's name, as given to `--dataset`. */
  version: string;
  /** The file name the project looks for in `./data/` and `../shared/data/`. */
  fileName: string;
  /** The SHA-256 digest of the zip file. */
  sha256: string;
  /** The pinned public download address (used only when no local copy is found). */
  url: string;
  /** The d2l-zh commit the file comes from. */
  commit: string;
}

/** Every known corpus version, by name. */
export const DATASETS: Readonly<Record<string, DatasetInfo>> = {
  "2017": {
    version: "2017",
    fileName: "jaychou_lyrics-2017.txt.zip",
    sha256: "182180582bd7811aa93f4eb954f9a8d7990177044c374b16bd9304132d2dc39c",
    url:
      "https://raw.githubusercontent.com/d2l-ai/d2l-zh/0b91b579bb196c748af9a35db14754a273e023c9/data/jaychou_lyrics.txt.zip",
    commit: "0b91b579bb196c748af9a35db14754a273e023c9",
  },
  "2018": {
    version: "2018",
    fileName: "jaychou_lyrics-2018.txt.zip",
    sha256: "3cfedd7d174111cdad5a27eaffaa6a2432a2842cf2590a03dd8a97610ea07043",
    url:
      "https://raw.githubusercontent.com/d2l-ai/d2l-zh/66964df083b506fcc672132851ea171519d48d0b/data/jaychou_lyrics.txt.zip",
    commit: "66964df083b506fcc672132851ea171519d48d0b",
  },
};

/** The version used when none is asked for: the one the chapter printed its outputs from. */
export const DEFAULT_DATASET = "2017";

/** The known version whose zip has this digest, if any. */
export function datasetByDigest(sha256: string): DatasetInfo | undefined {
  return Object.values(DATASETS).find((d) => d.sha256 === sha256);
}
