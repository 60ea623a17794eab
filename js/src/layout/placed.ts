// What every layout produces (the chain, the quick layered one and ELK's):
// absolute boxes and polylines the view draws without knowing who placed them.

import type { Point, Rect } from "../geometry";
import type { Box } from "./boxes";
import type { VisEdge } from "./elkgraph";
import type { Visibility } from "./visible";

export interface PlacedNode extends Rect {
  id: string;
  box: Box;
}

export interface PlacedEdge extends VisEdge {
  points: Point[];
  /** The label's background rect (its text sits inside), on one edge per source and shape. */
  labelAt: Rect | null;
  /** True when no free spot was found beside the edge: its shape shows on hover and in the details panel instead. */
  labelHidden?: boolean;
  /** Where the layout engine suggests the label goes (ELK's label dummy), tried before any other spot. */
  labelHint?: Rect | null;
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
