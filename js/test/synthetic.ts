// Trace records built in code, typed by the generated schema (the real
// records the trace engine emits are in tests/golden): stacks of blocks of any
// size, so folding and the quick layout are tested on exactly the repetition
// they are about.
import type { KnownShape, ParamRecord, Trace, TraceEdge, TraceEvent, TraceNode } from "../src/model";

/** An event before it is numbered. */
type Unnumbered<E> = E extends TraceEvent ? Omit<E, "seq"> : never;

export interface BlockSpec {
  /** Output width of the block's first linear layer (its weight is `(width, ?)` before the run). */
  width: number;
  /** Input width it sees (the weight's second dimension once resolved). */
  input?: number;
  /** Type name of the block container. */
  type?: string;
  /** A residual block: its input skips to an `add` at its end (the graph branches). */
  residual?: boolean;
}

function linear(out: number, inp: number): ParamRecord[] {
  return [
    { name: "weight", shape_before: [out, null], shape: [out, inp], numel: out * inp, shared_with: null },
    { name: "bias", shape_before: [out], shape: [out], numel: out, shared_with: null },
  ];
}

/**
 * `Sequential` root whose children are blocks `0`, `1`, ...: each block holds
 * `fc` (a lazy linear layer), `act` (an activation) and, when residual, an
 * `add` op joining the block's input to `act`'s output.
 */
export function stackTrace(blocks: BlockSpec[], batch = 2, features = 8): Trace {
  const nodes: TraceNode[] = [];
  const edges: TraceEdge[] = [];
  const events: TraceEvent[] = [];
  const emit = (e: Unnumbered<TraceEvent>): void => {
    events.push({ ...e, seq: events.length } as TraceEvent);
  };
  let next = 0;
  const node = (n: Omit<TraceNode, "id" | "calls" | "error" | "lazy"> & { lazy?: boolean }): TraceNode => {
    const made: TraceNode = { id: `n${next++}`, calls: 1, error: null, lazy: false, ...n };
    nodes.push(made);
    return made;
  };
  const shape = (w: number): KnownShape => [batch, w];
  nodes.push({ id: "in0", path: "in0", type: "input", kind: "input", parent: null, lazy: false, params: [], input_shapes: [], output_shapes: [shape(features)], calls: 1, error: null });
  const root = node({ path: "", type: "Sequential", kind: "module", parent: null, params: [], input_shapes: [shape(features)], output_shapes: [] });
  emit({ kind: "enter", node: root.id, shapes: [shape(features)] });
  let prev = "in0";
  let width = features;
  blocks.forEach((b, i) => {
    const inp = b.input ?? width;
    const out = b.residual ? inp : b.width;
    const blk = node({ path: `${i}`, type: b.type ?? "Block", kind: "module", parent: "", params: [], input_shapes: [shape(inp)], output_shapes: [shape(out)] });
    const fc = node({ path: `${i}.fc`, type: "LazyLinear", kind: "module", parent: `${i}`, lazy: true, family: "linear", infers: { name: "in_features", dim: -1 }, params: linear(b.residual ? inp : b.width, inp), input_shapes: [shape(inp)], output_shapes: [shape(out)] });
    const act = node({ path: `${i}.act`, type: "ReLU", kind: "module", parent: `${i}`, family: "activation", params: [], input_shapes: [shape(out)], output_shapes: [shape(out)] });
    emit({ kind: "enter", node: blk.id, shapes: [shape(inp)] });
    emit({ kind: "enter", node: fc.id, shapes: [shape(inp)] });
    emit({ kind: "materialize", node: fc.id, param: "weight", shape: [out, inp] });
    emit({ kind: "exit", node: fc.id, shapes: [shape(out)] });
    emit({ kind: "enter", node: act.id, shapes: [shape(out)] });
    emit({ kind: "exit", node: act.id, shapes: [shape(out)] });
    edges.push({ src: prev, dst: fc.id }, { src: fc.id, dst: act.id });
    let last = act.id;
    if (b.residual) {
      const add = node({ path: `${i}/add#0`, type: "add", kind: "op", parent: `${i}`, params: [], input_shapes: [shape(out), shape(out)], output_shapes: [shape(out)] });
      emit({ kind: "enter", node: add.id, shapes: [shape(out), shape(out)] });
      emit({ kind: "exit", node: add.id, shapes: [shape(out)] });
      edges.push({ src: act.id, dst: add.id }, { src: prev, dst: add.id });
      last = add.id;
    }
    emit({ kind: "exit", node: blk.id, shapes: [shape(out)] });
    prev = last;
    width = out;
  });
  root.output_shapes = [shape(width)];
  emit({ kind: "exit", node: root.id, shapes: [shape(width)] });
  nodes.push({ id: "out0", path: "out0", type: "output", kind: "output", parent: null, lazy: false, params: [], input_shapes: [shape(width)], output_shapes: [], calls: 1, error: null });
  edges.push({ src: prev, dst: "out0" });
  return {
    schema: "lazyviz.trace/1",
    model: "Sequential",
    inputs: [{ shape: shape(features), dtype: "float32" }],
    outputs: [{ shape: shape(width), dtype: "float32" }],
    nodes,
    edges,
    events,
    error: null,
  };
}

/** `n` identical blocks (optionally residual). */
export function uniformStack(n: number, residual = false, width = 8): Trace {
  return stackTrace(Array.from({ length: n }, () => ({ width, residual })));
}
