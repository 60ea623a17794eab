// Runs a trace's events once, forward, and records every step's changes
// into a Timeline (timeline.ts says what the states mean). The Timeline asks
// for steps as it needs them, so opening a 100,000-event run costs only its
// first frames. Each step keeps only what it changed, and counts are shared
// until they change.

import type { Shape, TraceEvent, TraceNode } from "./model";
import { isKnown, numel, qualifiedName } from "./format";
import { deepestFirst, isContainer, type Structure } from "./structure";
import { introCaption } from "./narrate";
import type { Counts, NodeFrame, NodeState, StepSink } from "./frames";

const NONE: ReadonlyArray<number> = [];
const NO_PARAMS: ReadonlyArray<never> = [];

/** Runs the events once, forward, step by step, recording each step's changes into the Timeline. */
export class Simulation {
  private readonly frames = new Map<string, NodeFrame>();
  private readonly exited = new Set<string>();
  private readonly flowed: boolean[];
  private readonly flowStep: number[];
  private readonly lastEnter = new Map<string, number>();
  private readonly inEdges = new Map<string, number[]>();
  private readonly outEdges = new Map<string, number[]>();
  private readonly countable = new Map<string, boolean[]>();
  private changes: Array<string | NodeFrame> = [];
  private readonly blanks = new Map<NodeState, NodeFrame>();
  private edgeFlips: number[] = [];
  private readonly totals: Counts = { known: 0, pending: 0 };
  /** The last counts handed out: shared by every step until the totals change. */
  private counted: Counts = { known: -1, pending: -1 };
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
        const qn = qualifiedName(n.path, p.name);
        const dup = p.shared_with != null && seen.has(p.shared_with);
        seen.add(qn);
        return !dup;
      });
      this.countable.set(n.id, flags);
    }
  }

  /** Records the frames before any event (step 0) into `tl`; returns step 0's caption. */
  start(tl: StepSink): string {
    for (const n of this.s.nodes) {
      const f = this.initialFrame(n);
      this.frames.set(n.id, f);
      this.tally(n.id, f.params, 1);
    }
    // Containers take their state from their children: settle bottom-up.
    for (const n of deepestFirst(this.s)) {
      if (isContainer(this.s, n.id)) {
        const f = this.withState(n, this.frames.get(n.id)!);
        this.frames.set(n.id, f.params === NO_PARAMS ? this.blank(f.state) : f);
      }
      this.countKid(n.id, this.frames.get(n.id)!.state, 1);
    }
    for (const [id, f] of this.frames) tl.setStart(id, f);
    tl.record(0, { changes: [], edges: NONE, travel: NONE, active: null, counts: this.count() });
    return introCaption(this.s, this.count(), this.animated);
  }

  /** Plays event k (1-based) and records what it changed; steps come in order. */
  step(tl: StepSink, k: number): void {
    const ev = this.s.trace.events[k - 1]!;
    this.changes = [];
    this.edgeFlips = [];
    const travel = this.apply(ev, k);
    tl.record(k, {
      changes: this.changes,
      edges: this.edgeFlips.length ? this.edgeFlips : NONE,
      travel: travel.length ? travel : NONE,
      active: this.s.byId.has(ev.node) ? ev.node : null,
      counts: this.count(),
    });
  }

  /**
   * The one starting frame of every node with no parameters in a state (most
   * nodes: containers, activations, ops). Frames are immutable, so sharing is
   * safe, and a 30,000-node trace makes three objects instead of 30,000.
   */
  private blank(state: NodeState): NodeFrame {
    let f = this.blanks.get(state);
    if (!f) {
      f = { state, visit: "idle", params: NO_PARAMS, inits: NO_PARAMS, inShapes: null, outShapes: null, error: null };
      this.blanks.set(state, f);
    }
    return f;
  }

  private initialFrame(n: TraceNode): NodeFrame {
    if (n.params.length === 0 && n.kind !== "input") return this.withState(n, this.blank("resolved"));
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
    // Up the containers while their state changes (no ancestor list: this runs per event).
    for (let a = this.s.parentOf.get(id) ?? null, hops = 0; a !== null && hops < 1000; a = this.s.parentOf.get(a) ?? null, hops++) {
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
    this.changes.push(id, before, after);
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
          if (this.flowed[e] && (this.flowStep[e] ?? -1) >= (this.lastEnter.get(n.id) ?? -1)) travel.push(e);
        }
        this.lastEnter.set(n.id, k);
        this.update(n.id, { visit: "open", inShapes: ev.shapes ?? n.input_shapes });
        break;
      }
      case "materialize": {
        const i = n.params.findIndex((p) => p.name === ev.param);
        if (i >= 0) this.update(n.id, { params: replaced(f.params, i, ev.shape) });
        break;
      }
      case "init": {
        const i = n.params.findIndex((p) => p.name === ev.param);
        if (i >= 0) this.update(n.id, { inits: replaced(f.inits, i, ev.init) });
        break;
      }
      case "exit": {
        // Whatever the module learned during the call is known once it returns.
        const learned = f.params.some((p, i) => !isKnown(p) && n.params[i]!.shape != null);
        const params = learned ? f.params.map((p, i) => (isKnown(p) ? p : (n.params[i]!.shape ?? p))) : f.params;
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
    const t = this.totals;
    if (this.counted.known !== t.known || this.counted.pending !== t.pending) this.counted = { ...t };
    return this.counted;
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

/** A copy of `list` with item i replaced (frames are immutable: each step keeps the ones it replaced). */
function replaced<T>(list: readonly T[], i: number, value: T): T[] {
  const out = [...list];
  out[i] = value;
  return out;
}
