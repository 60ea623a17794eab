// Work the widget does while the page is idle, in slices that fit between
// frames: simulating the rest of a long run (timeline.ts simulates lazily),
// so a later jump across thousands of steps finds them ready, and making the
// stub elements of a huge graph's hidden nodes after its first paint.

import type { Timeline } from "../timeline";

type Idle = (cb: (d: { timeRemaining(): number }) => void, opts?: { timeout: number }) => number;

/** Calls `slice(ms)` in idle periods until it returns true (done) or `stale()` does. */
export function whenIdle(slice: (ms: number) => boolean, stale: () => boolean): void {
  const ric = (globalThis as { requestIdleCallback?: Idle }).requestIdleCallback;
  const later = (): void => {
    if (ric) ric((d) => run(Math.max(2, d.timeRemaining() - 1)), { timeout: 1000 });
    else setTimeout(() => run(6), 16);
  };
  const run = (ms: number): void => {
    if (!stale() && !slice(ms)) later();
  };
  later();
}

export function prepareWhenIdle(tl: Timeline, stale: () => boolean): void {
  whenIdle((ms) => tl.prepare(ms), stale);
}
