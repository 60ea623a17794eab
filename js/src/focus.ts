// Which node the view should show at step k: "the node entered at step k".
// A step is often not an entry (a parameter materializing, a module's exit,
// the root's exit at the very end): the view then keeps to the latest node
// entered at or before k, so jumping to the end shows the last layer (or the
// failing one), not nothing. Pure: reads only the trace's events.

import type { Timeline } from "./timeline";

/** How far back to look for an entry (a step far from any entry is not worth a scan of 100k events). */
const LOOK_BACK = 5000;

/** The node entered (or failing) at or before step k; null at step 0 or with no events. */
export function focusNode(tl: Timeline, k: number): string | null {
  const last = Math.min(Math.max(Math.trunc(k), 0), tl.steps);
  for (let j = last; j >= 1 && j > last - LOOK_BACK; j--) {
    const ev = tl.event(j);
    if (ev && (ev.kind === "enter" || ev.kind === "error")) return ev.node;
  }
  return null;
}
