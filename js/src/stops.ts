// Where "step" and "play" stop: one event at a time, except that a run of
// events folded inside the same collapsed box passes as one step (a folded
// block is one unit on screen; its 30 events would otherwise look frozen).
// The slider and `step` trait still address every single event.

/** `boxAt(k)`: the collapsed box event k happens in, or null when its node is drawn. */
export function nextStop(steps: number, k: number, dir: number, boxAt: (k: number) => string | null): number {
  const clamp = (x: number): number => Math.min(Math.max(x, 0), steps);
  let next = clamp(k + (dir > 0 ? 1 : -1));
  const box = boxAt(dir > 0 ? next : k);
  if (box === null) return next;
  if (dir > 0) {
    while (next < steps && boxAt(next + 1) === box) next += 1;
  } else {
    while (next > 0 && boxAt(next) === box) next -= 1;
  }
  return next;
}
