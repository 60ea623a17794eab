// What every layout produces (the chain, the quick layered one and ELK's):
// absolute boxes and polylines the view draws without knowing who placed them.

import type { Box } from "./boxes";
import { EDGE_LABEL_H, type VisEdge } from "./elkgraph";
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
  labelAt: { x: number; y: number; width: number; height: number } | null;
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
 * Where a shape label sits: just below its source, right of where the edge
 * leaves it. All edges leaving one node with the same shape (a fan-out, a
 * skip connection) share one label, so labels never pile up on crossings.
 */
export function placeLabels(edges: PlacedEdge[]): void {
  const seen = new Set<string>();
  for (const e of edges) {
    e.labelAt = null;
    if (!e.label || e.points.length < 2) continue;
    const key = `${e.src}\u0000${e.label}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const p = e.points[0]!;
    e.labelAt = { x: p.x + 5, y: p.y + 3, width: e.labelWidth, height: EDGE_LABEL_H };
  }
}
