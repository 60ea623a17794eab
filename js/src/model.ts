// The one typed mirror of what Python sends: the trace schema `lazyviz.trace/1`
// (SPEC §2) and the synced traits of `LazyViz` (docs/widget-state.md).
// Nothing here computes; it only names the shapes of the data.

/** A tensor shape; `null` is a dimension not known yet. */
export type Shape = Array<number | null>;

export interface TensorInfo {
  shape: Shape;
  dtype: string;
}

export interface ParamRecord {
  name: string;
  /** What the module knew before the run; `null` when the parameter did not exist yet. */
  shape_before: Shape | null;
  /** The shape after the run; `null` while unresolved. */
  shape: Shape | null;
  numel: number | null;
  /** Qualified name of the parameter this one is tied to, if any. */
  shared_with: string | null;
}

export type NodeKind = "module" | "op" | "input" | "output";

export interface NodeError {
  type: string;
  message: string;
  /** One sentence naming the likely fix in code (the doctor, computed in Python), or null. */
  hint?: string | null;
}

export interface TraceNode {
  id: string;
  path: string;
  type: string;
  kind: NodeKind;
  /** Path of the enclosing container; `null` for the root module and for inputs/outputs. */
  parent: string | null;
  lazy: boolean;
  params: ParamRecord[];
  input_shapes: Shape[];
  output_shapes: Shape[];
  calls: number;
  error: NodeError | null;
}

export interface TraceEdge {
  src: string;
  dst: string;
}

export interface EnterEvent {
  seq?: number;
  kind: "enter";
  node: string;
  shapes?: Shape[];
}
export interface ExitEvent {
  seq?: number;
  kind: "exit";
  node: string;
  shapes?: Shape[];
}
export interface MaterializeEvent {
  seq?: number;
  kind: "materialize";
  node: string;
  param: string;
  shape: Shape;
}
export interface InitEvent {
  seq?: number;
  kind: "init";
  node: string;
  param: string;
  init: string;
  /** What a bias or norm scale really got under a weight init (`"zeros"`, `"ones"`). */
  fill?: string;
}
export interface ErrorEvent {
  seq?: number;
  kind: "error";
  node: string;
  path?: string;
  type: string;
  message: string;
  /** One sentence naming the likely fix in code (the doctor, computed in Python), or null. */
  hint?: string | null;
}

export type TraceEvent = EnterEvent | ExitEvent | MaterializeEvent | InitEvent | ErrorEvent;

export interface TraceError {
  node: string;
  path: string;
  type: string;
  message: string;
  /** One sentence naming the likely fix in code (the doctor, computed in Python), or null. */
  hint?: string | null;
}

export interface Trace {
  schema: string;
  model: string;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  nodes: TraceNode[];
  edges: TraceEdge[];
  events: TraceEvent[];
  error: TraceError | null;
}

/** The synced traits of `lazyviz.LazyViz` (docs/widget-state.md). */
export interface Traits {
  runs: Trace[];
  run: number;
  step: number;
  playing: boolean;
  speed: number;
  selected: string;
  histograms: Record<string, unknown>;
  /** `forwards[i]`: forwards of the user's model that produced exactly `runs[i]` (watch); a missing count is 1. */
  forwards: number[];
  /** `{node_id: sentence}`: why that node has no histograms; shown instead of them. */
  histogram_notes: Record<string, string>;
  /** One sentence about what the widget cannot show (a compiled model), or `""`. */
  note: string;
  height: number;
  /** Fold depth: containers nested deeper than this below the root start collapsed (0: only the root's children show); null: the automatic rule (layout/visible.ts). */
  depth: number | null;
}

export type TraitName = keyof Traits;

/**
 * The part of anywidget's model the front end uses. The offline page's small
 * model object implements exactly this, so it is kept minimal on purpose.
 */
export interface WidgetModel {
  get<K extends TraitName>(name: K): Traits[K] | undefined;
  set<K extends TraitName>(name: K, value: Traits[K]): void;
  save_changes(): void;
  /** Trait events (`change:<name>`) pass `(model, value)`; `msg:custom` passes `(content, buffers)`. */
  on(event: string, callback: (...args: unknown[]) => void): void;
  off(event?: string | null, callback?: ((...args: unknown[]) => void) | null): void;
}

/** A structure-only trace with nothing in it: what an empty `runs` shows. */
export function emptyTrace(): Trace {
  return {
    schema: "lazyviz.trace/1",
    model: "",
    inputs: [],
    outputs: [],
    nodes: [],
    edges: [],
    events: [],
    error: null,
  };
}

/** Reads the trace on screen from the traits, tolerating a missing or out-of-range `run`. */
export function currentTrace(runs: Trace[] | undefined, run: number | undefined): { trace: Trace; index: number } {
  const list = Array.isArray(runs) ? runs : [];
  if (list.length === 0) return { trace: emptyTrace(), index: 0 };
  const raw = typeof run === "number" && Number.isFinite(run) ? Math.trunc(run) : list.length - 1;
  const index = Math.min(Math.max(raw, 0), list.length - 1);
  return { trace: normalizeTrace(list[index]!), index };
}

/** Fills in fields an older or hand-written trace may omit, so later code never checks. */
export function normalizeTrace(t: Partial<Trace>): Trace {
  return {
    schema: t.schema ?? "lazyviz.trace/1",
    model: t.model ?? "",
    inputs: t.inputs ?? [],
    outputs: t.outputs ?? [],
    nodes: (t.nodes ?? []).map((n) => ({
      ...n,
      params: n.params ?? [],
      input_shapes: n.input_shapes ?? [],
      output_shapes: n.output_shapes ?? [],
      calls: n.calls ?? 0,
      error: n.error ?? null,
      lazy: !!n.lazy,
      parent: n.parent ?? null,
    })),
    edges: t.edges ?? [],
    events: t.events ?? [],
    error: t.error ?? null,
  };
}
