// Finding your way in a big graph, without a browser: the fit arithmetic,
// the search ranking, the fold depth set from Python, the speed label and
// the node the view follows at a step.
import { describe, expect, it } from "vitest";
import { buildStructure } from "../src/structure";
import { Timeline } from "../src/timeline";
import { focusNode } from "../src/focus";
import { searchNodes } from "../src/search";
import { depthCollapsed, initialCollapsed, defaultCollapsed, visibility, COLLAPSE_LIMIT } from "../src/layout/visible";
import { FIT_MAX, FIT_PAD, OPEN_MIN, contains, fitView, openView } from "../src/view/fit";
import { SPEEDS, speedLabel } from "../src/view/controls";
import { stepInterval } from "../src/view/player";
import { fixture } from "./load";
import { uniformStack } from "./synthetic";

/** The graph's rectangle on screen under a view. */
const onScreen = (c: { x: number; y: number; width: number; height: number }, v: { x: number; y: number; k: number }) => ({
  x: c.x * v.k + v.x,
  y: c.y * v.k + v.y,
  width: c.width * v.k,
  height: c.height * v.k,
});

describe("fit", () => {
  it("shows a huge graph whole, however small that makes it", () => {
    const c = { x: 0, y: 0, width: 400, height: 200_000 };
    const v = fitView(c, 900, 650);
    expect(v.k).toBeLessThan(0.01);
    expect(v.k).toBeGreaterThan(0);
    const r = onScreen(c, v);
    expect(contains({ x: 0, y: 0, width: 900, height: 650 }, r)).toBe(true);
    expect(r.height).toBeCloseTo(650 - 2 * FIT_PAD, 3); // it fills the height: not smaller than needed
  });

  it("shows a deep demo-sized graph whole (no 0.85 floor) and centres it", () => {
    const c = { x: 0, y: 0, width: 417, height: 2302 }; // the resnet demo's drawing
    const v = fitView(c, 896, 647);
    expect(v.k).toBeLessThan(0.3);
    const r = onScreen(c, v);
    expect(contains({ x: 0, y: 0, width: 896, height: 647 }, r)).toBe(true);
    expect(r.x + r.width / 2).toBeCloseTo(448, 5);
  });

  it("never magnifies a small graph past FIT_MAX, and honours an offset origin", () => {
    const c = { x: -50, y: 20, width: 100, height: 80 };
    const v = fitView(c, 900, 650);
    expect(v.k).toBe(FIT_MAX);
    const r = onScreen(c, v);
    expect(r.x + r.width / 2).toBeCloseTo(450, 5);
    expect(r.y + r.height / 2).toBeCloseTo(325, 5);
  });

  it("opens whole while legible, else legible from the top", () => {
    const deep = { x: 0, y: 0, width: 417, height: 2302 };
    expect(openView(deep, 896, 647)).toEqual(fitView(deep, 896, 647));
    const huge = { x: 0, y: 0, width: 400, height: 60_000 };
    const v = openView(huge, 900, 650);
    expect(fitView(huge, 900, 650).k).toBeLessThan(OPEN_MIN);
    expect(v.k).toBeGreaterThanOrEqual(OPEN_MIN);
    expect(v.y).toBe(FIT_PAD); // starts at the top
  });
});

describe("search", () => {
  const s = buildStructure(fixture("resnetish"));
  const paths = (q: string) => searchNodes(s, q).map((m) => s.byId.get(m.id)!.path);

  it("finds a node by its full path first", () => {
    expect(paths("3.2.conv1")[0]).toBe("3.2.conv1");
  });

  it("ranks a whole last segment before other substrings, case-insensitively", () => {
    const found = paths("CONV1");
    expect(found.length).toBeGreaterThan(1);
    expect(found.every((p) => p.toLowerCase().includes("conv1"))).toBe(true);
    expect(found[0]!.endsWith(".conv1")).toBe(true);
  });

  it("matches types and every word typed, and nothing for a blank query", () => {
    const bn = searchNodes(s, "batchnorm 3.1");
    expect(bn.length).toBeGreaterThan(0);
    for (const m of bn) {
      const n = s.byId.get(m.id)!;
      expect(n.type.toLowerCase()).toContain("batchnorm");
      expect(n.path).toContain("3.1");
    }
    expect(searchNodes(s, "   ")).toEqual([]);
    expect(searchNodes(s, "no-such-layer")).toEqual([]);
    expect(searchNodes(s, "conv", 3)).toHaveLength(3);
  });

  it("labels matches with the text the graph shows", () => {
    const [m] = searchNodes(s, "3.2.conv1");
    expect(m!.label).toMatch(/^3\.2\.conv1 · /);
  });
});

describe("fold depth from Python", () => {
  const s = buildStructure(fixture("resnetish"));
  const drawn = (collapsed: Set<string>) => visibility(s, collapsed).visible.map((id) => s.byId.get(id)!.path);

  it("depth 0 shows only the root's children, every deeper container collapsed", () => {
    const c = depthCollapsed(s, 0);
    const shownPaths = drawn(c);
    expect(shownPaths).toContain("3");
    expect(shownPaths).not.toContain("3.0");
    expect(shownPaths.filter((p) => p.includes(".")).length).toBe(0);
    expect(c.has(s.nodes.find((n) => n.path === "")!.id)).toBe(false); // never the root
  });

  it("depth 1 opens one more level, and a large depth collapses nothing", () => {
    const shownPaths = drawn(depthCollapsed(s, 1));
    expect(shownPaths).toContain("3.0");
    expect(shownPaths).not.toContain("3.0.conv1");
    expect(depthCollapsed(s, 99).size).toBe(0);
  });

  it("null keeps the automatic rule", () => {
    expect([...initialCollapsed(s, null)].sort()).toEqual([...defaultCollapsed(s, COLLAPSE_LIMIT)].sort());
    expect([...initialCollapsed(s, 0)].sort()).toEqual([...depthCollapsed(s, 0)].sort());
  });

  it("applies to a small graph too (the automatic rule would collapse nothing)", () => {
    const small = buildStructure(uniformStack(4));
    expect(defaultCollapsed(small).size).toBe(0);
    expect(depthCollapsed(small, 0).size).toBe(4);
  });
});

describe("speed", () => {
  it("offers up to 8x and labels any positive speed sensibly", () => {
    expect(Math.max(...SPEEDS)).toBe(8);
    expect(speedLabel(8)).toBe("8x");
    expect(speedLabel(3)).toBe("3x");
    expect(speedLabel(0.5)).toBe("0.5x");
    expect(speedLabel(1 / 3)).toBe("0.33x");
    expect(speedLabel(64)).toBe("64x");
    expect(speedLabel(0)).toBe("1x");
    expect(speedLabel(Number.NaN)).toBe("1x");
  });

  it("plays 8x eight times faster than 1x", () => {
    expect(stepInterval(1) / stepInterval(8)).toBe(8);
    expect(stepInterval(-2)).toBe(stepInterval(1));
  });
});

describe("the node the view follows", () => {
  const t = fixture("resnetish");
  const tl = new Timeline(buildStructure(t));

  it("is the node entered at the step, or the last one entered before it", () => {
    expect(focusNode(tl, 0)).toBeNull();
    const k = t.events.findIndex((e) => e.kind === "enter") + 1;
    expect(focusNode(tl, k)).toBe(t.events[k - 1]!.node);
    // The end is the root's exit: the view shows the last layer entered, not nothing.
    expect(t.events[t.events.length - 1]!.kind).toBe("exit");
    const lastEnter = [...t.events].reverse().find((e) => e.kind === "enter")!;
    expect(focusNode(tl, tl.steps)).toBe(lastEnter.node);
  });

  it("is the failing node at an error", () => {
    const e = fixture("eager_mismatch");
    const etl = new Timeline(buildStructure(e));
    expect(focusNode(etl, etl.steps)).toBe(e.error!.node);
  });
});
