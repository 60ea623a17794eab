import { describe, expect, it } from "vitest";
import { buildStructure } from "../src/structure";
import { buildElkGraph, edgeShape } from "../src/layout/elkgraph";
import { chainOrder } from "../src/layout/chain";
import { layoutGraph } from "../src/layout/elk";
import { estimateMeasurer, type Measurer } from "../src/layout/measure";
import { defaultCollapsed, visibility, COLLAPSE_LIMIT } from "../src/layout/visible";
import { makeBox, PAD_X } from "../src/layout/boxes";
import type { ElkNode } from "elkjs/lib/elk-api";
import { fixture } from "./load";

const byPath = (s: ReturnType<typeof buildStructure>, p: string): string => s.nodes.find((n) => n.path === p)!.id;

function find(n: ElkNode, id: string): ElkNode | undefined {
  if (n.id === id) return n;
  for (const c of n.children ?? []) {
    const f = find(c, id);
    if (f) return f;
  }
  return undefined;
}

describe("trace -> ELK graph", () => {
  const s = buildStructure(fixture("residual_cat"));

  it("nests containers as compound nodes", () => {
    const g = buildElkGraph(s, new Set(), estimateMeasurer).graph;
    const top = g.children!.map((c) => c.id).sort();
    expect(top).toEqual(["in0", "n0", "out0"]); // inputs, the root module, outputs
    const root = find(g, "n0")!;
    expect(root.children!.map((c) => c.id).sort()).toEqual(["n1", "n2", "n5", "n7", "n8"]);
    expect(find(g, "n2")!.children!.map((c) => c.id)).toEqual(["n3", "n4"]);
    expect(root.layoutOptions!["elk.padding"]).toMatch(/top=\d+/);
  });

  it("keeps skip connections and op nodes as edges", () => {
    const input = buildElkGraph(s, new Set(), estimateMeasurer);
    const pairs = input.edges.map((e) => `${e.src}>${e.dst}`);
    expect(pairs).toContain("n1>n7"); // the residual skip into add
    expect(pairs).toContain("in0>n8"); // the input concatenated at the end
    expect(input.edges).toHaveLength(s.trace.edges.length);
  });

  it("labels edges with the tensor shape that flows", () => {
    const input = buildElkGraph(s, new Set(), estimateMeasurer);
    const cat = input.edges.find((e) => e.src === "n8")!;
    expect(cat.label).toBe("(2, 13)");
    expect(edgeShape(s, { src: "in0", dst: "n1" })).toEqual([2, 5]);
    expect(input.edges.every((e) => e.labelWidth > 0)).toBe(true);
  });

  it("redirects edges to a collapsed container and drops the ones inside it", () => {
    const input = buildElkGraph(s, new Set(["n2"]), estimateMeasurer);
    const pairs = input.edges.map((e) => `${e.src}>${e.dst}`);
    expect(pairs).toContain("n1>n2");
    expect(pairs).toContain("n2>n7");
    expect(pairs).not.toContain("n3>n4");
    expect(pairs.some((p) => p.includes("n3") || p.includes("n4"))).toBe(false);
    const inner = s.trace.edges.findIndex((e) => e.src === "n3" && e.dst === "n4");
    expect(input.edgeOf.has(inner)).toBe(false);
    expect(find(input.graph, "n2")!.children).toBeUndefined();
    expect(input.boxes.get("n2")!.kind).toBe("collapsed");
  });

  it("merges edges that collapse onto the same pair", () => {
    const r = buildStructure(fixture("resnetish"));
    const stage = byPath(r, "3");
    const input = buildElkGraph(r, new Set([stage]), estimateMeasurer);
    const into = input.edges.filter((e) => e.dst === stage);
    expect(into).toHaveLength(1);
    expect(into[0]!.traceEdges.length).toBeGreaterThan(1); // the block input and its skip
  });
});

describe("label sizes", () => {
  const s = buildStructure(fixture("mlp"));
  // A measurer where every character is 7px wide makes the expectation exact.
  const fixed: Measurer = { width: (t) => t.length * 7 };

  it("sizes boxes to fit their widest line, before or after resolution", () => {
    const n = s.byId.get("n1")!;
    const box = makeBox(s, n, new Set(), fixed);
    // "weight (256, 20)" (16 chars) is wider than "weight (256, ?)" and the title "0  LazyLinear"
    expect(box.width).toBe(16 * 7 + 2 * PAD_X);
    expect(box.lines.map((l) => l.segments.map((x) => x.text).join(""))).toEqual(["0  LazyLinear", "weight (256, ?)", "bias (256)"]);
    expect(box.lines[1]!.segments.find((x) => x.unknown)?.text).toBe("?");
  });

  it("gives every box a positive height that grows with its parameter lines", () => {
    const relu = makeBox(s, s.byId.get("n2")!, new Set(), fixed);
    const lin = makeBox(s, s.byId.get("n1")!, new Set(), fixed);
    expect(relu.height).toBeGreaterThan(0);
    expect(lin.height).toBeGreaterThan(relu.height);
  });
});

describe("collapsing by default", () => {
  it("folds the deepest containers of a big model, never the root", () => {
    const s = buildStructure(fixture("resnetish"));
    const col = defaultCollapsed(s);
    expect(visibility(s, col).visible.length).toBeLessThanOrEqual(COLLAPSE_LIMIT);
    expect(col.has(byPath(s, ""))).toBe(false);
    expect(col.has(byPath(s, "3.0"))).toBe(true); // blocks fold
    expect(col.has(byPath(s, "3"))).toBe(false); // stages stay open
  });

  it("leaves small models open", () => {
    expect(defaultCollapsed(buildStructure(fixture("residual_cat"))).size).toBe(0);
  });

  it("maps hidden nodes to the collapsed box that stands in for them", () => {
    const s = buildStructure(fixture("resnetish"));
    const v = visibility(s, defaultCollapsed(s));
    expect(v.standIn.get(byPath(s, "3.0.conv1"))).toBe(byPath(s, "3.0"));
    expect(v.standIn.get(byPath(s, "3"))).toBe(byPath(s, "3"));
  });
});

describe("chain fast path", () => {
  it("recognises plain and nested chains, and rejects branching graphs", () => {
    const mlp = buildStructure(fixture("mlp"));
    expect(chainOrder(buildElkGraph(mlp, new Set(), estimateMeasurer))?.order).toEqual(["in0", "n1", "n2", "n3", "out0"]);
    const res = buildStructure(fixture("residual_cat"));
    expect(chainOrder(buildElkGraph(res, new Set(), estimateMeasurer))).toBeNull();
    const big = buildStructure(fixture("resnetish"));
    expect(chainOrder(buildElkGraph(big, defaultCollapsed(big), estimateMeasurer))).not.toBeNull();
    expect(chainOrder(buildElkGraph(big, new Set(), estimateMeasurer))).toBeNull();
  });

  it("places every box inside its group frames", async () => {
    const s = buildStructure(fixture("resnetish"));
    const l = await layoutGraph(s, defaultCollapsed(s), estimateMeasurer);
    const at = new Map(l.nodes.map((n) => [n.id, n]));
    for (const n of l.nodes) {
      const pid = s.parentOf.get(n.id);
      const p = pid ? at.get(pid) : undefined;
      if (!p) continue;
      expect(n.x).toBeGreaterThanOrEqual(p.x);
      expect(n.y).toBeGreaterThan(p.y);
      expect(n.x + n.width).toBeLessThanOrEqual(p.x + p.width);
      expect(n.y + n.height).toBeLessThanOrEqual(p.y + p.height);
    }
    expect(l.edges.every((e) => e.points.length >= 2)).toBe(true);
  });
});

describe("ELK layout", () => {
  it("lays out a residual graph top to bottom with groups around their children", async () => {
    const s = buildStructure(fixture("residual_cat"));
    const l = await layoutGraph(s, new Set(), estimateMeasurer);
    const at = new Map(l.nodes.map((n) => [n.id, n]));
    expect(at.size).toBe(s.nodes.length);
    expect(at.get("in0")!.y).toBeLessThan(at.get("n1")!.y);
    expect(at.get("n1")!.y).toBeLessThan(at.get("n7")!.y);
    expect(at.get("n7")!.y).toBeLessThan(at.get("out0")!.y);
    const b = at.get("n2")!;
    for (const c of ["n3", "n4"]) {
      const n = at.get(c)!;
      expect(n.x).toBeGreaterThanOrEqual(b.x);
      expect(n.y + n.height).toBeLessThanOrEqual(b.y + b.height);
    }
    for (const e of l.edges) expect(e.points.length).toBeGreaterThanOrEqual(2);
    // one label per source and shape: in0 feeds two edges with the same (2, 5)
    expect(l.edges.filter((e) => e.labelAt).length).toBe(new Set(l.edges.map((e) => `${e.src}:${e.label}`)).size);
  }, 30000);
});
