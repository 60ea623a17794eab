// Finding a node by name in a big model: what the search box lists for what
// the reader typed. Pure (a Structure in, node ids out), tested without a page.
//
// Every word typed must occur (case-insensitively) in the node's path, its
// type or its label (`layer3.2.relu · ReLU`, `add in layer1.0`). The best
// matches come first: the exact path, then a path ending in the words as a
// whole segment (`conv1` finds `layer3.2.conv1` before `layer3.2.conv10`),
// then a path starting with them, then any match in the path, then a match
// in the type or label only; ties keep the model's order.

import type { TraceNode } from "./model";
import { nodeLabel } from "./narrate";
import type { Structure } from "./structure";

export interface Match {
  id: string;
  /** What the list shows: the label the node's box and details use. */
  label: string;
}

/** How a node matched: lower is better. */
function rank(n: TraceNode, q: string, words: string[], hay: string): number {
  const path = n.path.toLowerCase();
  if (path === q) return 0;
  if (path.endsWith(`.${q}`) || path.endsWith(`/${q}`)) return 1;
  if (path.startsWith(q)) return 2;
  if (words.every((w) => path.includes(w))) return 3;
  return words.every((w) => hay.includes(w)) ? 4 : -1;
}

const cache = new WeakMap<Structure, string[]>();

/** Each node's searchable text, lower-cased once per structure (a keystroke in a 20k-node model stays cheap). */
function haystacks(s: Structure): string[] {
  let h = cache.get(s);
  if (!h) {
    h = s.nodes.map((n) => `${n.path}\u0000${n.type}\u0000${nodeLabel(n)}`.toLowerCase());
    cache.set(s, h);
  }
  return h;
}

/** Nodes matching `query`, best first, at most `limit` of them; nothing for a blank query. */
export function searchNodes(s: Structure, query: string, limit = 12): Match[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const words = q.split(/\s+/);
  const found: Array<{ n: TraceNode; r: number; i: number }> = [];
  const hays = haystacks(s);
  s.nodes.forEach((n, i) => {
    const r = rank(n, q, words, hays[i]!);
    if (r >= 0) found.push({ n, r, i });
  });
  found.sort((a, b) => a.r - b.r || a.i - b.i);
  return found.slice(0, Math.max(0, limit)).map(({ n }) => ({ id: n.id, label: nodeLabel(n) }));
}
