// The watched history's protocol (docs/widget-state.md): `lazyviz:run`
// messages applied once per model, `forwards` counts in the run picker, and
// the details panel's histograms that Python fills on demand.
import { describe, expect, it } from "vitest";
import { applyRunMessage, followRunMessages, forwardsAt, forwardsText, onRunsAppended, parseRunMessage } from "../src/history";
import type { Trace, TraitName, Traits, WidgetModel } from "../src/model";
import { runLabel } from "../src/view/header";
import { histogramPanel, PENDING_TEXT, statsText } from "../src/view/histogram";
import { fixture } from "./load";

const mlp = fixture("mlp");
const named = (model: string): Trace => ({ ...mlp, model });

/** The part of a Backbone model the handler touches, recording what it was asked to do. */
class FakeModel implements WidgetModel {
  state: Partial<Traits> = {};
  sets: string[] = [];
  saves = 0;
  handlers = new Map<string, Set<(...args: unknown[]) => void>>();
  get<K extends TraitName>(name: K): Traits[K] | undefined {
    return this.state[name];
  }
  set<K extends TraitName>(name: K, value: Traits[K]): void {
    this.sets.push(name);
    this.state[name] = value;
  }
  save_changes(): void {
    this.saves += 1;
  }
  on(event: string, cb: (...args: unknown[]) => void): void {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event)!.add(cb);
  }
  off(event?: string | null, cb?: ((...args: unknown[]) => void) | null): void {
    if (event && cb) this.handlers.get(event)?.delete(cb);
  }
  receive(content: unknown): void {
    for (const cb of this.handlers.get("msg:custom") ?? []) cb(content, []);
  }
}

describe("lazyviz:run messages", () => {
  const a = named("a");
  const b = named("b");
  const c = named("c");

  it("parses only well-formed lazyviz:run messages", () => {
    expect(parseRunMessage({ type: "lazyviz:run", entry: c, drop: null })).toEqual({ type: "lazyviz:run", entry: c, drop: null });
    expect(parseRunMessage({ type: "lazyviz:run", entry: c, drop: 1 })?.drop).toBe(1);
    expect(parseRunMessage({ type: "lazyviz:run", entry: c })?.drop).toBeNull();
    expect(parseRunMessage({ type: "lazyviz:run", entry: c, drop: 1.5 })?.drop).toBeNull();
    expect(parseRunMessage({ type: "other", entry: c, drop: null })).toBeNull();
    expect(parseRunMessage({ type: "lazyviz:run", entry: null, drop: null })).toBeNull();
    expect(parseRunMessage({ type: "lazyviz:run", entry: [c], drop: null })).toBeNull();
    expect(parseRunMessage("lazyviz:run")).toBeNull();
    expect(parseRunMessage(null)).toBeNull();
  });

  it("appends without drop, and removes drop before appending", () => {
    const runs = [a, b];
    expect(applyRunMessage(runs, { type: "lazyviz:run", entry: c, drop: null }).map((t) => t.model)).toEqual(["a", "b", "c"]);
    expect(applyRunMessage(runs, { type: "lazyviz:run", entry: c, drop: 1 }).map((t) => t.model)).toEqual(["a", "c"]);
    expect(applyRunMessage(runs, { type: "lazyviz:run", entry: c, drop: 0 }).map((t) => t.model)).toEqual(["b", "c"]);
    expect(runs.map((t) => t.model)).toEqual(["a", "b"]); // pure: the input is untouched
  });

  it("ignores a drop that is not an index into the list", () => {
    for (const drop of [-1, 2, 99]) {
      expect(applyRunMessage([a, b], { type: "lazyviz:run", entry: c, drop }).map((t) => t.model)).toEqual(["a", "b", "c"]);
    }
    expect(applyRunMessage([], { type: "lazyviz:run", entry: c, drop: 0 })).toEqual([c]);
  });

  it("changes the model's list in place, never through set (no echo to the kernel), and notifies views", () => {
    const model = new FakeModel();
    const runs = [a, b];
    model.state.runs = runs;
    const stop = followRunMessages(model);
    const seen: Array<readonly Trace[]> = [];
    const unsubscribe = onRunsAppended((r) => seen.push(r));
    model.receive({ type: "lazyviz:run", entry: c, drop: 1 });
    model.receive({ type: "something else" });
    expect(model.get("runs")).toBe(runs);
    expect(runs.map((t) => t.model)).toEqual(["a", "c"]);
    expect(model.sets).toEqual([]);
    expect(model.saves).toBe(0);
    expect(seen).toEqual([runs]);
    stop();
    unsubscribe();
    expect(model.handlers.get("msg:custom")?.size).toBe(0);
    model.receive({ type: "lazyviz:run", entry: a, drop: null });
    expect(runs.map((t) => t.model)).toEqual(["a", "c"]);
    expect(seen.length).toBe(1);
  });
});

describe("forwards in the run picker", () => {
  it("reads a missing or bad count as 1", () => {
    expect(forwardsAt([1, 1234], 1)).toBe(1234);
    expect(forwardsAt([1], 1)).toBe(1);
    expect(forwardsAt(undefined, 0)).toBe(1);
    expect(forwardsAt([null, 0, -3, "7"], 0)).toBe(1);
    expect(forwardsAt([1, 0], 1)).toBe(1);
  });

  it("groups thousands and says nothing for a single forward", () => {
    expect(forwardsText(1234)).toBe("×1,234 forwards");
    expect(forwardsText(1234567)).toBe("×1,234,567 forwards");
    expect(forwardsText(1)).toBe("");
    expect(runLabel(mlp, 2, 1234)).toBe("run 3: in (2, 20) · ×1,234 forwards with these shapes");
    expect(runLabel(mlp, 0, 1)).toBe("run 1: in (2, 20)");
    expect(runLabel(mlp, 0)).toBe("run 1: in (2, 20)");
  });
});

describe("histograms on demand", () => {
  const linear = mlp.nodes.find((n) => n.path === "0")!;
  const relu = mlp.nodes.find((n) => n.path === "1")!;
  const unknown = fixture("mlp_structure").nodes.find((n) => n.path === "0")!;
  const hist = { edges: [0, 1, 2], counts: [3, 4], mean: null, std: null, expected_std: null };

  it("writes n/a for values Python sent as null", () => {
    expect(statsText(hist)).toBe(" mean n/a std n/a (expected n/a)");
    expect(statsText({ mean: 0.5, std: 0.25, expected_std: 0.2 })).toBe(" mean 0.5000 std 0.2500 (expected 0.2000)");
    expect(statsText({ mean: 0.5, std: null })).toBe(" mean 0.5000 std n/a");
  });

  it("shows a note first, then histograms, else waits for Python on a node with known parameters", () => {
    const hists = { [linear.id]: { weight: { default: hist } } };
    const notes = { [linear.id]: "No histograms: the model failed on this batch." };
    expect(histogramPanel(hists, notes, linear)).toEqual({ kind: "note", text: notes[linear.id] });
    const shown = histogramPanel(hists, {}, linear);
    expect(shown.kind).toBe("histograms");
    expect(histogramPanel({}, {}, linear)).toEqual({ kind: "pending" });
    expect(histogramPanel(undefined, undefined, linear)).toEqual({ kind: "pending" });
    expect(PENDING_TEXT).toBe("Computing histograms…");
  });

  it("applies the note for every node (key *) only where there are no histograms", () => {
    const all = { "*": "Left out of this page to keep it small; open the notebook to see them." };
    expect(histogramPanel({}, all, linear)).toEqual({ kind: "note", text: all["*"] });
    expect(histogramPanel({ [linear.id]: { weight: { default: hist } } }, all, linear).kind).toBe("histograms");
    expect(histogramPanel({}, { ...all, [linear.id]: "mine" }, linear)).toEqual({ kind: "note", text: "mine" });
    expect(histogramPanel({}, all, relu)).toEqual({ kind: "none" });
  });

  it("has no histogram section for a node without parameters or with none known", () => {
    expect(histogramPanel({}, {}, relu)).toEqual({ kind: "none" });
    expect(histogramPanel({}, {}, unknown)).toEqual({ kind: "none" });
  });
});
