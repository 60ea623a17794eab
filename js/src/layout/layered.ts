// The quick layered layout: what a branching graph shows at first paint,
// in a few milliseconds even for thousands of boxes, while ELK (seconds, and
// ~0.5 s just to load) refines it in the background.
//
// Each group is laid out on its own, innermost first, as a small layered
// graph of its direct children (boxes, or inner groups as blocks): an edge
// between two leaves counts between the two children of their lowest common
// group that contain them. Layers come from the longest path, pulled down
// next to their consumers; within a layer, units sit under the mean x of
// their predecessors. An edge that would cross boxes goes round them in a
// lane on the right of its group. No crossing minimisation: that is ELK's job.

import type { ElkNode } from "elkjs/lib/elk-api";
import { GROUP_TITLE_H, PAD_X } from "./boxes";
import type { ElkInput } from "./elkgraph";
import type { Point } from "../geometry";
import { finishLabels } from "./labels";
import type { Layout, PlacedEdge, PlacedNode } from "./placed";

export const LAYER_GAP = 30;
const NODE_GAP = 22;
const MARGIN = 12;
const LANE_GAP = 8;
const MAX_LANES = 6;
const ROOT = "__root";

interface Unit {
  id: string;
  w: number;
  h: number;
  /** Position relative to the enclosing group's corner. */
  x: number;
  y: number;
}

interface Group {
  units: Unit[];
  w: number;
  h: number;
  /** Relative x where this group's lanes start (right of its content). */
  laneX: number;
  lanes: number;
}

export function layeredLayout(input: ElkInput): Layout {
  const parent = new Map<string, string>();
  const depth = new Map<string, number>([[ROOT, 0]]);
  const groupNodes = new Map<string, ElkNode>([[ROOT, input.graph]]);
  const stack: ElkNode[] = [input.graph];
  while (stack.length) {
    const g = stack.pop()!;
    for (const c of g.children ?? []) {
      parent.set(c.id, g.id);
      depth.set(c.id, depth.get(g.id)! + 1);
      if (input.boxes.get(c.id)?.kind === "group") {
        groupNodes.set(c.id, c);
        stack.push(c);
      }
    }
  }

  // Each edge, lifted to the two children of its lowest common group.
  const lifted = new Map<string, Array<[string, string]>>();
  const liftedOf = new Map<string, [string, string, string]>();
  for (const e of input.edges) {
    let a = e.src;
    let b = e.dst;
    if (!parent.has(a) || !parent.has(b)) continue;
    while (depth.get(a)! > depth.get(b)!) a = parent.get(a)!;
    while (depth.get(b)! > depth.get(a)!) b = parent.get(b)!;
    while (parent.get(a) !== parent.get(b)) {
      a = parent.get(a)!;
      b = parent.get(b)!;
    }
    if (a === b) continue;
    const g = parent.get(a)!;
    liftedOf.set(e.id, [g, a, b]);
    const list = lifted.get(g);
    if (list) list.push([a, b]);
    else lifted.set(g, [[a, b]]);
  }

  const groups = new Map<string, Group>();
  const layerOf = new Map<string, number>();
  // Innermost groups first: deeper groups have a larger depth.
  const order = [...groupNodes.keys()].sort((x, y) => depth.get(y)! - depth.get(x)!);
  for (const gid of order) {
    const units: Unit[] = (groupNodes.get(gid)!.children ?? []).map((c) => {
      const inner = groups.get(c.id);
      const box = input.boxes.get(c.id)!;
      return { id: c.id, w: inner ? inner.w : box.width, h: inner ? inner.h : box.height, x: 0, y: 0 };
    });
    const pairs = lifted.get(gid) ?? [];
    const layers = assignLayers(units, pairs, layerOf);
    const size = placeLayers(units, layers, pairs);
    const long = pairs.filter(([a, b]) => layerOf.get(b)! - layerOf.get(a)! !== 1).length;
    const lanes = Math.min(long, MAX_LANES);
    const laneRoom = lanes ? LANE_GAP * (lanes + 1) : 0;
    const title = gid === ROOT ? 0 : input.boxes.get(gid)!.width;
    const pad = gid === ROOT ? MARGIN : PAD_X;
    const top = gid === ROOT ? MARGIN : GROUP_TITLE_H + 8;
    const inner = Math.max(size.w + laneRoom, title - 2 * pad);
    const dx = pad + (inner - laneRoom - size.w) / 2;
    for (const u of units) {
      u.x += dx;
      u.y += top;
    }
    const w = inner + 2 * pad;
    const h = top + size.h + pad;
    groups.set(gid, { units, w, h, laneX: dx + size.w + LANE_GAP, lanes });
  }

  // Absolute positions, outermost first.
  const at = new Map<string, { x: number; y: number; w: number; h: number }>();
  at.set(ROOT, { x: 0, y: 0, w: groups.get(ROOT)!.w, h: groups.get(ROOT)!.h });
  for (const gid of [...order].reverse()) {
    const g = at.get(gid)!;
    for (const u of groups.get(gid)!.units) at.set(u.id, { x: g.x + u.x, y: g.y + u.y, w: u.w, h: u.h });
  }

  const nodes: PlacedNode[] = [];
  for (const id of input.vis.visible) {
    const p = at.get(id);
    const box = input.boxes.get(id);
    if (p && box) nodes.push({ id, box, x: p.x, y: p.y, width: p.w, height: p.h });
  }
  const router = new Router(nodes.filter((n) => n.box.kind !== "group"));
  const laneUse = new Map<string, number>();
  const edges: PlacedEdge[] = input.edges.map((ve) => {
    const a = at.get(ve.src);
    const b = at.get(ve.dst);
    if (!a || !b) return { ...ve, points: [], labelAt: null };
    const sx = a.x + a.w / 2;
    const sy = a.y + a.h;
    const tx = b.x + b.w / 2;
    const ty = b.y;
    const my = ty - Math.min(12, (ty - sy) / 2);
    let points: Point[];
    if (ty - sy >= 4 && !router.blocked(sx, sy, my, ve.src, ve.dst)) {
      points = Math.abs(sx - tx) < 1 ? [{ x: sx, y: sy }, { x: sx, y: ty }] : [{ x: sx, y: sy }, { x: sx, y: my }, { x: tx, y: my }, { x: tx, y: ty }];
    } else {
      const gid = liftedOf.get(ve.id)?.[0] ?? ROOT;
      const g = groups.get(gid)!;
      const k = laneUse.get(gid) ?? 0;
      laneUse.set(gid, k + 1);
      const lx = at.get(gid)!.x + g.laneX + LANE_GAP * (k % Math.max(1, g.lanes));
      const lane = Math.max(lx, Math.max(a.x + a.w, b.x + b.w) + LANE_GAP);
      points = [{ x: sx, y: sy }, { x: sx, y: sy + 8 }, { x: lane, y: sy + 8 }, { x: lane, y: ty - 8 }, { x: tx, y: ty - 8 }, { x: tx, y: ty }];
    }
    return { ...ve, points, labelAt: null };
  });
  let width = groups.get(ROOT)!.w;
  for (const e of edges) for (const p of e.points) width = Math.max(width, p.x + MARGIN);
  return finishLabels({ nodes, edges, edgeOf: input.edgeOf, vis: input.vis, width, height: groups.get(ROOT)!.h }, MARGIN);
}

/**
 * Longest-path layers over the lifted edges (edges that close a cycle are
 * ignored), then every unit with successors moves down to just above the
 * first of them, so a side branch sits next to where it is consumed.
 */
function assignLayers(units: Unit[], pairs: Array<[string, string]>, layerOf: Map<string, number>): Unit[][] {
  const index = new Map(units.map((u, i) => [u.id, i]));
  const succ: number[][] = units.map(() => []);
  const indeg = units.map(() => 0);
  for (const [a, b] of pairs) {
    const i = index.get(a);
    const j = index.get(b);
    if (i === undefined || j === undefined) continue;
    succ[i]!.push(j);
    indeg[j]! += 1;
  }
  const layer = units.map(() => 0);
  const done = units.map(() => false);
  const topo: number[] = [];
  const heap = new MinHeap();
  indeg.forEach((d, i) => d === 0 && heap.push(i));
  let scan = 0;
  while (topo.length < units.length) {
    let i = heap.pop();
    if (i === undefined) {
      // A cycle (a module called in a loop): release the earliest unit left.
      while (done[scan]) scan++;
      i = scan;
    }
    if (done[i]) continue;
    done[i] = true;
    topo.push(i);
    for (const j of succ[i]!) {
      if (done[j]) continue;
      layer[j] = Math.max(layer[j]!, layer[i]! + 1);
      indeg[j]! -= 1;
      if (indeg[j] === 0) heap.push(j);
    }
  }
  for (let t = topo.length - 1; t >= 0; t--) {
    const i = topo[t]!;
    let below = Infinity;
    for (const j of succ[i]!) if (layer[j]! > layer[i]!) below = Math.min(below, layer[j]! - 1);
    if (below !== Infinity && below > layer[i]!) layer[i] = below;
  }
  const layers: Unit[][] = [];
  units.forEach((u, i) => {
    layerOf.set(u.id, layer[i]!);
    (layers[layer[i]!] ??= []).push(u);
  });
  return layers.filter((l) => l !== undefined);
}

/** Stacks the layers; each unit sits under the mean centre of its predecessors (units without any: the layer's mean). */
function placeLayers(units: Unit[], layers: Unit[][], pairs: Array<[string, string]>): { w: number; h: number } {
  const preds = new Map<string, Unit[]>();
  const byId = new Map(units.map((u) => [u.id, u]));
  for (const [a, b] of pairs) {
    const ua = byId.get(a);
    if (!ua) continue;
    const list = preds.get(b);
    if (list) list.push(ua);
    else preds.set(b, [ua]);
  }
  const placed = new Set<string>();
  const want = (u: Unit): number | null => {
    const ps = (preds.get(u.id) ?? []).filter((p) => placed.has(p.id));
    return ps.length ? ps.reduce((s, p) => s + p.x + p.w / 2, 0) / ps.length : null;
  };
  let y = 0;
  for (const layer of layers) {
    const wants = layer.map(want);
    const known = wants.filter((x): x is number => x !== null);
    const centre = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 0;
    const keyed = layer.map((u, i) => ({ u, k: wants[i] ?? centre, i }));
    keyed.sort((p, q) => p.k - q.k || p.i - q.i);
    // Each unit under its predecessors where there is room; where there is not, the mean of
    // pushing the crowd right and pushing it left (both keep order and gaps, so does their mean).
    const pushRight: number[] = [];
    let edge = -Infinity;
    for (const { u, k } of keyed) {
      edge = Math.max(k - u.w / 2, edge + NODE_GAP);
      pushRight.push(edge);
      edge += u.w;
    }
    edge = Infinity;
    let h = 0;
    for (let i = keyed.length - 1; i >= 0; i--) {
      const { u, k } = keyed[i]!;
      const left = Math.min(k - u.w / 2, edge - NODE_GAP - u.w);
      edge = left;
      u.x = (left + pushRight[i]!) / 2;
      u.y = y;
      h = Math.max(h, u.h);
      placed.add(u.id);
    }
    y += h + LAYER_GAP;
  }
  let x0 = Infinity;
  let x1 = -Infinity;
  for (const u of units) {
    x0 = Math.min(x0, u.x);
    x1 = Math.max(x1, u.x + u.w);
  }
  if (!units.length) return { w: 0, h: 0 };
  for (const u of units) u.x -= x0;
  return { w: x1 - x0, h: Math.max(0, y - LAYER_GAP) };
}

/** Answers "does a vertical segment at x between y0 and y1 cross a box?" from boxes sorted by top. */
class Router {
  private readonly tops: number[];
  private readonly maxH: number;
  constructor(private readonly boxes: PlacedNode[]) {
    boxes.sort((a, b) => a.y - b.y);
    this.tops = boxes.map((b) => b.y);
    this.maxH = boxes.reduce((m, b) => Math.max(m, b.height), 0);
  }

  blocked(x: number, y0: number, y1: number, src: string, dst: string): boolean {
    let lo = 0;
    let hi = this.tops.length;
    const from = y0 - this.maxH;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tops[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo, seen = 0; i < this.boxes.length && this.tops[i]! < y1; i++, seen++) {
      if (seen > 400) return true; // a very long edge: route it round whatever lies between
      const b = this.boxes[i]!;
      if (b.id === src || b.id === dst) continue;
      if (b.y + b.height > y0 + 1 && b.y < y1 - 1 && b.x < x && x < b.x + b.width) return true;
    }
    return false;
  }
}

class MinHeap {
  private readonly a: number[] = [];
  push(v: number): void {
    const a = this.a;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= v) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = v;
  }
  pop(): number | undefined {
    const a = this.a;
    if (!a.length) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const c = l + 1 < a.length && a[l + 1]! < a[l]! ? l + 1 : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
