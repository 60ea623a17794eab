import { describe, expect, it } from "vitest";
import { buildStructure, type Structure } from "../src/structure";
import { planLayout } from "../src/layout/plan";
import { layeredLayout } from "../src/layout/layered";
import { buildElkGraph } from "../src/layout/elkgraph";
import { estimateMeasurer } from "../src/layout/measure";
import { defaultCollapsed } from "../src/layout/visible";
import type { Point } from "../src/geometry";
import type { Layout, PlacedNode } from "../src/layout/placed";
import { fixture } from "./load";
import { uniformStack } from "./synthetic";

const none = new Set<string>();

function at(l: Layout): Map<string, PlacedNode> {
  return new Map(l.nodes.map((n) => [n.id, n]));
}

/** Whether the segment a-b passes through the inside of the box (shrunk by 1 so touching ends do not count). */
function crosses(a: Point, b: Point, n: PlacedNode): boolean {
  const x0 = n.x + 1;
  const x1 = n.x + n.width - 1;
  const y0 = n.y + 1;
  const y1 = n.y + n.height - 1;
  if (a.x === b.x) return a.x > x0 && a.x < x1 && Math.max(a.y, b.y) > y0 && Math.min(a.y, b.y) < y1;
  if (a.y === b.y) return a.y > y0 && a.y < y1 && Math.max(a.x, b.x) > x0 && Math.min(a.x, b.x) < x1;
  return false;
}

/** Boxes of one group never overlap; every box sits inside its drawn parent's frame. */
function checkNesting(s: Structure, l: Layout): void {
  const pos = at(l);
  for (const n of l.nodes) {
    const p = pos.get(s.parentOf.get(n.id) ?? "");
    if (!p) continue;
    expect(n.x, n.id).toBeGreaterThanOrEqual(p.x);
    expect(n.y, n.id).toBeGreaterThan(p.y);
    expect(n.x + n.width, n.id).toBeLessThanOrEqual(p.x + p.width);
    expect(n.y + n.height, n.id).toBeLessThanOrEqual(p.y + p.height);
  }
  const byParent = new Map<string, PlacedNode[]>();
  for (const n of l.nodes) {
    const k = s.parentOf.get(n.id) ?? "top";
    byParent.set(k, [...(byParent.get(k) ?? []), n]);
  }
  for (const sibs of byParent.values()) {
    for (const a of sibs) {
      for (const b of sibs) {
        if (a === b) continue;
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart, `${a.id} overlaps ${b.id}`).toBe(true);
      }
    }
  }
}

describe("quick layered layout (first paint of a branching graph)", () => {
  it("is what a branching graph paints first, with ELK as a refinement to come", () => {
    const s = buildStructure(fixture("residual_cat"));
    const plan = planLayout(s, none, estimateMeasurer);
    expect(plan.refinable).toBe(true);
    const l = plan.quick;
    expect(l.final).toBe(false); // the view marks it data-layout="quick" until ELK's arrives
    const pos = at(l);
    expect(pos.size).toBe(s.nodes.length);
    // top to bottom along the data: in0 -> a -> add -> cat -> out0
    const y = (id: string): number => pos.get(id)!.y;
    expect(y("in0")).toBeLessThan(y("n1"));
    expect(y("n1")).toBeLessThan(y("n2"));
    expect(y("n2")).toBeLessThan(y("n7"));
    expect(y("n7")).toBeLessThan(y("n8"));
    expect(y("n5")).toBeLessThan(y("out0"));
    checkNesting(s, l);
    for (const e of l.edges) expect(e.points.length, e.id).toBeGreaterThanOrEqual(2);
  });

  it("routes skip connections round the boxes they pass, not through them", () => {
    const s = buildStructure(fixture("residual_cat"));
    const l = planLayout(s, none, estimateMeasurer).quick;
    const leaves = l.nodes.filter((n) => n.box.kind !== "group");
    for (const e of l.edges) {
      for (let i = 1; i < e.points.length; i++) {
        for (const n of leaves) {
          if (n.id === e.src || n.id === e.dst) continue;
          expect(crosses(e.points[i - 1]!, e.points[i]!, n), `${e.src}>${e.dst} crosses ${n.id}`).toBe(false);
        }
      }
    }
    const skip = l.edges.find((e) => e.src === "n1" && e.dst === "n7")!;
    expect(skip.points.length).toBeGreaterThan(2);
  });

  it("keeps a straight chain straight and nested blocks inside their frames", () => {
    const s = buildStructure(fixture("resnetish"));
    const input = buildElkGraph(s, none, estimateMeasurer);
    const l = layeredLayout(input);
    checkNesting(s, l);
    const pos = at(l);
    // A layer sits under the one feeding it (the shared relu, called three times, branches).
    const c = (p: string): number => {
      const n = pos.get(s.nodes.find((x) => x.path === p)!.id)!;
      return n.x + n.width / 2;
    };
    for (const [a, b] of [["3.1.conv1", "3.1.bn1"], ["3.1.bn1", "3.1.relu"]] as const) {
      expect(Math.abs(c(a) - c(b)), `${a} / ${b}`).toBeLessThan(1);
    }
    // Side by side branches stay under their own inputs, as far as their widths allow.
    expect(Math.abs(c("3.1.conv3") - c("3.1.bn3"))).toBeLessThan(10);
    expect(Math.abs(c("3.1.conv2") - c("3.1.bn2"))).toBeLessThan(10);
    expect(c("3.1.conv2") < c("3.1.relu")).not.toBe(c("3.1.conv3") < c("3.1.relu")); // one each side
  });

  it("lays out thousands of boxes in a blink", () => {
    const s = buildStructure(uniformStack(700, true));
    const input = buildElkGraph(s, none, estimateMeasurer);
    const t0 = performance.now();
    const l = layeredLayout(input);
    const ms = performance.now() - t0;
    expect(l.nodes.length).toBe(s.nodes.length);
    expect(ms).toBeLessThan(1500); // ELK takes minutes here; the quick layout tens of milliseconds
    const plan = planLayout(s, none, estimateMeasurer);
    expect(plan.refinable).toBe(false); // too big to be worth ELK
    expect(plan.quick.final).toBe(true);
  });

  it("leaves chains to the exact chain placement", () => {
    const s = buildStructure(fixture("resnetish"));
    expect(planLayout(s, defaultCollapsed(s), estimateMeasurer).refinable).toBe(false);
    expect(planLayout(buildStructure(fixture("mlp")), none, estimateMeasurer).refinable).toBe(false);
  });
});
