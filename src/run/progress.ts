/**
 * Progress on stderr, of training and of anything counted (a class's submissions). On a terminal:
 * a bar with an ETA redrawn in place, and lines that stay above it (as cargo and pip keep theirs);
 * when stderr is a file or a pipe, plain lines alone: a line per epoch, or a line every N items.
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

/** A bar `[####......]` for a share `done` (0–1) of the work. */
function bar(done: number): string {
  return `[${"#".repeat(Math.round(done * BAR_WIDTH)).padEnd(BAR_WIDTH, ".")}]`;
}

/** The time left when a share `done` (0–1) took `elapsed` seconds. */
function eta(elapsed: number, done: number): string {
  return formatDuration(done > 0 ? elapsed / done * (1 - done) : Infinity);
}

/** Where text goes: `output.write`, else stderr. */
function writer(output: ProgressOutput): (text: string) => void {
  const encoder = new TextEncoder();
  return output.write ?? ((text) => Deno.stderr.writeSync(encoder.encode(text)));
}

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
    this.#write = writer(output);
  }

  /** The share of this process's work done after `epochs` epochs (fractional). */
  #done(epochs: number): number {
    const span = this.#totalEpochs - this.#firstEpoch + 1;
    return (epochs - this.#firstEpoch + 1) / span;
  }

  #eta(done: number): string {
    return eta((performance.now() - this.#start) / 1000, done);
  }

  /** After each batch: redraws the bar on a terminal, nothing otherwise. */
  batch(epoch: number, batch: number, epochSize: number): void {
    if (!this.#tty) return;
    const done = this.#done(epoch - 1 + batch / epochSize);
    this.#write(
      `\r${bar(done)} epoch ${epoch}/${this.#totalEpochs} batch ${batch}/${epochSize} ` +
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

/**
 * Progress over a count of items (`what`: "students"): on a terminal a bar with done/total, the
 * rate per minute and the ETA, the items' lines printed above it; otherwise a line every `every`
 * items and at the end, and the items' lines only when they are `notable` (an error, say).
 */
export class CountProgress {
  #start = performance.now();
  #total: number;
  #what: string;
  #every: number;
  #tty: boolean;
  #write: (text: string) => void;
  #print: (line: string) => void;
  #barShown = false;

  /** Progress towards `total` items; `print` writes an item's line (by default to stdout). */
  constructor(
    total: number,
    what: string,
    output: ProgressOutput & { every?: number; print?: (line: string) => void } = {},
  ) {
    this.#total = total;
    this.#what = what;
    this.#every = Math.max(1, output.every ?? 10);
    this.#tty = output.tty ?? Deno.stderr.isTerminal();
    this.#write = writer(output);
    this.#print = output.print ?? ((line) => console.log(line));
  }

  /** The status: `12/300 students, 4.2/min, ETA 1h08m`. */
  #status(done: number): string {
    const minutes = (performance.now() - this.#start) / 60_000;
    const rate = minutes > 0 ? done / minutes : 0;
    return `${done}/${this.#total} ${this.#what}, ${rate.toFixed(1)}/min, ETA ${
      eta(minutes * 60, done / Math.max(1, this.#total))
    }`;
  }

  /** After each item: its line (on a terminal, or when `notable`), and the bar or a status line. */
  item(done: number, line: string, notable: boolean): void {
    if (this.#tty) {
      if (this.#barShown) this.#write("\r\x1b[K");
      this.#print(line);
      this.#write(`${bar(done / Math.max(1, this.#total))} ${this.#status(done)}\x1b[K`);
      this.#barShown = true;
      return;
    }
    if (notable) this.#print(line);
    if (done % this.#every === 0 || done === this.#total) this.#print(this.#status(done));
  }

  /** Clears the bar, so that other output starts on a clean line. */
  clear(): void {
    if (this.#barShown) this.#write("\r\x1b[K");
    this.#barShown = false;
  }
}
