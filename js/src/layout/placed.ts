// What every layout produces (the chain, the quick layered one and ELK's):
// absolute boxes and polylines the view draws without knowing who placed them.

import type { Box } from "./boxes";
import type { VisEdge } from "./elkgraph";
import { labelExtent, placeEdgeLabels, type Rect } from "./labels";
import type { Visibility } from "./visible";

export interface Point {
  x: number;
  y: number;
}

export interface PlacedNode {
  id: string;
  box: Box;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge extends VisEdge {
  points: Point[];
  /** The label's background rect (its text sits inside), on one edge per source and shape. */
  labelAt: { x: number; y: number; width: number; height: number } | null;
  /** True when no free spot was found beside the edge: its shape shows on hover and in the details panel instead. */
  labelHidden?: boolean;
  /** Where the layout engine suggests the label goes (ELK's label dummy), tried before any other spot. */
  labelHint?: { x: number; y: number; width: number; height: number } | null;
}

export interface Layout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  edgeOf: Map<number, string>;
  vis: Visibility;
  width: number;
  height: number;
  /** False for a quick layout that ELK is about to replace (plan.ts). */
  final?: boolean;
}

/**
 * Places the shape labels of a finished layout beside their edges (labels.ts)
 * and grows its extent over them. Every layout ends with this, so the quick
 * and the final layout obey the same rule: no label on a line or a box.
 */
export function finishLabels(layout: Layout, margin = 12): Layout {
  const extra: Rect[] = [];
  // An opened run's handle (a bracket right of its members, graph.ts) is a mark labels keep off too.
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  for (const members of layout.vis.opened.values()) {
    let x = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    for (const m of members) {
      const p = byId.get(m);
      if (!p) continue;
      x = Math.max(x, p.x + p.width);
      y0 = Math.min(y0, p.y);
      y1 = Math.max(y1, p.y + p.height);
    }
    if (x > -Infinity) extra.push({ x: x + 6, y: y0, width: 22, height: y1 - y0 });
  }
  placeEdgeLabels(layout.nodes, layout.edges, extra);
  const ext = labelExtent(layout.edges);
  layout.width = Math.max(layout.width, ext.right + margin);
  layout.height = Math.max(layout.height, ext.bottom + margin);
  return layout;
}
