// Where each edge's shape label goes, after any layout (chain, quick, ELK).
//
// A label is a small rounded rect in the canvas colour with the shape in it,
// set beside its edge: right or left of a vertical segment, above or below a
// horizontal one, never on a line (a line through "(2, 8, 32)" reads as
// "(2,-8,-32)"). Candidates slide along the edge's segments, from the middle
// of each segment outwards and from the source on; the first one whose rect
// (plus a little clearance) meets no box, no group frame or title bar, no
// arrowhead, no edge segment (its own included) and no label placed before
// it wins. Obstacles sit in a uniform grid, so a check costs what lies near
// the candidate and the whole pass stays near-linear in the graph's size.
// An edge with no free spot nearby gets no label (`labelHidden`): its shape
// is in its path's tooltip and in the details panel of either end.

import { CellGrid } from "../cell-grid";
import { rectsMeet, union, type Point, type Rect } from "../geometry";
import { GROUP_TITLE_H } from "./boxes";
import { CLEAR, LABEL_GAP, LABEL_H, labelBoxWidth } from "./label-size";
import type { Layout, PlacedEdge, PlacedNode } from "./placed";

/** How far back from its tip an arrowhead reaches, and half its width (marker 7 x stroke 1.3: 8.2 and 3.6 px, rounded up). */
const ARROW_LEN = 9;
const ARROW_HALF = 3.8;
/** Offsets of the cards stacked behind a folded run's box (node-draw.ts STACK). */
const FOLD_STACK = 6;
const CELL = 48;
/** Positions tried per segment: 2 px apart on short segments (a label must fit a 22 px gap between frames). */
const MAX_STEPS = 40;
const MAX_SEGMENTS = 8;

type Obstacle = { rect: Rect } | { a: Point; b: Point };

/** Segments and rects in a uniform grid of CELL-sized cells. */
class ObstacleGrid {
  private readonly cells = new CellGrid<Obstacle>(CELL);

  addRect(rect: Rect): void {
    this.cells.add({ rect }, rect);
  }

  addSegment(a: Point, b: Point): void {
    if (a.x === b.x || a.y === b.y) {
      this.cells.add({ a, b }, boundsOf(a, b));
      return;
    }
    // A slanted segment (rare: ELK is orthogonal) goes in by pieces, so it does not fill its whole bounding box's cells.
    const n = Math.max(1, Math.ceil(Math.max(Math.abs(b.x - a.x), Math.abs(b.y - a.y)) / CELL));
    for (let i = 0; i < n; i++) {
      const p = lerp(a, b, i / n);
      const q = lerp(a, b, (i + 1) / n);
      this.cells.add({ a, b }, boundsOf(p, q));
    }
  }

  /** Whether anything meets `r`. */
  hits(r: Rect): boolean {
    return this.cells.some(r, (o) => ("rect" in o ? rectsMeet(o.rect, r) : segmentMeetsRect(o.a, o.b, r)));
  }
}

function lerp(a: Point, b: Point, t: number): Point {
  return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
}

function boundsOf(a: Point, b: Point): Rect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.abs(b.x - a.x), height: Math.abs(b.y - a.y) };
}

/** Whether segment a-b meets rect r (Liang–Barsky clipping; touching counts). */
export function segmentMeetsRect(a: Point, b: Point, r: Rect): boolean {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  let t0 = 0;
  let t1 = 1;
  const clip = (p: number, q: number): boolean => {
    if (p === 0) return q >= 0;
    const t = q / p;
    if (p < 0) {
      if (t > t1) return false;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return false;
      if (t < t1) t1 = t;
    }
    return true;
  };
  return clip(-dx, a.x - r.x) && clip(dx, r.x + r.width - a.x) && clip(-dy, a.y - r.y) && clip(dy, r.y + r.height - a.y);
}

function inflate(r: Rect, by: number): Rect {
  return { x: r.x - by, y: r.y - by, width: r.width + 2 * by, height: r.height + 2 * by };
}

/** What a label must keep clear of, besides edges: boxes, group frames, extra marks (run handles). */
export function nodeObstacles(nodes: PlacedNode[]): { rects: Rect[]; segments: Array<[Point, Point]> } {
  const rects: Rect[] = [];
  const segments: Array<[Point, Point]> = [];
  for (const n of nodes) {
    if (n.box.kind === "group") {
      // A label may sit inside a group's frame or outside it, never across its border or on its title bar.
      const { x, y, width: w, height: h } = n;
      rects.push({ x, y, width: w, height: GROUP_TITLE_H });
      segments.push([{ x, y }, { x: x + w, y }], [{ x: x + w, y }, { x: x + w, y: y + h }], [{ x, y: y + h }, { x: x + w, y: y + h }], [{ x, y }, { x, y: y + h }]);
    } else {
      const extra = n.box.kind === "fold" ? FOLD_STACK : 0;
      rects.push({ x: n.x, y: n.y, width: n.width + extra, height: n.height + extra });
    }
  }
  return { rects, segments };
}

/** The region an arrowhead covers at the end of a polyline. */
function arrowRect(points: Point[]): Rect | null {
  const tip = points[points.length - 1]!;
  const prev = points[points.length - 2]!;
  const len = Math.hypot(tip.x - prev.x, tip.y - prev.y);
  if (len === 0) return null;
  const ux = (tip.x - prev.x) / len;
  const uy = (tip.y - prev.y) / len;
  const back = { x: tip.x - ux * ARROW_LEN, y: tip.y - uy * ARROW_LEN };
  const nx = -uy * ARROW_HALF;
  const ny = ux * ARROW_HALF;
  const xs = [tip.x + nx, tip.x - nx, back.x + nx, back.x - nx];
  const ys = [tip.y + ny, tip.y - ny, back.y + ny, back.y - ny];
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

/** Offsets from a segment's middle outwards (0, +s, -s, +2s, ...), covering the segment. */
function slides(len: number): number[] {
  const step = Math.max(2, len / MAX_STEPS);
  const out = [0];
  for (let k = 1; k * step <= len / 2 + 0.01; k++) out.push(k * step, -k * step);
  return out;
}

/** Candidate label rects beside one segment, best first. */
function* beside(a: Point, b: Point, w: number, h: number): Generator<Rect> {
  const mx = (a.x + b.x) / 2;
  const my = (a.y + b.y) / 2;
  if (Math.abs(a.x - b.x) <= Math.abs(a.y - b.y)) {
    // Vertical (or steep): right of it, then left; the label's middle stays level with the segment.
    const len = Math.abs(b.y - a.y);
    for (const d of slides(len)) {
      const cy = my + d;
      const cx = a.x + ((b.x - a.x) * (cy - a.y)) / (b.y - a.y || 1);
      yield { x: cx + LABEL_GAP, y: cy - h / 2, width: w, height: h };
      yield { x: cx - LABEL_GAP - w, y: cy - h / 2, width: w, height: h };
    }
  } else {
    // Horizontal (or shallow): above it, then below.
    const len = Math.abs(b.x - a.x);
    for (const d of slides(len)) {
      const cx = mx + d;
      const cy = a.y + ((b.y - a.y) * (cx - a.x)) / (b.x - a.x || 1);
      yield { x: cx - w / 2, y: cy - LABEL_GAP - h, width: w, height: h };
      yield { x: cx - w / 2, y: cy + LABEL_GAP, width: w, height: h };
    }
  }
}

export interface PlaceResult {
  placed: number;
  dropped: number;
}

/**
 * Sets `labelAt` (the background rect) of one edge per label group and
 * `labelHidden` on every edge of a group that found no free spot. All edges
 * leaving one node with the same shape (a fan-out, a skip connection) share
 * one label, tried beside each of them in turn.
 */
export function placeEdgeLabels(nodes: PlacedNode[], edges: PlacedEdge[], extra: Rect[] = []): PlaceResult {
  const grid = new ObstacleGrid();
  const obs = nodeObstacles(nodes);
  for (const r of obs.rects) grid.addRect(r);
  for (const r of extra) grid.addRect(r);
  for (const [a, b] of obs.segments) grid.addSegment(a, b);
  const groups = new Map<string, PlacedEdge[]>();
  for (const e of edges) {
    e.labelAt = null;
    e.labelHidden = false;
    const pts = e.points;
    if (pts.length < 2) continue;
    for (let i = 1; i < pts.length; i++) grid.addSegment(pts[i - 1]!, pts[i]!);
    const arrow = arrowRect(pts);
    if (arrow) grid.addRect(arrow);
    if (!e.label) continue;
    const key = `${e.src}\u0000${e.label}`;
    const list = groups.get(key);
    if (list) list.push(e);
    else groups.set(key, [e]);
  }
  const result: PlaceResult = { placed: 0, dropped: 0 };
  // Short edges first: they have few spots, a long edge has many (greedy, as map labelling does).
  const order = [...groups.values()].map((list) => ({ list, len: Math.min(...list.map((e) => pathLength(e.points))) }));
  order.sort((p, q) => p.len - q.len);
  for (const { list } of order) {
    const w = labelBoxWidth(list[0]!.labelWidth);
    let found: { edge: PlacedEdge; rect: Rect } | null = null;
    for (const e of list) {
      // The hint's corner with the label's full size (ELK may have been given a flatter label).
      const h = e.labelHint;
      const r = h ? round({ x: h.x, y: h.y, width: w, height: LABEL_H }) : null;
      if (!found && r && r.x >= 0 && r.y >= 0 && !grid.hits(inflate(r, CLEAR))) found = { edge: e, rect: r };
    }
    search: for (const e of found ? [] : list) {
      const pts = e.points;
      for (let i = 1; i < pts.length && i <= MAX_SEGMENTS; i++) {
        for (const r of beside(pts[i - 1]!, pts[i]!, w, LABEL_H)) {
          if (r.x < 0 || r.y < 0) continue;
          if (!grid.hits(inflate(r, CLEAR))) {
            found = { edge: e, rect: round(r) };
            break search;
          }
        }
      }
    }
    if (found) {
      found.edge.labelAt = found.rect;
      grid.addRect(found.rect);
      result.placed++;
    } else {
      for (const e of list) e.labelHidden = true;
      result.dropped++;
    }
  }
  return result;
}

function pathLength(pts: Point[]): number {
  let sum = 0;
  for (let i = 1; i < pts.length; i++) sum += Math.abs(pts[i]!.x - pts[i - 1]!.x) + Math.abs(pts[i]!.y - pts[i - 1]!.y);
  return sum;
}

/** Half-pixel positions: crisp text, and still clear (CLEAR exceeds the rounding). */
function round(r: Rect): Rect {
  return { x: Math.round(r.x * 2) / 2, y: Math.round(r.y * 2) / 2, width: r.width, height: r.height };
}

/** The right and bottom edges of everything placed, to grow a layout's extent over its labels. */
export function labelExtent(edges: PlacedEdge[]): { right: number; bottom: number } {
  let right = 0;
  let bottom = 0;
  for (const e of edges) {
    if (!e.labelAt) continue;
    right = Math.max(right, e.labelAt.x + e.labelAt.width);
    bottom = Math.max(bottom, e.labelAt.y + e.labelAt.height);
  }
  return { right, bottom };
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
    const run = union(members.flatMap((m) => byId.get(m) ?? []));
    if (run) extra.push({ x: run.x + run.width + 6, y: run.y, width: 22, height: run.height });
  }
  placeEdgeLabels(layout.nodes, layout.edges, extra);
  const ext = labelExtent(layout.edges);
  layout.width = Math.max(layout.width, ext.right + margin);
  layout.height = Math.max(layout.height, ext.bottom + margin);
  return layout;
}
