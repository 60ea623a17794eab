// Runs ELK (inline: `elk.bundled.js`, no worker) and flattens its answer into
// absolute boxes and polylines the view can draw without knowing ELK.

import type { ELK, ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api";
import type { Structure } from "../structure";
import type { Box } from "./boxes";
import { chainOrder, placeChain, type Chain } from "./chain";
import { buildElkGraph, EDGE_LABEL_H, type ElkInput, type VisEdge } from "./elkgraph";
import type { Measurer } from "./measure";
import { ELK_GZIP_BASE64 } from "./elk-source.generated";
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
}

let elk: Promise<ELK> | null = null;

/** ELK, evaluated on first use only (see js/scripts/embed-elk.mjs for why it travels as text). */
function engine(): Promise<ELK> {
  elk ??= elkCode()
    .then(importCommonJs)
    .then((Ctor) => new Ctor());
  return elk;
}

async function elkCode(): Promise<string> {
  const bytes = Uint8Array.from(atob(ELK_GZIP_BASE64), (c) => c.charCodeAt(0));
  const unzipped = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(unzipped).text();
}

type ElkConstructor = new () => ELK;

/** Runs ELK's CommonJS build as a module: from a Blob URL in a page (the offline page's
 * policy allows blob: scripts only), from a data: URL where there is no page (tests). */
async function importCommonJs(code: string): Promise<ElkConstructor> {
  const wrapped = `var module = { exports: {} }; var exports = module.exports;\n${code}\nexport default module.exports;`;
  const inPage = typeof document !== "undefined" && typeof URL.createObjectURL === "function";
  const url = inPage
    ? URL.createObjectURL(new Blob([wrapped], { type: "text/javascript" }))
    : `data:text/javascript,${encodeURIComponent(wrapped)}`;
  try {
    const mod = (await import(/* @vite-ignore */ url)) as { default: ElkConstructor };
    return mod.default;
  } finally {
    if (inPage) URL.revokeObjectURL(url);
  }
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

function fromChain(input: ElkInput, chain: Chain): Layout {
  const p = placeChain(input, chain);
  const nodes: PlacedNode[] = [];
  for (const id of input.vis.visible) {
    const at = p.boxes.get(id);
    const box = input.boxes.get(id);
    if (at && box) nodes.push({ id, box, ...at });
  }
  const edges: PlacedEdge[] = input.edges.map((ve) => {
    const points = p.edges.get(ve.id) ?? [];
    const mid = p.labelMid.get(ve.id);
    const labelAt = mid && ve.labelWidth > 0 ? { x: mid.x + 5, y: mid.y - EDGE_LABEL_H / 2, width: ve.labelWidth, height: EDGE_LABEL_H } : null;
    return { ...ve, points, labelAt };
  });
  return { nodes, edges, edgeOf: input.edgeOf, vis: input.vis, width: p.width, height: p.height };
}

export async function layoutGraph(s: Structure, collapsed: ReadonlySet<string>, m: Measurer): Promise<Layout> {
  const input = buildElkGraph(s, collapsed, m);
  const chain = chainOrder(input);
  if (chain) return fromChain(input, chain);
  const out = await (await engine()).layout(input.graph);
  const nodes: PlacedNode[] = [];
  const walk = (n: ElkNode): void => {
    for (const c of n.children ?? []) {
      const box = input.boxes.get(c.id);
      if (box) nodes.push({ id: c.id, box, x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? box.width, height: c.height ?? box.height });
      walk(c);
    }
  };
  walk(out);
  const placed = new Map<string, ElkExtendedEdge>();
  const collect = (n: ElkNode): void => {
    for (const e of n.edges ?? []) placed.set(e.id, e);
    for (const c of n.children ?? []) collect(c);
  };
  collect(out);
  const edges: PlacedEdge[] = input.edges.map((ve) => {
    const e = placed.get(ve.id);
    const points: Point[] = [];
    for (const sec of e?.sections ?? []) {
      points.push(sec.startPoint, ...(sec.bendPoints ?? []), sec.endPoint);
    }
    return { ...ve, points, labelAt: null };
  });
  placeLabels(edges);
  return { nodes, edges, edgeOf: input.edgeOf, vis: input.vis, width: out.width ?? 0, height: out.height ?? 0 };
}
