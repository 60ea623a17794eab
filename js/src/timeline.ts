// The animation as a pure state machine over the trace's events (no DOM).
//
// Step k means "the first k events have happened": 0 is nothing played, n is
// the end. The whole run is simulated once, forward, and every step keeps the
// list of node/edge frames it replaced, so seeking either way only touches
// what those steps touched (what keeps a 1,000-node graph at 60 fps).
//
// State rules (SPEC §3, see docs/widget-state.md):
// - a leaf is `unresolved` while one of its parameter shapes is unknown, and
//   `resolved` once they are all known or the batch has left it;
// - an input is resolved from the start; an output once data reached it;
// - a container is `unresolved` while a child is, until the batch leaves it;
// - the failing node of an `error` event is `error`; the containers around it
//   close (resolved), everything before it stays resolved.

import type { Shape, Trace, TraceEvent, TraceNode } from "./model";
import { isKnown, numel } from "./format";
import { ancestors, buildStructure, isContainer, type Structure } from "./structure";
import { captionFor, introCaption } from "./narrate";

export type NodeState = "unresolved" | "resolved" | "error";
/** idle: the batch has not reached it (yet); open: inside its call; done: it has run. */
export type Visit = "idle" | "open" | "done";

export interface NodeFrame {
  readonly state: NodeState;
  readonly visit: Visit;
  /** Current shape of each parameter (index as in the node's `params`); null = existence unknown. */
  readonly params: ReadonlyArray<Shape | null>;
  /** Label of the `init` applied to each parameter, if any. */
  readonly inits: ReadonlyArray<string | null>;
  /** Input/output shapes seen so far (last call); null before the batch got there. */
  readonly inShapes: ReadonlyArray<Shape> | null;
  readonly outShapes: ReadonlyArray<Shape> | null;
  /** `RuntimeError: ...` once the node failed. */
  readonly error: string | null;
}

export interface Counts {
  /** Number of scalars in parameters whose shape is known. */
  known: number;
  /** Number of parameter tensors whose shape is still unknown. */
  pending: number;
}

interface Change {
  id: string;
  before: NodeFrame;
  after: NodeFrame;
}

export interface Touched {
  nodes: Set<string>;
  edges: Set<number>;
}

export class Timeline {
  readonly structure: Structure;
  readonly trace: Trace;
  readonly steps: number;
  /** True when the trace carries events (a batch was run), false for structure only. */
  readonly animated: boolean;
  private readonly start = new Map<string, NodeFrame>();
  private readonly nodeChanges: Change[][] = [];
  private readonly edgeChanges: number[][] = [];
  private readonly travels: number[][] = [];
  private readonly actives: Array<string | null> = [];
  private readonly counts: Counts[] = [];
  private readonly captions: string[] = [];

  constructor(source: Trace | Structure) {
    this.structure = "byId" in source ? source : buildStructure(source);
    this.trace = this.structure.trace;
    this.steps = this.trace.events.length;
    this.animated = this.steps > 0;
    new Simulation(this.structure, this.animated).run(this);
  }

  /** @internal used by the simulation to record the run. */
  record(
    k: number,
    data: { changes: Change[]; edges: number[]; travel: number[]; active: string | null; counts: Counts; caption: string },
  ): void {
    this.nodeChanges[k] = data.changes;
    this.edgeChanges[k] = data.edges;
    this.travels[k] = data.travel;
    this.actives[k] = data.active;
    this.counts[k] = data.counts;
    this.captions[k] = data.caption;
  }

  /** @internal */
  setStart(id: string, f: NodeFrame): void {
    this.start.set(id, f);
  }

  private clamp(k: number): number {
    return Math.min(Math.max(Math.trunc(Number.isFinite(k) ? k : 0), 0), this.steps);
  }

  /** The event shown at step k (the k-th event), or null at step 0. */
  event(k: number): TraceEvent | null {
    const c = this.clamp(k);
    return c === 0 ? null : this.trace.events[c - 1]!;
  }
  caption(k: number): string {
    return this.captions[this.clamp(k)]!;
  }
  /** The node of the event at step k: the one drawn with the accent highlight. */
  active(k: number): string | null {
    return this.actives[this.clamp(k)]!;
  }
  paramCounts(k: number): Counts {
    return this.counts[this.clamp(k)]!;
  }
  /** Edge indices (into `trace.edges`) the batch travels along when arriving at step k. */
  travel(k: number): number[] {
    return this.travels[this.clamp(k)] ?? [];
  }

  cursor(): Cursor {
    return new Cursor(this, new Map(this.start), this.trace.edges.map(() => false));
  }

  /** A fresh frame at step k (tests and one-off reads; the view keeps a Cursor). */
  frameAt(k: number): Cursor {
    const c = this.cursor();
    c.seek(k);
    return c;
  }

  /** @internal */
  changesAt(k: number): { nodes: Change[]; edges: number[] } {
    return { nodes: this.nodeChanges[k] ?? [], edges: this.edgeChanges[k] ?? [] };
  }
  /** @internal */
  clampStep(k: number): number {
    return this.clamp(k);
  }
}

/** A position in the timeline with its node and edge frames; seeks both ways. */
export class Cursor {
  step = 0;
  constructor(
    private readonly timeline: Timeline,
    readonly nodes: Map<string, NodeFrame>,
    /** Whether data has flowed along each edge of `trace.edges`. */
    readonly edges: boolean[],
  ) {}

  node(id: string): NodeFrame | undefined {
    return this.nodes.get(id);
  }
  state(id: string): NodeState | undefined {
    return this.nodes.get(id)?.state;
  }

  /** Moves to step k; returns what changed so the view updates only that. */
  seek(k: number): Touched {
    const target = this.timeline.clampStep(k);
    const touched: Touched = { nodes: new Set(), edges: new Set() };
    while (this.step < target) {
      this.step += 1;
      const ch = this.timeline.changesAt(this.step);
      for (const c of ch.nodes) {
        this.nodes.set(c.id, c.after);
        touched.nodes.add(c.id);
      }
      for (const e of ch.edges) {
        this.edges[e] = !this.edges[e];
        touched.edges.add(e);
      }
    }
    while (this.step > target) {
      const ch = this.timeline.changesAt(this.step);
      for (let i = ch.nodes.length - 1; i >= 0; i--) {
        const c = ch.nodes[i]!;
        this.nodes.set(c.id, c.before);
        touched.nodes.add(c.id);
      }
      for (const e of ch.edges) {
        this.edges[e] = !this.edges[e];
        touched.edges.add(e);
      }
      this.step -= 1;
    }
    return touched;
  }
}

/** Runs the events once, forward, and records every step's changes into the Timeline. */
class Simulation {
  private readonly frames = new Map<string, NodeFrame>();
  private readonly exited = new Set<string>();
  private readonly flowed: boolean[];
  private readonly flowStep: number[];
  private readonly lastEnter = new Map<string, number>();
  private readonly inEdges = new Map<string, number[]>();
  private readonly outEdges = new Map<string, number[]>();
  private readonly countable = new Map<string, boolean[]>();
  private changes: Change[] = [];
  private edgeFlips: number[] = [];
  private readonly totals: Counts = { known: 0, pending: 0 };
  /** container id -> how many of its direct children are unresolved (O(1) container states). */
  private readonly unresolvedKids = new Map<string, number>();

  constructor(
    private readonly s: Structure,
    private readonly animated: boolean,
  ) {
    const edges = s.trace.edges;
    this.flowed = edges.map(() => false);
    this.flowStep = edges.map(() => -1);
    edges.forEach((e, i) => {
      push(this.inEdges, e.dst, i);
      push(this.outEdges, e.src, i);
    });
    // A parameter tied to one counted earlier is not counted twice.
    const seen = new Set<string>();
    for (const n of s.nodes) {
      const flags = n.params.map((p) => {
        const qn = n.path ? `${n.path}.${p.name}` : p.name;
        const dup = p.shared_with != null && seen.has(p.shared_with);
        seen.add(qn);
        return !dup;
      });
      this.countable.set(n.id, flags);
    }
  }

  run(tl: Timeline): void {
    for (const n of this.s.nodes) {
      const f = this.initialFrame(n);
      this.frames.set(n.id, f);
      this.tally(n.id, f.params, 1);
    }
    // Containers take their state from their children: settle bottom-up.
    const byDepth = [...this.s.nodes].sort((a, b) => (this.s.depth.get(b.id) ?? 0) - (this.s.depth.get(a.id) ?? 0));
    for (const n of byDepth) {
      if (isContainer(this.s, n.id)) this.frames.set(n.id, this.withState(n, this.frames.get(n.id)!));
      this.countKid(n.id, this.frames.get(n.id)!.state, 1);
    }
    for (const [id, f] of this.frames) tl.setStart(id, f);
    tl.record(0, { changes: [], edges: [], travel: [], active: null, counts: this.count(), caption: introCaption(this.s, this.count(), this.animated) });

    this.s.trace.events.forEach((ev, i) => {
      const k = i + 1;
      this.changes = [];
      this.edgeFlips = [];
      const travel = this.apply(ev, k);
      const counts = this.count();
      tl.record(k, {
        changes: this.changes,
        edges: this.edgeFlips,
        travel,
        active: this.s.byId.has(ev.node) ? ev.node : null,
        counts,
        caption: captionFor(this.s, ev, { frames: this.frames, counts, events: this.s.trace.events, index: i, last: k === this.s.trace.events.length }),
      });
    });
  }

  private initialFrame(n: TraceNode): NodeFrame {
    const params = n.params.map((p) => p.shape_before ?? null);
    const base: NodeFrame = {
      state: "resolved",
      visit: n.kind === "input" && this.animated ? "done" : "idle",
      params,
      inits: n.params.map(() => null),
      inShapes: null,
      outShapes: n.kind === "input" ? n.output_shapes : null,
      error: null,
    };
    return this.withState(n, base);
  }

  /** Recomputes a node's state from its frame (and, for containers, its children). */
  private withState(n: TraceNode, f: NodeFrame): NodeFrame {
    let state: NodeState;
    if (f.error) state = "error";
    else if (n.kind === "input") state = "resolved";
    else if (n.kind === "output") state = f.outShapes ? "resolved" : "unresolved";
    else if (this.exited.has(n.id)) state = "resolved";
    else {
      const own = f.params.some((p) => !isKnown(p));
      const kids = (this.unresolvedKids.get(n.id) ?? 0) > 0;
      state = own || kids ? "unresolved" : "resolved";
    }
    return state === f.state ? f : { ...f, state };
  }

  private update(id: string, patch: Partial<NodeFrame>): void {
    const n = this.s.byId.get(id);
    const before = this.frames.get(id);
    if (!n || !before) return;
    const after = this.withState(n, { ...before, ...patch });
    this.commit(id, before, after);
    for (const a of ancestors(this.s, id)) {
      const an = this.s.byId.get(a)!;
      const ab = this.frames.get(a)!;
      const aa = this.withState(an, ab);
      if (aa === ab) break;
      this.commit(a, ab, aa);
    }
  }

  private commit(id: string, before: NodeFrame, after: NodeFrame): void {
    if (before === after) return;
    if (before.state !== after.state) {
      this.countKid(id, before.state, -1);
      this.countKid(id, after.state, 1);
    }
    if (before.params !== after.params) {
      this.tally(id, before.params, -1);
      this.tally(id, after.params, 1);
    }
    this.frames.set(id, after);
    this.changes.push({ id, before, after });
  }

  private countKid(id: string, state: NodeState, sign: 1 | -1): void {
    const p = this.s.parentOf.get(id);
    if (p == null || state !== "unresolved") return;
    this.unresolvedKids.set(p, (this.unresolvedKids.get(p) ?? 0) + sign);
  }

  private flow(e: number, k: number): void {
    this.flowStep[e] = k;
    if (!this.flowed[e]) {
      this.flowed[e] = true;
      this.edgeFlips.push(e);
    }
  }

  private apply(ev: TraceEvent, k: number): number[] {
    const n = this.s.byId.get(ev.node);
    if (!n) return [];
    const f = this.frames.get(n.id)!;
    const travel: number[] = [];
    switch (ev.kind) {
      case "enter": {
        for (const e of this.inEdges.get(n.id) ?? []) {
          const src = this.s.byId.get(this.s.trace.edges[e]!.src);
          if (src?.kind === "input") this.flow(e, k);
          if (this.flowed[e] && this.flowStep[e] >= (this.lastEnter.get(n.id) ?? -1)) travel.push(e);
        }
        this.lastEnter.set(n.id, k);
        this.update(n.id, { visit: "open", inShapes: ev.shapes ?? n.input_shapes });
        break;
      }
      case "materialize": {
        const i = n.params.findIndex((p) => p.name === ev.param);
        if (i >= 0) {
          const params = [...f.params];
          params[i] = ev.shape;
          this.update(n.id, { params });
        }
        break;
      }
      case "init": {
        const i = n.params.findIndex((p) => p.name === ev.param);
        if (i >= 0) {
          const inits = [...f.inits];
          inits[i] = ev.init;
          this.update(n.id, { inits });
        }
        break;
      }
      case "exit": {
        // Whatever the module learned during the call is known once it returns.
        const params = f.params.map((p, i) => (isKnown(p) ? p : (n.params[i]!.shape ?? p)));
        this.exited.add(n.id);
        this.update(n.id, { visit: "done", params, outShapes: ev.shapes ?? n.output_shapes });
        for (const e of this.outEdges.get(n.id) ?? []) {
          this.flow(e, k);
          const dst = this.s.byId.get(this.s.trace.edges[e]!.dst);
          if (dst?.kind === "output") {
            travel.push(e);
            this.reachOutput(dst);
          }
        }
        break;
      }
      case "error": {
        this.update(n.id, { visit: "done", error: `${ev.type}: ${ev.message}` });
        // The exception unwinds every open call: those containers are done.
        for (const [id, fr] of [...this.frames]) {
          if (fr.visit === "open" && id !== n.id) {
            this.exited.add(id);
            this.update(id, { visit: "done" });
          }
        }
        break;
      }
    }
    return travel;
  }

  private reachOutput(out: TraceNode): void {
    const ready = (this.inEdges.get(out.id) ?? []).every((e) => this.flowed[e]);
    if (!ready) return;
    this.update(out.id, { visit: "done", inShapes: out.input_shapes, outShapes: out.input_shapes });
  }

  private count(): Counts {
    return { ...this.totals };
  }

  /** Adds (sign 1) or removes (sign -1) a node's parameters from the running totals. */
  private tally(id: string, params: ReadonlyArray<Shape | null>, sign: 1 | -1): void {
    const flags = this.countable.get(id);
    params.forEach((p, i) => {
      if (flags && !flags[i]) return;
      const m = numel(p);
      if (m === null) this.totals.pending += sign;
      else this.totals.known += sign * m;
    });
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
