// A fast path for the most common model shapes: one chain of boxes, possibly
// inside nested groups (an MLP, a LeNet, a long Sequential, and a ResNet or a
// transformer with its blocks folded). ELK needs ~0.2 s for a 100-node chain
// plus its warm-up; stacking boxes is exact for a chain and costs nothing, so
// ELK is only loaded when a graph really branches.

import type { ElkNode } from "elkjs/lib/elk-api";
import type { ElkInput } from "./elkgraph";
import { GROUP_TITLE_H, PAD_X } from "./boxes";
import type { Point, Rect } from "../geometry";
import { finishLabels } from "./labels";
import type { Layout, PlacedEdge, PlacedNode } from "./placed";

export const CHAIN_GAP = 30;
/** Space between a box and a group frame boundary crossed by the edge. */
const FRAME_GAP = 22;
const MARGIN = 12;
const LABEL_ROOM = 64;

export interface ChainPlacement {
  boxes: Map<string, Rect>;
  edges: Map<string, Point[]>;
  width: number;
  height: number;
}

export interface Chain {
  order: string[];
  /** leaf id -> ids of the groups around it, outermost first. */
  groupsOf: Map<string, string[]>;
}

/** The drawn leaves in chain order with their enclosing groups, or null if the graph branches. */
export function chainOrder(input: ElkInput): Chain | null {
  const groupsOf = new Map<string, string[]>();
  const isGroup = (n: ElkNode): boolean => input.boxes.get(n.id)?.kind === "group";
  const walk = (n: ElkNode, path: string[]): void => {
    for (const c of n.children ?? []) {
      if (isGroup(c)) walk(c, [...path, c.id]);
      else groupsOf.set(c.id, path);
    }
  };
  walk(input.graph, []);
  const leaves = [...groupsOf.keys()];
  if (leaves.length === 0) return null;
  const next = new Map<string, string>();
  const indeg = new Map<string, number>();
  for (const e of input.edges) {
    if (next.has(e.src)) return null;
    next.set(e.src, e.dst);
    indeg.set(e.dst, (indeg.get(e.dst) ?? 0) + 1);
  }
  if ([...indeg.values()].some((d) => d > 1)) return null;
  const heads = leaves.filter((id) => !indeg.has(id));
  if (heads.length !== 1) return null;
  const order: string[] = [];
  const seen = new Set<string>();
  for (let cur: string | undefined = heads[0]; cur !== undefined && !seen.has(cur); cur = next.get(cur)) {
    seen.add(cur);
    order.push(cur);
  }
  if (order.length !== leaves.length) return null;
  // Every group's leaves must be contiguous in the chain, so frames nest cleanly.
  const closed = new Set<string>();
  let open: string[] = [];
  for (const id of order) {
    const gs = groupsOf.get(id)!;
    let common = 0;
    while (common < open.length && common < gs.length && open[common] === gs[common]) common++;
    for (const g of open.slice(common)) closed.add(g);
    for (const g of gs.slice(common)) if (closed.has(g)) return null;
    open = gs;
  }
  return { order, groupsOf };
}

export function placeChain(input: ElkInput, chain: Chain): ChainPlacement {
  const { order, groupsOf } = chain;
  const depthMax = Math.max(0, ...order.map((id) => groupsOf.get(id)!.length));
  let inner = 0;
  for (const id of order) inner = Math.max(inner, input.boxes.get(id)!.width + 2 * PAD_X * groupsOf.get(id)!.length);
  // A group's nesting level is its index in any of its leaves' group lists (one pass, not one per group).
  const groupLevel = new Map<string, number>();
  for (const gs of groupsOf.values()) gs.forEach((g, i) => groupLevel.set(g, i));
  for (const [id, box] of input.boxes) {
    if (box.kind !== "group") continue;
    inner = Math.max(inner, box.width + 2 * PAD_X * (groupLevel.get(id) ?? 0));
  }
  const total = inner + (depthMax > 0 ? LABEL_ROOM : LABEL_ROOM / 2);
  const cx = MARGIN + total / 2;
  const boxes = new Map<string, Rect>();
  const tops = new Map<string, number>();
  const levelOf = new Map<string, number>();

  let y = MARGIN;
  let open: string[] = [];
  order.forEach((id, i) => {
    const gs = groupsOf.get(id)!;
    let common = 0;
    while (common < open.length && common < gs.length && open[common] === gs[common]) common++;
    const closing = open.slice(common).reverse();
    const opening = gs.slice(common);
    if (i > 0) {
      for (const g of closing) {
        y += PAD_X;
        const lvl = levelOf.get(g)!;
        boxes.set(g, { x: MARGIN + lvl * PAD_X, y: tops.get(g)!, width: total - 2 * lvl * PAD_X, height: y - tops.get(g)! });
      }
      y += closing.length || opening.length ? FRAME_GAP : CHAIN_GAP;
    }
    opening.forEach((g, j) => {
      const lvl = common + j;
      levelOf.set(g, lvl);
      tops.set(g, y);
      y += GROUP_TITLE_H + 8;
    });
    open = gs;
    const b = input.boxes.get(id)!;
    boxes.set(id, { x: cx - b.width / 2, y, width: b.width, height: b.height });
    y += b.height;
  });
  for (const g of [...open].reverse()) {
    y += PAD_X;
    const lvl = levelOf.get(g)!;
    boxes.set(g, { x: MARGIN + lvl * PAD_X, y: tops.get(g)!, width: total - 2 * lvl * PAD_X, height: y - tops.get(g)! });
  }

  const edges = new Map<string, Point[]>();
  for (const e of input.edges) {
    const a = boxes.get(e.src)!;
    const b = boxes.get(e.dst)!;
    edges.set(e.id, [
      { x: cx, y: a.y + a.height },
      { x: cx, y: b.y },
    ]);
  }
  return { boxes, edges, width: total + 2 * MARGIN, height: y + MARGIN };
}

/** The chain placed as a Layout: exact, so it needs no refinement. */
export function chainLayout(input: ElkInput, chain: Chain): Layout {
  const p = placeChain(input, chain);
  const nodes: PlacedNode[] = [];
  for (const id of input.vis.visible) {
    const at = p.boxes.get(id);
    const box = input.boxes.get(id);
    if (at && box) nodes.push({ id, box, ...at });
  }
  const edges: PlacedEdge[] = input.edges.map((ve) => ({ ...ve, points: p.edges.get(ve.id) ?? [], labelAt: null }));
  // Labels go beside the edges, clear of frames and titles (labels.ts).
  return finishLabels({ nodes, edges, edgeOf: input.edgeOf, vis: input.vis, width: p.width, height: p.height }, MARGIN);
}
