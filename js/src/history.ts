// A watched widget's history (docs/widget-state.md): `runs` is the state, but
// Python adds an entry with one `lazyviz:run` custom message instead of
// re-sending the list, because ipywidgets re-sends a list trait whole on every
// change. This file applies those messages, once per model, and formats the
// `forwards` counts that go with the entries.

import { groupDigits } from "./format";
import type { Trace, WidgetModel } from "./model";

export interface RunMessage {
  type: "lazyviz:run";
  entry: Trace;
  /** Index into the current `runs` to remove before appending, or null. */
  drop: number | null;
}

/** The message if `content` is a well-formed `lazyviz:run`, else null (other messages are not ours). */
export function parseRunMessage(content: unknown): RunMessage | null {
  if (!content || typeof content !== "object") return null;
  const c = content as Record<string, unknown>;
  if (c.type !== "lazyviz:run") return null;
  const entry = c.entry;
  if (!entry || typeof entry !== "object" || Array.isArray(entry)) return null;
  const drop = typeof c.drop === "number" && Number.isInteger(c.drop) ? c.drop : null;
  return { type: "lazyviz:run", entry: entry as Trace, drop };
}

/** The runs after the message: `drop` removed (when it is an index into them), then `entry` appended. */
export function applyRunMessage(runs: readonly Trace[], msg: RunMessage): Trace[] {
  const d = msg.drop;
  const kept = d !== null && d >= 0 && d < runs.length ? [...runs.slice(0, d), ...runs.slice(d + 1)] : [...runs];
  kept.push(msg.entry);
  return kept;
}

type Appended = (runs: readonly Trace[]) => void;
const appended = new Set<Appended>();

/**
 * Calls `cb` with the runs list each time a message changed one in place.
 * Views filter by `runs === model.get("runs")`: every model whose bundle
 * shares this module instance notifies the same set.
 */
export function onRunsAppended(cb: Appended): () => void {
  appended.add(cb);
  return () => appended.delete(cb);
}

/**
 * Registers the message handler on a model (anywidget's `initialize`: once per
 * model, however many views). The list is changed in place rather than through
 * `model.set("runs", ...)`: ipywidgets buffers every `set` and the next
 * `save_changes()` (a step, a click) would send the whole list back to the
 * kernel, which then assigns it, possibly older than its own, to `runs`.
 */
export function followRunMessages(model: WidgetModel): () => void {
  const onMsg = (content: unknown): void => {
    const msg = parseRunMessage(content);
    if (!msg) return;
    const runs = model.get("runs");
    if (!Array.isArray(runs)) {
      // No list to extend (never the case with lazyviz's Python): start one.
      model.set("runs", [msg.entry]);
      return;
    }
    runs.splice(0, runs.length, ...applyRunMessage(runs, msg));
    for (const cb of [...appended]) cb(runs);
  };
  model.on("msg:custom", onMsg);
  return () => model.off("msg:custom", onMsg);
}

/** How many forwards produced `runs[i]`; a count Python has not sent yet (or a bad one) is 1. */
export function forwardsAt(forwards: unknown, i: number): number {
  const n = Array.isArray(forwards) ? (forwards as unknown[])[i] : undefined;
  return typeof n === "number" && Number.isFinite(n) && n >= 1 ? Math.trunc(n) : 1;
}

/** `×1,234 forwards`, or "" for a single forward (an ordinary run says nothing). */
export function forwardsText(n: number): string {
  return n > 1 ? `×${groupDigits(n)} forwards` : "";
}
