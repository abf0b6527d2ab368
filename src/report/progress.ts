/**
 * Training progress on stderr: a bar with an ETA, redrawn in place on a terminal; one plain line
 * per epoch when stderr is a file or a pipe.
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

/** Reports progress over `totalEpochs` epochs. */
export class Progress {
  #start = performance.now();
  #totalEpochs: number;
  #tty: boolean;
  #encoder = new TextEncoder();

  /** `tty` decides the style; by default, whether stderr is a terminal. */
  constructor(totalEpochs: number, tty = Deno.stderr.isTerminal()) {
    this.#totalEpochs = totalEpochs;
    this.#tty = tty;
  }

  #eta(done: number): string {
    const elapsed = (performance.now() - this.#start) / 1000;
    return formatDuration(done > 0 ? elapsed / done * (1 - done) : Infinity);
  }

  /** After each batch: redraws the bar on a terminal, nothing otherwise. */
  batch(epoch: number, batch: number, epochSize: number): void {
    if (!this.#tty) return;
    const done = (epoch - 1 + batch / epochSize) / this.#totalEpochs;
    const width = 30;
    const bar = "#".repeat(Math.round(done * width)).padEnd(width, ".");
    const line = `\r[${bar}] epoch ${epoch}/${this.#totalEpochs} batch ${batch}/${epochSize} ` +
      `ETA ${this.#eta(done)}\x1b[K`;
    Deno.stderr.writeSync(this.#encoder.encode(line));
  }

  /** After each epoch: a plain line when not on a terminal. */
  epoch(epoch: number, perplexity: number, seconds: number): void {
    if (this.#tty) return;
    const eta = this.#eta(epoch / this.#totalEpochs);
    console.error(
      `epoch ${epoch}/${this.#totalEpochs} perplexity ${perplexity.toFixed(6)} ` +
        `${seconds.toFixed(2)}s ETA ${eta}`,
    );
  }

  /** Clears the bar before other output is printed on the terminal. */
  clear(): void {
    if (this.#tty) Deno.stderr.writeSync(this.#encoder.encode("\r\x1b[K"));
  }
}
