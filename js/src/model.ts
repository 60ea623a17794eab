// What Python sends: the trace schema `lazyviz.trace/1` (docs/trace-schema.md) and the
// synced traits of `LazyViz` (docs/widget-state.md). The types themselves are
// generated from lazyviz/schema.json (generated/schema.ts); this file names
// them for the front end, says which part of anywidget's model it uses, and
// fills in what an older record may omit.

export type {
  EnterEvent,
  ErrorEvent,
  ExitEvent,
  Inference,
  InitEvent,
  InitHistogram,
  KnownShape,
  MaterializeEvent,
  NodeError,
  NodeFamily,
  NodeKind,
  ParamRecord,
  Shape,
  TensorInfo,
  Trace,
  TraceEdge,
  TraceError,
  TraceEvent,
  TraceNode,
} from "./generated/schema";
import type { LazyVizState, Trace } from "./generated/schema";

/** The synced traits of `lazyviz.LazyViz` (docs/widget-state.md). */
export type Traits = LazyVizState;

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
    ...t, // the optional fields (`framework`, `compiled`) as they are
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
