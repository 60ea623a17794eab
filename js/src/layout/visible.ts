// Which nodes are drawn, given the set of collapsed containers, and which
// drawn node stands for a hidden one (the collapsed container around it).

import { ancestors, isContainer, type Structure } from "../structure";

/** Past this many drawn nodes, containers start collapsed (SPEC §5). */
export const COLLAPSE_LIMIT = 60;

export interface Visibility {
  /** Drawn nodes, parents before children. */
  visible: string[];
  /** node id -> the drawn node that stands for it (itself when drawn). */
  standIn: Map<string, string>;
  collapsed: ReadonlySet<string>;
}

export function visibility(s: Structure, collapsed: ReadonlySet<string>): Visibility {
  const visible: string[] = [];
  const standIn = new Map<string, string>();
  const walk = (id: string, hiddenBy: string | null): void => {
    standIn.set(id, hiddenBy ?? id);
    if (hiddenBy === null) visible.push(id);
    const hide = hiddenBy ?? (collapsed.has(id) && isContainer(s, id) ? id : null);
    for (const c of s.children.get(id) ?? []) walk(c, hide);
  };
  for (const id of s.top) walk(id, null);
  return { visible, standIn, collapsed };
}

/** Whether this container is the outermost module (never collapsed: it would hide everything). */
export function isRootModule(s: Structure, id: string): boolean {
  const n = s.byId.get(id);
  return !!n && n.kind === "module" && s.parentOf.get(id) == null;
}

/**
 * Containers to collapse at first so that at most `limit` nodes are drawn:
 * the deepest level of containers folds first, then the next, never the root.
 */
export function defaultCollapsed(s: Structure, limit: number = COLLAPSE_LIMIT): Set<string> {
  const collapsed = new Set<string>();
  const containers = s.nodes.filter((n) => isContainer(s, n.id) && !isRootModule(s, n.id)).map((n) => n.id);
  const levels = [...new Set(containers.map((id) => s.depth.get(id) ?? 0))].sort((a, b) => b - a);
  for (const level of levels) {
    if (visibility(s, collapsed).visible.length <= limit) break;
    for (const id of containers) if ((s.depth.get(id) ?? 0) === level) collapsed.add(id);
  }
  return collapsed;
}

/** Expands the collapsed containers around a node so it becomes visible. */
export function reveal(s: Structure, collapsed: Set<string>, id: string): boolean {
  let changed = false;
  for (const a of ancestors(s, id)) if (collapsed.delete(a)) changed = true;
  return changed;
}
