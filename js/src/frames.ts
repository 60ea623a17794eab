// What the animation is made of, step by step: the frame each node is in,
// the parameter counts, and what one step changed. The simulation writes them
// (simulate.ts), the timeline keeps and replays them (timeline.ts), captions
// and the view read them; kept apart so none of those imports another for a
// type (timeline.ts says what the states mean).

import type { Shape } from "./model";

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

export interface Touched {
  nodes: Set<string>;
  edges: Set<number>;
}

/**
 * One step's node changes, flat: id, frame before, frame after, id, ... (one
 * array per step instead of an object per change: a long run keeps them all).
 */
export type Changes = ReadonlyArray<string | NodeFrame>;

export interface StepRecord {
  changes: Changes;
  edges: ReadonlyArray<number>;
  travel: ReadonlyArray<number>;
  active: string | null;
  counts: Counts;
}

/** Where the simulation records the run (the Timeline). */
export interface StepSink {
  /** The frame a node starts in (step 0). */
  setStart(id: string, f: NodeFrame): void;
  /** What step k changed; steps come in order. */
  record(k: number, data: StepRecord): void;
}
