// Trace + collapsed set -> the ELK graph to lay out (pure; no ELK call here).
// Expanded containers become ELK compound nodes; collapsed ones become plain
// boxes that stand in for everything inside, and so do folded runs of repeated
// blocks; edges into hidden nodes are redirected to their stand-in and
// merged, and edges inside one stand-in vanish.

import type { ElkExtendedEdge, ElkNode, LayoutOptions } from "elkjs/lib/elk-api";
import type { Shape, TraceEdge } from "../model";
import { shapeText } from "../format";
import type { Structure } from "../structure";
import { makeBox, GROUP_TITLE_H, PAD_X, type Box } from "./boxes";
import type { Measurer } from "./measure";
import { visibility, type Visibility } from "./visible";
import { LABEL_GAP, labelBoxWidth } from "./label-size";

export const ROOT_OPTIONS: LayoutOptions = {
  "elk.algorithm": "layered",
  "elk.direction": "DOWN",
  "elk.hierarchyHandling": "INCLUDE_CHILDREN",
  "elk.json.shapeCoords": "ROOT",
  "elk.json.edgeCoords": "ROOT",
  "elk.edgeRouting": "ORTHOGONAL",
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
  "elk.layered.nodePlacement.bk.fixedAlignment": "BALANCED",
  "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
  // Shape labels get room from ELK (a label dummy beside each labelled edge,
  // at least LABEL_GAP from it); labels.ts then checks and places them.
  "elk.spacing.edgeLabel": String(LABEL_GAP),
  "elk.layered.spacing.nodeNodeBetweenLayers": "30",
  "elk.layered.thoroughness": "4",
  "elk.layered.spacing.edgeNodeBetweenLayers": "10",
  "elk.spacing.nodeNode": "22",
  "elk.spacing.edgeNode": "14",
  "elk.spacing.edgeEdge": "10",
  "elk.padding": "[top=12,left=12,bottom=12,right=12]",
};

// A tail label widens its source's margins, so group frames make room for it
// beside the edge. A CENTER label costs a dummy layer per edge: +35% height
// and 3x ELK's run time for the same result.
const LABEL_OPTIONS: LayoutOptions = {
  "elk.edgeLabels.inline": "false",
  "elk.edgeLabels.placement": "TAIL",
};

export function groupOptions(box: Box): LayoutOptions {
  return {
    "elk.padding": `[top=${GROUP_TITLE_H + 8},left=${PAD_X},bottom=${PAD_X},right=${PAD_X}]`,
    "elk.nodeSize.constraints": "MINIMUM_SIZE",
    "elk.nodeSize.minimum": `(${box.width}, ${GROUP_TITLE_H + 20})`,
  };
}

/** A drawn edge: one or more trace edges between the same two drawn nodes. */
export interface VisEdge {
  id: string;
  src: string;
  dst: string;
  /** Indices into `trace.edges` this drawn edge stands for. */
  traceEdges: number[];
  label: string;
  labelWidth: number;
}

export interface ElkInput {
  graph: ElkNode;
  boxes: Map<string, Box>;
  edges: VisEdge[];
  /** trace edge index -> drawn edge id (absent when the edge is inside a collapsed box). */
  edgeOf: Map<number, string>;
  vis: Visibility;
}

/** The tensor shape that travels along an edge, as far as the trace records it. */
export function edgeShape(s: Structure, e: TraceEdge): Shape | null {
  const src = s.byId.get(e.src);
  const dst = s.byId.get(e.dst);
  if (!src) return null;
  const outs = src.output_shapes;
  if (outs.length === 1) return outs[0]!;
  if (outs.length > 1 && dst) {
    const ins = new Set(dst.input_shapes.map((x) => JSON.stringify(x)));
    const hit = outs.filter((o) => ins.has(JSON.stringify(o)));
    if (hit.length >= 1) return hit[0]!;
    return outs[0]!;
  }
  return null;
}

export function buildElkGraph(s: Structure, collapsed: ReadonlySet<string>, m: Measurer, folded?: ReadonlySet<string>): ElkInput {
  const vis = visibility(s, collapsed, folded);
  const boxes = new Map<string, Box>();
  const elkNodes = new Map<string, ElkNode>();
  const root: ElkNode = { id: "__root", layoutOptions: ROOT_OPTIONS, children: [], edges: [] };
  for (const id of vis.visible) {
    const n = s.byId.get(id)!;
    const box = makeBox(s, n, collapsed, m, vis.folds.get(id));
    boxes.set(id, box);
    const node: ElkNode =
      box.kind === "group"
        ? { id, layoutOptions: groupOptions(box), children: [] }
        : { id, width: box.width, height: box.height };
    elkNodes.set(id, node);
    const pid = s.parentOf.get(id) ?? null;
    const parent = pid === null ? root : elkNodes.get(pid) ?? root;
    parent.children!.push(node);
  }

  const edges: VisEdge[] = [];
  const byPair = new Map<string, VisEdge>();
  const edgeOf = new Map<number, string>();
  s.trace.edges.forEach((e, i) => {
    const a = vis.standIn.get(e.src);
    const b = vis.standIn.get(e.dst);
    if (a === undefined || b === undefined || a === b) return;
    // An edge into an expanded group has no box to land on; skip it (the trace draws leaf edges).
    if (boxes.get(a)?.kind === "group" || boxes.get(b)?.kind === "group") return;
    const key = `${a}\u0000${b}`;
    let ve = byPair.get(key);
    if (!ve) {
      const shape = edgeShape(s, e);
      const label = shape ? shapeText(shape) : "";
      ve = { id: `e${i}`, src: a, dst: b, traceEdges: [], label, labelWidth: label ? m.width(label, "small") : 0 };
      byPair.set(key, ve);
      edges.push(ve);
    }
    ve.traceEdges.push(i);
    edgeOf.set(i, ve.id);
  });

  // One label per source and shape (edges sharing one show it once, labels.ts), sized
  // before layout as ipyelk does, so ELK leaves room for it beside its edge.
  const labelled = new Set<string>();
  for (const ve of edges) {
    const ee: ElkExtendedEdge = { id: ve.id, sources: [ve.src], targets: [ve.dst] };
    const key = `${ve.src}\u0000${ve.label}`;
    if (ve.label && !labelled.has(key)) {
      labelled.add(key);
      // Full width, so narrow groups widen to fit it; 1 px tall, so layers hardly grow (labels.ts finds
      // the label's vertical room along the edge; a full-height label made the graphs ~20% taller).
      ee.labels = [{ id: `${ve.id}:label`, text: ve.label, width: labelBoxWidth(ve.labelWidth), height: 1, layoutOptions: LABEL_OPTIONS }];
    }
    root.edges!.push(ee);
  }
  return { graph: root, boxes, edges, edgeOf, vis };
}
