// Repeated blocks: runs of structurally identical sibling subtrees (24
// transformer layers `layers.0` … `layers.23`) that the graph draws as one
// box labelled "×24". Pure and renderer-agnostic, computed once per trace.
//
// Two subtrees are identical when every node in them matches position for
// position: the child's name relative to its parent, kind, type, call count,
// and each parameter's name, shape before and shape after. Only containers
// fold (a subtree, not a single layer), only consecutive siblings, and only
// runs of MIN_RUN or more: two copies side by side read fine as they are.

import type { Shape, TraceNode } from "./model";
import { deepestFirst, isContainer, type Structure } from "./structure";

export const MIN_RUN = 3;

export interface Folds {
  /** first member id -> the run's member ids, in order (the first is the run's id). */
  runs: Map<string, string[]>;
  /** member id -> id of the run it belongs to. */
  runOf: Map<string, string>;
}

const cache = new WeakMap<Structure, Folds>();

/** The runs of repeated sibling subtrees in a structure (cached per structure). */
export function foldsOf(s: Structure): Folds {
  let f = cache.get(s);
  if (!f) {
    f = findFolds(s);
    cache.set(s, f);
  }
  return f;
}

/** What a node contributes to its subtree's signature, apart from its children and its own name. */
function ownKey(n: TraceNode): string {
  const params = n.params.map((p) => `${p.name}:${shapeKey(p.shape_before)}:${shapeKey(p.shape)}`).join(";");
  return `${n.kind}\u0001${n.type}\u0001${n.calls}\u0001${n.error ? 1 : 0}\u0001${params}`;
}

/** A shape as a short key; [null] and [] stay apart (`1:` and `0:`). */
function shapeKey(shape: Shape | null): string {
  return shape === null ? "~" : `${shape.length}:${shape.join(",")}`;
}

/** A child's name as its parent sees it: `norm1` in both `layers.0.norm1` and `layers.1.norm1`. */
function relName(child: TraceNode, parent: TraceNode): string {
  return child.path.startsWith(parent.path) ? child.path.slice(parent.path.length) : child.path;
}

/**
 * A small integer per node that is equal for identical subtrees (bottom-up
 * interning: each node's key names its children's numbers, so the whole
 * pass is linear in the number of nodes).
 */
export function subtreeSignatures(s: Structure): Map<string, number> {
  const intern = new Map<string, number>();
  const sig = new Map<string, number>();
  for (const n of deepestFirst(s)) {
    const kids = (s.children.get(n.id) ?? []).map((c) => `${relName(s.byId.get(c)!, n)}=${sig.get(c) ?? -1}`).join("\u0003");
    const key = `${ownKey(n)}\u0002${kids}`;
    let id = intern.get(key);
    if (id === undefined) {
      id = intern.size;
      intern.set(key, id);
    }
    sig.set(n.id, id);
  }
  return sig;
}

export function findFolds(s: Structure): Folds {
  const sig = subtreeSignatures(s);
  const runs = new Map<string, string[]>();
  const runOf = new Map<string, string>();
  const scan = (siblings: string[]): void => {
    let i = 0;
    while (i < siblings.length) {
      const head = siblings[i]!;
      let j = i + 1;
      if (isContainer(s, head)) {
        while (j < siblings.length && sig.get(siblings[j]!) === sig.get(head)) j++;
      }
      if (j - i >= MIN_RUN) {
        const members = siblings.slice(i, j);
        runs.set(head, members);
        for (const m of members) runOf.set(m, head);
      }
      i = j;
    }
  };
  scan(s.top);
  for (const kids of s.children.values()) scan(kids);
  return { runs, runOf };
}
