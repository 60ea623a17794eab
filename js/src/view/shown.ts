// The run on screen and the reader's fold state for it: what the app keeps
// per trace, built when a run is shown and when `depth` changes.

import type { Trace } from "../model";
import { buildStructure, type Structure } from "../structure";
import { Timeline, type Cursor } from "../timeline";
import { defaultFolded, initialCollapsed, reveal } from "../layout/visible";

export interface Shown {
  trace: Trace;
  s: Structure;
  tl: Timeline;
  cursor: Cursor;
  collapsed: Set<string>;
  /** Folded runs of repeated blocks (folds.ts), by their first member's id. */
  folded: Set<string>;
}

/** The `depth` trait: a fold depth (an int >= 0), or null for the automatic rule. */
export function depthOf(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.trunc(v) : null;
}

export function makeShown(trace: Trace, depth: number | null, selected: string): Shown {
  const s = buildStructure(trace);
  const tl = new Timeline(s);
  const folded = defaultFolded(s);
  const shown = { trace, s, tl, cursor: tl.cursor(), collapsed: initialCollapsed(s, depth, folded), folded };
  revealMust(shown, selected);
  return shown;
}

/** Folds the groups to `depth` again (Python changed it; the reader's own toggles are reset). */
export function refold(sh: Shown, depth: number | null, selected: string): void {
  sh.collapsed = initialCollapsed(sh.s, depth, sh.folded);
  revealMust(sh, selected);
}

/** The failing node must be on screen, not folded away; so must the selection. */
function revealMust(sh: Shown, selected: string): void {
  const err = sh.trace.error;
  if (err && sh.s.byId.has(err.node)) reveal(sh.s, sh.collapsed, err.node, sh.folded);
  if (selected && sh.s.byId.has(selected)) reveal(sh.s, sh.collapsed, selected, sh.folded);
}
