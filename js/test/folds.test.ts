import { describe, expect, it } from "vitest";
import { buildStructure, type Structure } from "../src/structure";
import { findFolds, MIN_RUN } from "../src/folds";
import { defaultFolded, reveal, visibility, COLLAPSE_LIMIT } from "../src/layout/visible";
import { buildElkGraph } from "../src/layout/elkgraph";
import { estimateMeasurer } from "../src/layout/measure";
import { planLayout } from "../src/layout/plan";
import { Timeline } from "../src/timeline";
import { FoldStates } from "../src/view/fold-state";
import { fixture } from "./load";
import { stackTrace, uniformStack } from "./synthetic";

const id = (s: Structure, path: string): string => s.nodes.find((n) => n.path === path)!.id;
const paths = (s: Structure, ids: string[]): string[] => ids.map((i) => s.byId.get(i)!.path);
const runsByPath = (s: Structure): string[][] => [...findFolds(s).runs.values()].map((m) => paths(s, m));

describe("which repeated blocks fold", () => {
  it("folds a stack of identical sibling blocks into one run, led by its first member", () => {
    const s = buildStructure(uniformStack(24));
    const f = findFolds(s);
    expect(runsByPath(s)).toEqual([Array.from({ length: 24 }, (_, i) => `${i}`)]);
    expect(f.runs.has(id(s, "0"))).toBe(true);
    expect(f.runOf.get(id(s, "23"))).toBe(id(s, "0"));
    expect(f.runOf.has(id(s, "5.fc"))).toBe(false); // members' insides are not members
  });

  it("does not fold blocks whose parameter shapes differ", () => {
    // widths 8,8,8 | 16 | 8,8,8,8 (then 16s see 8 inputs: same as each other, not as the 8s)
    const s = buildStructure(stackTrace([8, 8, 8, 16, 16, 16, 8, 8].map((width) => ({ width, input: 8 }))));
    expect(runsByPath(s)).toEqual([
      ["0", "1", "2"],
      ["3", "4", "5"],
    ]); // 6 and 7 match but are only two: below MIN_RUN
    expect(MIN_RUN).toBe(3);
  });

  it("does not fold blocks that match before the run but resolved to different shapes", () => {
    const s = buildStructure(stackTrace([8, 4, 8].flatMap((input) => [{ width: 8, input }, { width: 8, input }])));
    expect(runsByPath(s)).toEqual([]);
  });

  it("does not fold blocks of different types or layouts, nor single layers", () => {
    const types = buildStructure(stackTrace(["A", "B", "A", "B", "A"].map((type) => ({ width: 8, type }))));
    expect(runsByPath(types)).toEqual([]);
    const mixed = buildStructure(stackTrace([false, true, false, true].map((residual) => ({ width: 8, residual }))));
    expect(runsByPath(mixed)).toEqual([]);
    // The 100-layer MLP repeats LazyLinear/ReLU leaves, not subtrees: nothing folds.
    expect(runsByPath(buildStructure(fixture("mlp100")))).toEqual([]);
  });

  it("finds the repeated bottlenecks of every ResNet stage", () => {
    const s = buildStructure(fixture("resnetish"));
    expect(runsByPath(s).map((r) => r.length)).toEqual([3, 4, 6, 3]);
    expect(runsByPath(s)[1]).toEqual(["4.0", "4.1", "4.2", "4.3"]);
  });
});

describe("folded runs on screen", () => {
  const s = buildStructure(uniformStack(24, true));
  const head = id(s, "0");

  it("folds by default only when the graph is large", () => {
    expect(s.nodes.length).toBeGreaterThan(COLLAPSE_LIMIT);
    expect([...defaultFolded(s)]).toEqual([head]);
    expect(defaultFolded(buildStructure(uniformStack(4))).size).toBe(0);
  });

  it("draws the run as its first member's box and hides the rest behind it", () => {
    const v = visibility(s, new Set(), new Set([head]));
    expect(paths(s, v.visible)).toEqual(["in0", "", "0", "out0"]);
    expect(v.folds.get(head)).toHaveLength(24);
    for (const p of ["0.fc", "1", "13.act", "23/add#0"]) expect(v.standIn.get(id(s, p)), p).toBe(head);
    const open = visibility(s, new Set(), new Set());
    expect(open.visible.length).toBe(s.nodes.length);
  });

  it("opens the run around a node that must be seen, and only that", () => {
    const folded = new Set([head]);
    expect(reveal(s, new Set(), head, folded)).toBe(false); // the run's box is its first member
    expect(folded.has(head)).toBe(true);
    expect(reveal(s, new Set(), id(s, "0.fc"), folded)).toBe(true);
    expect(folded.size).toBe(0);
    const again = new Set([head]);
    reveal(s, new Set(), id(s, "17"), again);
    expect(again.size).toBe(0);
  });

  it("labels the run ×N and routes the chain through it", () => {
    const input = buildElkGraph(s, new Set(), estimateMeasurer, new Set([head]));
    const box = input.boxes.get(head)!;
    expect(box.kind).toBe("fold");
    const title = box.lines[0]!.segments.map((x) => x.text).join("");
    expect(title).toContain("×24");
    expect(title).toContain("0 … 23");
    expect(input.edges.map((e) => `${s.byId.get(e.src)!.path}>${s.byId.get(e.dst)!.path}`)).toEqual(["in0>0", "0>out0"]);
    const plan = planLayout(s, new Set(), estimateMeasurer, new Set([head]));
    expect(plan.refinable).toBe(false); // a chain again: exact, no ELK
    expect(plan.quick.nodes.map((n) => n.id)).toContain(head);
  });

  it("summarizes its members' states on the run's box", () => {
    const tl = new Timeline(s);
    const v = visibility(s, new Set(), new Set([head]));
    const states = new FoldStates(v.folds);
    const at = (k: number): [string, string] => {
      const c = tl.frameAt(k);
      for (const m of v.folds.get(head)!) states.update(m, c.node(m)!);
      return [states.state(head), states.visit(head)];
    };
    expect(at(0)).toEqual(["unresolved", "idle"]);
    const firstDone = tl.trace.events.findIndex((e) => e.kind === "exit" && e.node === head) + 1;
    // Member 0 has run, the others are still lazy: the run is still unresolved, and under way.
    expect(at(firstDone)).toEqual(["unresolved", "open"]);
    expect(at(tl.steps)).toEqual(["resolved", "done"]);
    expect(tl.frameAt(firstDone).state(head)).toBe("resolved"); // while its first member alone is resolved
  });
});
