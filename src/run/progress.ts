/**
 * Training progress on stderr. On a terminal: a bar with an ETA redrawn in place, and a line per
 * epoch that stays above it (as cargo and pip keep theirs); when stderr is a file or a pipe, the
 * epoch lines alone.
 *
 * @module
 */

/** Formats seconds as `1h02m`, `3m05s` or `12.3s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  if (s >= 3600) {
    return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, "0")}m`;
  }
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${seconds.toFixed(1)}s`;
}

/** Where progress goes and how: a terminal, or plain lines. */
export interface ProgressOutput {
  /** Whether it is a terminal (a bar redrawn in place); by default, whether stderr is one. */
  tty?: boolean;
  /** Writes text as it is (by default to stderr). */
  write?: (text: string) => void;
  /** The first epoch this process trains (a resumed run starts after its checkpoint). */
  firstEpoch?: number;
}

/** The bar's width in characters. */
const BAR_WIDTH = 30;

/** Reports progress over epochs `firstEpoch` to `totalEpochs`. */
export class Progress {
  #start = performance.now();
  #totalEpochs: number;
  #firstEpoch: number;
  #tty: boolean;
  #write: (text: string) => void;
  #barShown = false;

  /** Progress towards `totalEpochs`, written to `output` (stderr by default). */
  constructor(totalEpochs: number, output: ProgressOutput = {}) {
    this.#totalEpochs = totalEpochs;
    this.#firstEpoch = output.firstEpoch ?? 1;
    this.#tty = output.tty ?? Deno.stderr.isTerminal();
    const encoder = new TextEncoder();
    this.#write = output.write ?? ((text) => Deno.stderr.writeSync(encoder.encode(text)));
  }

  /** The share of this process's work done after `epochs` epochs (fractional). */
  #done(epochs: number): number {
    const span = this.#totalEpochs - this.#firstEpoch + 1;
    return (epochs - this.#firstEpoch + 1) / span;
  }

  #eta(done: number): string {
    const elapsed = (performance.now() - this.#start) / 1000;
    return formatDuration(done > 0 ? elapsed / done * (1 - done) : Infinity);
  }

  /** After each batch: redraws the bar on a terminal, nothing otherwise. */
  batch(epoch: number, batch: number, epochSize: number): void {
    if (!this.#tty) return;
    const done = this.#done(epoch - 1 + batch / epochSize);
    const bar = "#".repeat(Math.round(done * BAR_WIDTH)).padEnd(BAR_WIDTH, ".");
    this.#write(
      `\r[${bar}] epoch ${epoch}/${this.#totalEpochs} batch ${batch}/${epochSize} ` +
        `ETA ${this.#eta(done)}\x1b[K`,
    );
    this.#barShown = true;
  }

  /**
   * After each epoch: its line (on a terminal, in the bar's place; the next batch draws the bar
   * again below it).
   */
  epoch(epoch: number, perplexity: number, seconds: number): void {
    this.clear();
    this.#write(
      `epoch ${epoch}/${this.#totalEpochs} perplexity ${perplexity.toFixed(6)} ` +
        `${seconds.toFixed(2)}s ETA ${this.#eta(this.#done(epoch))}\n`,
    );
  }

  /** Clears the bar, so that other output starts on a clean line. */
  clear(): void {
    if (this.#barShown) this.#write("\r\x1b[K");
    this.#barShown = false;
  }
}
