import { describe, expect, it } from "vitest";
import type { Trace } from "../src/model";
import { nodeLabel } from "../src/narrate";
import { buildStructure, familyOf } from "../src/structure";
import { Timeline } from "../src/timeline";
import { fixture } from "./load";

function stateByPath(tl: Timeline, k: number): Record<string, string> {
  const f = tl.frameAt(k);
  const out: Record<string, string> = {};
  for (const n of tl.trace.nodes) out[n.path] = f.state(n.id)!;
  return out;
}

describe("timeline on the classic MLP", () => {
  const tl = new Timeline(fixture("mlp"));

  it("has one step per event", () => {
    expect(tl.steps).toBe(tl.trace.events.length);
    expect(tl.animated).toBe(true);
  });

  it("starts with lazy modules unresolved and known ones resolved", () => {
    const s = stateByPath(tl, 0);
    expect(s["0"]).toBe("unresolved");
    expect(s["2"]).toBe("unresolved");
    expect(s["1"]).toBe("resolved");
    expect(s["in0"]).toBe("resolved");
    expect(s[""]).toBe("unresolved"); // the container still holds unknown shapes
  });

  it("ends with every visited node resolved", () => {
    const s = stateByPath(tl, tl.steps);
    for (const [path, st] of Object.entries(s)) expect(st, path).toBe("resolved");
  });

  it("turns ? into numbers at materialize", () => {
    const ev = tl.trace.events.findIndex((e) => e.kind === "materialize" && e.node === "n1" && e.param === "weight");
    const before = tl.frameAt(ev).node("n1")!;
    const after = tl.frameAt(ev + 1).node("n1")!;
    expect(before.params[0]).toEqual([256, null]);
    expect(after.params[0]).toEqual([256, 20]);
  });

  it("counts known parameters and pending tensors", () => {
    expect(tl.paramCounts(0)).toEqual({ known: 256 + 10, pending: 2 });
    // after the first layer's weight and bias: the SPEC sketch's 5,386 known + ? pending
    const k = tl.trace.events.findIndex((e) => e.kind === "exit" && e.node === "n1") + 1;
    expect(tl.paramCounts(k)).toEqual({ known: 5386, pending: 1 });
    expect(tl.paramCounts(tl.steps)).toEqual({ known: 5120 + 256 + 2560 + 10, pending: 0 });
  });

  it("marks the node of the current event active", () => {
    expect(tl.active(0)).toBeNull();
    expect(tl.active(2)).toBe("n1");
  });

  it("narrates each step for a learner", () => {
    expect(tl.caption(0)).toMatch(/Nothing has run yet/);
    expect(tl.caption(2)).toBe("0 · LazyLinear saw input (2, 20): in_features = 20, which fills the ? in its weight (256, ?).");
    expect(tl.caption(3)).toBe(
      "0 · LazyLinear: in_features = 20, so its weight (256, ?) became (256, 20) and was initialized (PyTorch default: U(-1/sqrt(20), 1/sqrt(20))).",
    );
    expect(tl.caption(4)).toMatch(/bias \(256\) was allocated and was initialized \(PyTorch default: U\(-1\/sqrt\(20\)/);
    expect(tl.caption(tl.steps)).toMatch(/^Done: Sequential returned \(2, 10\); every parameter shape is now known \(7,946 parameters\)/);
    for (let k = 0; k <= tl.steps; k++) expect(tl.caption(k).length).toBeGreaterThan(10);
  });

  it("steps back and forth to the same frames", () => {
    const c = tl.cursor();
    const snapshots = [];
    for (let k = 0; k <= tl.steps; k++) {
      c.seek(k);
      snapshots.push(JSON.stringify([...c.nodes.entries()]) + JSON.stringify(c.edges));
    }
    for (let k = tl.steps; k >= 0; k--) {
      c.seek(k);
      expect(JSON.stringify([...c.nodes.entries()]) + JSON.stringify(c.edges)).toBe(snapshots[k]);
    }
    c.seek(3);
    c.seek(tl.steps);
    c.seek(1);
    expect(JSON.stringify([...c.nodes.entries()]) + JSON.stringify(c.edges)).toBe(snapshots[1]);
  });

  it("reports only what a step touched", () => {
    const c = tl.cursor();
    c.seek(5);
    const t = c.seek(6); // enter ReLU
    expect([...t.nodes]).toEqual(["n2"]);
  });

  it("clamps out-of-range steps", () => {
    expect(tl.frameAt(999).step).toBe(tl.steps);
    expect(tl.frameAt(-3).step).toBe(0);
  });

  it("sends the batch along edges and reveals them", () => {
    const enterRelu = tl.trace.events.findIndex((e) => e.kind === "enter" && e.node === "n2") + 1;
    const e12 = tl.trace.edges.findIndex((e) => e.src === "n1" && e.dst === "n2");
    expect(tl.travel(enterRelu)).toEqual([e12]);
    expect(tl.frameAt(enterRelu - 1).edges[e12]).toBe(true); // flowed when 0 returned
    expect(tl.frameAt(0).edges.every((x) => !x)).toBe(true);
    const out = tl.trace.nodes.find((n) => n.kind === "output")!;
    expect(tl.frameAt(0).state(out.id)).toBe("unresolved");
    expect(tl.frameAt(tl.steps).node(out.id)!.outShapes).toEqual([[2, 10]]);
  });
});

describe("structure-only trace", () => {
  const tl = new Timeline(fixture("mlp_structure"));
  it("has no steps; lazy nodes unresolved, known ones resolved", () => {
    expect(tl.steps).toBe(0);
    expect(tl.animated).toBe(false);
    const s = stateByPath(tl, 0);
    expect(s).toEqual({ "": "unresolved", "0": "unresolved", "1": "resolved", "2": "unresolved" });
    expect(tl.caption(0)).toMatch(/No batch has run yet: 2 lazy modules/);
  });
});

describe("error trace", () => {
  const tl = new Timeline(fixture("eager_mismatch"));
  const err = tl.trace.error!;
  it("marks the failing node red with the framework's message at the error step", () => {
    const f = tl.frameAt(tl.steps);
    expect(f.state(err.node)).toBe("error");
    expect(f.node(err.node)!.error).toBe(`RuntimeError: ${err.message}`);
    expect(tl.frameAt(tl.steps - 1).state(err.node)).not.toBe("error");
  });
  it("keeps everything before it resolved and the rest untouched", () => {
    const s = stateByPath(tl, tl.steps);
    expect(s["0"]).toBe("resolved");
    expect(s["1"]).toBe("resolved");
    expect(s[""]).toBe("resolved"); // the root was unwound by the exception
    expect(s["3"]).toBe("unresolved"); // a lazy layer the batch never reached
  });
  it("explains the mismatch", () => {
    // the fix in code comes from the record (Python's doctor), not from parsing the message
    expect(err.hint).toMatch(/^Layer 2 expects 20 input features but got 4/);
    expect(tl.caption(tl.steps)).toContain(`2 · Linear failed with RuntimeError: mat1 and mat2`);
    expect(tl.caption(tl.steps)).toContain(err.hint!);
    expect(tl.paramCounts(tl.steps).pending).toBe(1); // the unreached LazyLinear(2) weight (2, ?)
  });
});

describe("init events (defer_init's real order: after both materializes)", () => {
  const tl = new Timeline(fixture("mlp_init"));
  it("shows an init as its own step, and leaves the default-init words out", () => {
    const k = tl.trace.events.findIndex((e) => e.kind === "init") + 1;
    expect(tl.caption(k)).toBe(
      "init 0.weight (256, 20) with xavier_uniform: the deferred initializer fills it the moment its shape is known.",
    );
    expect(tl.caption(k + 1)).toBe(
      "init 0.bias (256) with xavier_uniform (as a bias, it gets zeros): the deferred initializer fills it the moment its shape is known.",
    );
    expect(tl.caption(k - 2)).toBe("0 · LazyLinear: in_features = 20, so its weight (256, ?) became (256, 20).");
    expect(tl.caption(k - 1)).toBe("0 · LazyLinear: its bias (256) was allocated.");
    expect(tl.frameAt(k).node("n1")!.inits[0]).toBe("xavier_uniform");
    expect(tl.frameAt(k - 1).node("n1")!.inits[0]).toBeNull();
  });
});

describe("residual model", () => {
  const tl = new Timeline(fixture("residual_cat"));
  it("travels both inputs of the add and of the cat", () => {
    const add = tl.trace.nodes.find((n) => n.type === "add")!;
    const k = tl.trace.events.findIndex((e) => e.kind === "enter" && e.node === add.id) + 1;
    const srcs = tl.travel(k).map((e) => tl.trace.edges[e]!.src).sort();
    expect(srcs).toEqual(["n1", "n4"]);
    expect(tl.caption(k)).toBe("add combines (2, 8) and (2, 8): a skip connection joins two paths.");
    const cat = tl.trace.nodes.find((n) => n.type === "cat")!;
    const kc = tl.trace.events.findIndex((e) => e.kind === "enter" && e.node === cat.id) + 1;
    expect(tl.travel(kc).map((e) => tl.trace.edges[e]!.src).sort()).toEqual(["in0", "n7"]);
  });
  it("keeps the nested container unresolved until its lazy child resolves", () => {
    const s0 = stateByPath(tl, 0);
    expect(s0["b"]).toBe("unresolved");
    expect(s0["b.1"]).toBe("resolved");
    const end = stateByPath(tl, tl.steps);
    expect(Object.values(end).every((x) => x === "resolved")).toBe(true);
  });
});

describe("big models", () => {
  it("resolves every node of the ResNet-like model at the end", () => {
    const tl = new Timeline(fixture("resnetish"));
    const s = stateByPath(tl, tl.steps);
    expect(Object.values(s).every((x) => x === "resolved")).toBe(true);
    expect(tl.paramCounts(tl.steps).pending).toBe(0);
    // a module called three times (the block's shared ReLU) is entered three times
    const relu = tl.trace.nodes.find((n) => n.path === "3.0.relu")!;
    expect(tl.trace.events.filter((e) => e.kind === "enter" && e.node === relu.id)).toHaveLength(3);
  });
});

describe("stops of step and play", async () => {
  const { nextStop } = await import("../src/stops");
  // events 3..6 happen inside collapsed box "B"
  const boxAt = (k: number): string | null => (k >= 3 && k <= 6 ? "B" : null);
  it("moves one event at a time outside folded boxes", () => {
    expect(nextStop(10, 0, 1, boxAt)).toBe(1);
    expect(nextStop(10, 8, -1, boxAt)).toBe(7);
    expect(nextStop(10, 10, 1, boxAt)).toBe(10);
    expect(nextStop(10, 0, -1, boxAt)).toBe(0);
  });
  it("passes a run of folded events as one step, both ways", () => {
    expect(nextStop(10, 2, 1, boxAt)).toBe(6);
    expect(nextStop(10, 6, -1, boxAt)).toBe(2);
    expect(nextStop(10, 7, -1, boxAt)).toBe(6);
  });
});

describe("words from the record, not from a framework", () => {
  it("narrates a Keras model in Keras' terms", () => {
    const tl = new Timeline(fixture("keras_mlp"));
    expect(tl.caption(0)).toMatch(/Nothing has run yet: 2 lazy modules/);
    expect(tl.caption(2)).toBe("dense · Dense saw input (2, 20): input_dim = 20, which fills the ? in its kernel (?, 256).");
    expect(tl.caption(3)).toBe(
      "dense · Dense: input_dim = 20, so its kernel (?, 256) became (20, 256) and was initialized (Keras kernel_initializer: GlorotUniform).",
    );
    expect(tl.caption(4)).toBe("dense · Dense: its bias (256) was allocated and was initialized (Keras bias_initializer: Zeros).");
    const s = buildStructure(tl.trace);
    expect(tl.trace.nodes.filter((n) => n.type === "Dense").map((n) => familyOf(s, n))).toEqual(["linear", "linear"]);
  });

  it("names the framework that cannot know the sizes yet", () => {
    expect(new Timeline(fixture("mlp_structure")).caption(0)).toContain("sizes PyTorch cannot know yet");
    const keras = fixture("keras_mlp");
    keras.events = [];
    expect(new Timeline(keras).caption(0)).toContain("sizes Keras cannot know yet");
  });

  it("gives a record saved before the words existed plainer ones, and no colours", () => {
    const t = withoutMeaning(fixture("mlp"));
    const tl = new Timeline(t);
    expect(tl.caption(2)).toBe("0 · LazyLinear saw input (2, 20): its unknown sizes (weight (256, ?)) are read off this input.");
    expect(tl.caption(3)).toBe("0 · LazyLinear: its weight (256, ?) became (256, 20) and was initialized.");
    const s = buildStructure(t);
    expect(t.nodes.map((n) => familyOf(s, n))).toEqual(["io", "container", "other", "other", "other", "io"]);
    const structure = withoutMeaning(fixture("mlp_structure"));
    expect(new Timeline(structure).caption(0)).toContain("sizes the framework cannot know yet");
  });

  it("reads the inferred size off the dimension the record names", () => {
    const t = fixture("all_lazy");
    const tl = new Timeline(t);
    const captions = (path: string): string => {
      const n = t.nodes.find((x) => x.path === path)!;
      return tl.caption(t.events.findIndex((e) => e.kind === "enter" && e.node === n.id) + 1);
    };
    expect(captions("layers.conv2d")).toContain("(2, 6, 5, 5): in_channels = 6,");
    expect(captions("layers.convt3d")).toContain("(2, 6, 3, 4, 5): in_channels = 6,");
    expect(captions("layers.bn1d")).toContain("(2, 6, 7): num_features = 6,");
    expect(captions("layers.linear")).toContain("(2, 42): in_features = 42,");
  });

  it("names a keyword input by its keyword", () => {
    const t = fixture("dict_io");
    expect(t.nodes.filter((n) => n.kind === "input").map(nodeLabel)).toEqual([
      "in0 · args[0]['image']",
      "in1 · args[0]['text'][0]",
      "in2 · args[1]",
      "in3 · extra",
    ]);
  });
});

/** The record as an older lazyviz wrote it: none of the fields that carry the framework's words. */
function withoutMeaning(t: Trace): Trace {
  delete t.framework;
  for (const n of t.nodes) {
    delete n.family;
    delete n.infers;
    delete n.default_init;
  }
  return t;
}

describe("one parameter count", () => {
  it("the header at step 0 says what print(trace) says of the structure", () => {
    // Python's table of the same record: "params 266 known + ? pending (2 tensors)"
    const tl = new Timeline(fixture("mlp_structure"));
    expect(tl.paramCounts(0)).toEqual({ known: 266, pending: 2 });
  });
});
