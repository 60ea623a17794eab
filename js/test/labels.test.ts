import { describe, expect, it } from "vitest";
import { buildStructure } from "../src/structure";
import { planLayout } from "../src/layout/plan";
import { elkLayout } from "../src/layout/elk";
import { buildElkGraph } from "../src/layout/elkgraph";
import { estimateMeasurer } from "../src/layout/measure";
import { nodeObstacles, placeEdgeLabels, segmentMeetsRect } from "../src/layout/labels";
import { CLEAR, LABEL_H } from "../src/layout/label-size";
import type { Box } from "../src/layout/boxes";
import { rectsMeet, type Point, type Rect } from "../src/geometry";
import type { Layout, PlacedEdge, PlacedNode } from "../src/layout/placed";
import { fixture } from "./load";
import { uniformStack } from "./synthetic";

const none = new Set<string>();

function box(id: string, x: number, y: number, width = 80, height = 30, kind: Box["kind"] = "leaf"): PlacedNode {
  return { id, x, y, width, height, box: { id, kind, family: "linear", lines: [], width, height } };
}

function edge(id: string, src: string, dst: string, points: Point[], label = "(2, 8, 32)"): PlacedEdge {
  return { id, src, dst, traceEdges: [], label, labelWidth: label.length * 6.2, points, labelAt: null };
}

/** Every label rect against every segment (its own edge's too), every box and group frame, and every other label. */
function collisions(nodes: PlacedNode[], edges: PlacedEdge[]): string[] {
  const bad: string[] = [];
  const obs = nodeObstacles(nodes);
  const labels = edges.filter((e) => e.labelAt).map((e) => [e.id, e.labelAt!] as const);
  for (const [id, r] of labels) {
    for (const e of edges) {
      for (let i = 1; i < e.points.length; i++) {
        if (segmentMeetsRect(e.points[i - 1]!, e.points[i]!, r)) bad.push(`${id} label on edge ${e.id}${e.id === id ? " (its own)" : ""}`);
      }
    }
    for (const b of obs.rects) if (rectsMeet(b, r)) bad.push(`${id} label on a box at ${b.x},${b.y}`);
    for (const [a, b] of obs.segments) if (segmentMeetsRect(a, b, r)) bad.push(`${id} label across a group frame`);
    for (const [other, o] of labels) if (other !== id && rectsMeet(o, r)) bad.push(`${id} label on label ${other}`);
  }
  return bad;
}

/** Distance from a rect to a point set's nearest segment (to check a label sits beside its own edge). */
function distanceToEdge(r: Rect, pts: Point[]): number {
  let best = Infinity;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    for (let t = 0; t <= 1; t += 0.02) {
      const x = a.x + (b.x - a.x) * t;
      const y = a.y + (b.y - a.y) * t;
      const dx = Math.max(r.x - x, 0, x - (r.x + r.width));
      const dy = Math.max(r.y - y, 0, y - (r.y + r.height));
      best = Math.min(best, Math.hypot(dx, dy));
    }
  }
  return best;
}

describe("edge label placement", () => {
  it("puts a label beside a vertical edge, not on it", () => {
    const nodes = [box("a", 0, 0), box("b", 0, 60)];
    const e = edge("e", "a", "b", [{ x: 40, y: 30 }, { x: 40, y: 60 }]);
    placeEdgeLabels(nodes, [e]);
    const r = e.labelAt!;
    expect(r).not.toBeNull();
    expect(r.height).toBe(LABEL_H);
    expect(r.x).toBeGreaterThan(40); // right of the line
    expect(r.y).toBeGreaterThanOrEqual(30 + CLEAR);
    expect(r.y + r.height).toBeLessThanOrEqual(60 - CLEAR);
    expect(collisions(nodes, [e])).toEqual([]);
  });

  it("puts a label above (or below) a horizontal segment, never across it", () => {
    const nodes = [box("a", 0, 0), box("b", 200, 100)];
    const e = edge("e", "a", "b", [{ x: 40, y: 30 }, { x: 40, y: 34 }, { x: 240, y: 34 }, { x: 240, y: 100 }]);
    placeEdgeLabels(nodes, [e]);
    expect(e.labelAt).not.toBeNull();
    expect(collisions(nodes, [e])).toEqual([]);
    expect(distanceToEdge(e.labelAt!, e.points)).toBeLessThan(8);
  });

  it("keeps clear of other edges crossing nearby, of boxes and of other labels", () => {
    // A ladder: many parallel vertical edges 60 px apart with a horizontal edge crossing them all.
    const nodes: PlacedNode[] = [];
    const edges: PlacedEdge[] = [];
    for (let i = 0; i < 8; i++) {
      nodes.push(box(`s${i}`, i * 60, 0, 40, 30), box(`t${i}`, i * 60, 120, 40, 30));
      edges.push(edge(`v${i}`, `s${i}`, `t${i}`, [{ x: i * 60 + 20, y: 30 }, { x: i * 60 + 20, y: 120 }], `(${i}, 16)`));
    }
    nodes.push(box("far", 520, 40, 40, 30), box("farT", 0, 200, 40, 30));
    edges.push(edge("h", "far", "farT", [{ x: 540, y: 70 }, { x: 540, y: 75 }, { x: 10, y: 75 }, { x: 10, y: 200 }], "(2, 64)"));
    placeEdgeLabels(nodes, edges);
    expect(edges.filter((e) => e.labelAt).length).toBeGreaterThanOrEqual(8);
    expect(collisions(nodes, edges)).toEqual([]);
    for (const e of edges) if (e.labelAt) expect(distanceToEdge(e.labelAt, e.points)).toBeLessThan(8);
  });

  it("drops a label with no free spot nearby rather than overlap, and says so", () => {
    // Boxes 6 px apart: no room for a 14 px label anywhere beside the edge.
    const nodes = [box("a", 0, 0, 200, 30), box("b", 0, 36, 200, 30), box("l", -300, 0, 295, 66), box("r", 205, 0, 300, 66)];
    const e = edge("e", "a", "b", [{ x: 100, y: 30 }, { x: 100, y: 36 }]);
    const res = placeEdgeLabels(nodes, [e]);
    expect(e.labelAt).toBeNull();
    expect(e.labelHidden).toBe(true);
    expect(res.dropped).toBe(1);
  });

  it("keeps a label inside a group or outside it, off its border and title bar", () => {
    const g = box("g", 0, 40, 200, 100, "group");
    const nodes = [box("a", 60, 0, 80, 20), g, box("b", 60, 90, 80, 30)];
    const e = edge("e", "a", "b", [{ x: 100, y: 20 }, { x: 100, y: 90 }]);
    placeEdgeLabels(nodes, [e]);
    expect(e.labelAt).not.toBeNull();
    expect(collisions(nodes, [e])).toEqual([]);
  });

  it("shares one label among edges leaving one node with one shape", () => {
    const nodes = [box("a", 100, 0), box("b", 0, 80), box("c", 200, 80)];
    const e1 = edge("e1", "a", "b", [{ x: 140, y: 30 }, { x: 140, y: 50 }, { x: 40, y: 50 }, { x: 40, y: 80 }]);
    const e2 = edge("e2", "a", "c", [{ x: 140, y: 30 }, { x: 140, y: 50 }, { x: 240, y: 50 }, { x: 240, y: 80 }]);
    placeEdgeLabels(nodes, [e1, e2]);
    expect([e1, e2].filter((e) => e.labelAt).length).toBe(1);
    expect(collisions(nodes, [e1, e2])).toEqual([]);
  });
});

function checkLayout(l: Layout): void {
  expect(collisions(l.nodes, l.edges)).toEqual([]);
  const groups = new Set(l.edges.filter((e) => e.label && e.points.length >= 2).map((e) => `${e.src}:${e.label}`));
  const shown = l.edges.filter((e) => e.labelAt).length;
  const hidden = new Set(l.edges.filter((e) => e.labelHidden).map((e) => `${e.src}:${e.label}`)).size;
  expect(shown + hidden).toBe(groups.size);
  for (const e of l.edges) if (e.labelAt) expect(distanceToEdge(e.labelAt, e.points)).toBeLessThan(8);
  // Labels inside the drawing's extent.
  for (const e of l.edges) if (e.labelAt) expect(e.labelAt.x + e.labelAt.width).toBeLessThanOrEqual(l.width);
}

describe("labels on whole layouts", () => {
  for (const name of ["mlp", "residual_cat", "resnetish"]) {
    it(`${name}: quick layout and ELK's put no label on a line, a box or a label`, async () => {
      const s = buildStructure(fixture(name));
      const plan = planLayout(s, none, estimateMeasurer);
      checkLayout(plan.quick);
      expect(plan.quick.edges.filter((e) => e.labelHidden).length).toBe(0);
      if (plan.refinable) {
        const elk = await elkLayout(buildElkGraph(s, none, estimateMeasurer));
        checkLayout(elk);
        expect(elk.edges.filter((e) => e.labelHidden).length).toBe(0);
      }
    }, 30000);
  }

  it("residual stack of 150 blocks: no collisions in the quick layout", () => {
    const plan = planLayout(buildStructure(uniformStack(150, true)), none, estimateMeasurer);
    checkLayout(plan.quick);
  });

  it("stays near-linear: 8,000 edges' labels placed in well under a second", () => {
    const s = buildStructure(uniformStack(2000, true));
    const l = planLayout(s, none, estimateMeasurer).quick;
    expect(l.edges.length).toBeGreaterThan(8000);
    const t0 = performance.now();
    const res = placeEdgeLabels(l.nodes, l.edges);
    const ms = performance.now() - t0;
    expect(res.placed).toBeGreaterThan(2000);
    expect(ms).toBeLessThan(400); // ~85 ms here
  }, 30000);
});
