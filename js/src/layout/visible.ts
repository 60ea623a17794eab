// Which nodes are drawn, given the set of collapsed containers and of folded
// runs of repeated blocks, and which drawn node stands for a hidden one (the
// collapsed container around it, or the folded run it belongs to).

import { foldsOf } from "../folds";
import { ancestors, isContainer, type Structure } from "../structure";

/** Past this many drawn nodes, containers start collapsed: a big model opens as an overview. */
export const COLLAPSE_LIMIT = 60;

const NONE: ReadonlySet<string> = new Set();

export interface Visibility {
  /** Drawn nodes, parents before children. */
  visible: string[];
  /** node id -> the drawn node that stands for it (itself when drawn). */
  standIn: Map<string, string>;
  collapsed: ReadonlySet<string>;
  /** Folded runs on screen: first member id (the drawn box) -> all member ids. */
  folds: Map<string, string[]>;
  /** Runs drawn open, member by member (the reader opened them): first member id -> all member ids. */
  opened: Map<string, string[]>;
}

/**
 * `folded` holds run ids (a run's first member, see folds.ts). A folded run
 * is drawn as one box that is its first member's element; every other
 * member, and everything inside any member, stands in behind it.
 */
export function visibility(s: Structure, collapsed: ReadonlySet<string>, folded: ReadonlySet<string> = NONE): Visibility {
  const visible: string[] = [];
  const standIn = new Map<string, string>();
  const folds = new Map<string, string[]>();
  const runs = folded.size ? foldsOf(s).runs : null;
  // Iterative (a 20k-deep nesting must not overflow the stack): [id, hidden by, hides its own subtree].
  const stack: Array<[string, string | null, boolean]> = [];
  const pushKids = (kids: string[], hide: string | null): void => {
    const items: Array<[string, string | null, boolean]> = [];
    for (let i = 0; i < kids.length; i++) {
      const c = kids[i]!;
      const run = hide === null && runs && folded.has(c) ? runs.get(c) : undefined;
      if (run && run.length > 1) {
        folds.set(c, run);
        items.push([c, null, true]);
        for (let j = 1; j < run.length; j++) items.push([run[j]!, c, false]);
        i += run.length - 1;
      } else items.push([c, hide, false]);
    }
    for (let i = items.length - 1; i >= 0; i--) stack.push(items[i]!);
  };
  pushKids(s.top, null);
  while (stack.length) {
    const [id, hiddenBy, foldHead] = stack.pop()!;
    standIn.set(id, hiddenBy ?? id);
    if (hiddenBy === null) visible.push(id);
    const hide = hiddenBy ?? (foldHead || (collapsed.has(id) && isContainer(s, id)) ? id : null);
    const kids = s.children.get(id);
    if (kids) pushKids(kids, hide);
  }
  // Open runs get a handle to fold them again, where folding is offered at all (large graphs).
  const opened = new Map<string, string[]>();
  if (s.nodes.length > COLLAPSE_LIMIT) {
    for (const [head, members] of foldsOf(s).runs) if (!folds.has(head) && standIn.get(head) === head) opened.set(head, members);
  }
  return { visible, standIn, collapsed, folds, opened };
}

/** Whether this container is the outermost module (never collapsed: it would hide everything). */
export function isRootModule(s: Structure, id: string): boolean {
  const n = s.byId.get(id);
  return !!n && n.kind === "module" && s.parentOf.get(id) == null;
}

/**
 * Containers to collapse at first so that at most `limit` nodes are drawn
 * (with the runs in `folded` drawn as one box each): the deepest level of
 * containers folds first, then the next, never the root.
 */
export function defaultCollapsed(s: Structure, limit: number = COLLAPSE_LIMIT, folded: ReadonlySet<string> = NONE): Set<string> {
  const collapsed = new Set<string>();
  const containers = s.nodes.filter((n) => isContainer(s, n.id) && !isRootModule(s, n.id)).map((n) => n.id);
  const levels = [...new Set(containers.map((id) => s.depth.get(id) ?? 0))].sort((a, b) => b - a);
  if (s.nodes.length <= limit) return collapsed;
  for (const level of levels) {
    if (visibility(s, collapsed, folded).visible.length <= limit) break;
    for (const id of containers) if ((s.depth.get(id) ?? 0) === level) collapsed.add(id);
  }
  return collapsed;
}

/**
 * Containers to collapse at first for a fold depth set from Python (the
 * `depth` trait, like torchview's `depth`): every container nested deeper
 * than `depth` containers below the root, so 0 shows only the root's
 * children and 1 also their children. The root itself never collapses.
 */
export function depthCollapsed(s: Structure, depth: number): Set<string> {
  const limit = Math.max(0, Math.trunc(depth));
  const collapsed = new Set<string>();
  for (const n of s.nodes) {
    if ((s.depth.get(n.id) ?? 0) > limit && isContainer(s, n.id) && !isRootModule(s, n.id)) collapsed.add(n.id);
  }
  return collapsed;
}

/** The containers a trace opens with: `depth`'s rule when Python set one, else the automatic one. */
export function initialCollapsed(s: Structure, depth: number | null, folded: ReadonlySet<string> = NONE): Set<string> {
  return depth === null ? defaultCollapsed(s, COLLAPSE_LIMIT, folded) : depthCollapsed(s, depth);
}

/** Runs of repeated blocks to fold at first: all of them when the graph is large, none otherwise. */
export function defaultFolded(s: Structure, limit: number = COLLAPSE_LIMIT): Set<string> {
  return s.nodes.length > limit ? new Set(foldsOf(s).runs.keys()) : new Set();
}

/**
 * Opens a folded run. Members that would draw more than `limit` nodes
 * between them open collapsed (160 transformer layers show as 160 boxes,
 * not 3,000). Returns false when `run` was not folded.
 */
export function openRun(s: Structure, collapsed: Set<string>, folded: Set<string>, run: string, limit: number = COLLAPSE_LIMIT): boolean {
  if (!folded.delete(run)) return false;
  const members = foldsOf(s).runs.get(run) ?? [];
  let inside = 0;
  for (const m of members) inside += descendantCount(s, m, limit + 1 - inside);
  if (inside > limit) for (const m of members) if (isContainer(s, m)) collapsed.add(m);
  return true;
}

/** How many nodes lie below a container, counting no further than `cap`. */
function descendantCount(s: Structure, id: string, cap: number): number {
  let n = 0;
  const stack = [...(s.children.get(id) ?? [])];
  while (stack.length && n < cap) {
    const c = stack.pop()!;
    n++;
    for (const g of s.children.get(c) ?? []) stack.push(g);
  }
  return n;
}

/**
 * Opens the folded runs and expands the collapsed containers around a node
 * so it becomes visible (a run's first member counts as visible: the run's
 * box is its element). Returns whether anything changed.
 */
export function reveal(s: Structure, collapsed: Set<string>, id: string, folded?: Set<string>): boolean {
  let changed = false;
  const above = ancestors(s, id);
  if (folded?.size) {
    const runOf = foldsOf(s).runOf;
    for (const x of [id, ...above]) {
      const run = runOf.get(x);
      if (run === undefined || (x === id && x === run)) continue;
      if (openRun(s, collapsed, folded, run)) changed = true;
    }
  }
  for (const a of above) if (collapsed.delete(a)) changed = true;
  return changed;
}
