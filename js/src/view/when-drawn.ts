// What the reader asks for before the first drawing (a key, a click on the
// controls, a search hit) waits for it: it is run once the graph is drawn,
// never dropped.

export class WhenDrawn {
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly drawn: () => boolean) {}

  /** Runs `fn` now if the graph is drawn, else as soon as it is. */
  run(fn: () => void): void {
    if (this.drawn()) fn();
    else this.waiting.push(fn);
  }

  /** The graph is drawn: runs what waited, in order. */
  flush(): void {
    for (const fn of this.waiting.splice(0)) fn();
  }

  clear(): void {
    this.waiting.length = 0;
  }
}
