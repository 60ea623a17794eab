// The animation as a pure state machine over the trace's events (no DOM).
//
// Step k means "the first k events have happened": 0 is nothing played, n is
// the end. The run is simulated once, forward (simulate.ts), as far as a
// reader has asked (a 20,000-module run has ~80,000 steps: opening it must
// not wait for all of them), and every step keeps the list of node/edge
// frames it replaced, so seeking either way only touches what those steps
// touched (what keeps a 1,000-node graph at 60 fps). Captions are written
// when a step is first shown, from a cursor of their own.
//
// State rules (the `data-state` of docs/widget-state.md, DOM):
// - a leaf is `unresolved` while one of its parameter shapes is unknown, and
//   `resolved` once they are all known or the batch has left it;
// - an input is resolved from the start; an output once data reached it;
// - a container is `unresolved` while a child is, until the batch leaves it;
// - the failing node of an `error` event is `error`; the containers around it
//   close (resolved), everything before it stays resolved.

import type { Trace, TraceEvent } from "./model";
import { buildStructure, type Structure } from "./structure";
import type { Changes, Counts, NodeFrame, NodeState, StepRecord, StepSink, Touched } from "./frames";
import { captionFor } from "./narrate";
import { Simulation } from "./simulate";

export class Timeline implements StepSink {
  readonly structure: Structure;
  readonly trace: Trace;
  readonly steps: number;
  /** True when the trace carries events (a batch was run), false for structure only. */
  readonly animated: boolean;
  private readonly start = new Map<string, NodeFrame>();
  private readonly nodeChanges: Changes[] = [];
  private readonly edgeChanges: ReadonlyArray<number>[] = [];
  private readonly travels: ReadonlyArray<number>[] = [];
  private readonly actives: Array<string | null> = [];
  private readonly counts: Counts[] = [];
  private readonly captions = new Map<number, string>();
  private captionCursor: Cursor | null = null;
  /** The simulation, until every step is recorded; `simulated` steps are so far. */
  private sim: Simulation | null;
  private simulated = 0;

  constructor(source: Trace | Structure) {
    this.structure = "byId" in source ? source : buildStructure(source);
    this.trace = this.structure.trace;
    this.steps = this.trace.events.length;
    this.animated = this.steps > 0;
    this.sim = new Simulation(this.structure, this.animated);
    this.captions.set(0, this.sim.start(this));
    if (this.steps === 0) this.sim = null;
  }

  /** Simulates up to step k (the steps before it first). */
  private reach(k: number): void {
    if (k <= this.simulated || !this.sim) return;
    while (this.simulated < k) this.sim.step(this, ++this.simulated);
    if (this.simulated === this.steps) this.sim = null;
  }

  /** @internal used by the simulation to record the run. */
  record(k: number, data: StepRecord): void {
    this.nodeChanges[k] = data.changes;
    this.edgeChanges[k] = data.edges;
    this.travels[k] = data.travel;
    this.actives[k] = data.active;
    this.counts[k] = data.counts;
  }

  /** @internal */
  setStart(id: string, f: NodeFrame): void {
    this.start.set(id, f);
  }

  /** Clamps k to 0..steps and makes sure that step is simulated. */
  private clamp(k: number): number {
    const c = Math.min(Math.max(Math.trunc(Number.isFinite(k) ? k : 0), 0), this.steps);
    this.reach(c);
    return c;
  }

  /** The event shown at step k (the k-th event), or null at step 0 (read from the trace: simulates nothing). */
  event(k: number): TraceEvent | null {
    const c = Math.min(Math.max(Math.trunc(Number.isFinite(k) ? k : 0), 0), this.steps);
    return c === 0 ? null : this.trace.events[c - 1]!;
  }

  /**
   * Simulates ahead for about `ms` milliseconds (the view calls it when idle,
   * so a later jump across thousands of steps finds them ready). Returns
   * whether every step is simulated.
   */
  prepare(ms: number): boolean {
    const until = performance.now() + ms;
    while (this.sim && performance.now() < until) this.reach(Math.min(this.steps, this.simulated + 500));
    return this.sim === null;
  }
  caption(k: number): string {
    const c = this.clamp(k);
    let text = this.captions.get(c);
    if (text === undefined) {
      // The frames after step c, as the simulation saw them when it reached c.
      this.captionCursor ??= this.cursor();
      this.captionCursor.seek(c);
      const events = this.trace.events;
      text = captionFor(this.structure, events[c - 1]!, {
        frames: this.captionCursor.nodes,
        counts: this.counts[c]!,
        events,
        index: c - 1,
        last: c === events.length,
      });
      this.captions.set(c, text);
    }
    return text;
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
    return [...(this.travels[this.clamp(k)] ?? [])];
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
  changesAt(k: number): { nodes: Changes; edges: ReadonlyArray<number> } {
    this.reach(k);
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
      this.replay(this.step, true, touched);
    }
    while (this.step > target) {
      this.replay(this.step, false, touched);
      this.step -= 1;
    }
    return touched;
  }

  /** Redoes step k (`forward`) or undoes it: its nodes take their frame after or before it, its edges flip. */
  private replay(k: number, forward: boolean, touched: Touched): void {
    const { nodes, edges } = this.timeline.changesAt(k);
    // Changes come as (id, before, after); undoing walks them backwards, so a node changed twice ends at its first "before".
    const frame = forward ? 2 : 1;
    for (let j = 0; j < nodes.length; j += 3) {
      const i = forward ? j : nodes.length - 3 - j;
      const id = nodes[i] as string;
      this.nodes.set(id, nodes[i + frame] as NodeFrame);
      touched.nodes.add(id);
    }
    for (const e of edges) {
      this.edges[e] = !this.edges[e];
      touched.edges.add(e);
    }
  }
}
