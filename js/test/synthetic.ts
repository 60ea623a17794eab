// Trace records built in code, in the shape the trace engine emits (see
// fixtures/ for real ones): stacks of blocks of any size, so folding and the
// quick layout are tested on exactly the repetition they are about.
import type { ParamRecord, Shape, Trace, TraceEdge, TraceEvent, TraceNode } from "../src/model";

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
  let next = 0;
  const node = (n: Omit<TraceNode, "id" | "calls" | "error" | "lazy"> & { lazy?: boolean }): TraceNode => {
    const made: TraceNode = { id: `n${next++}`, calls: 1, error: null, lazy: false, ...n };
    nodes.push(made);
    return made;
  };
  const shape = (w: number): Shape => [batch, w];
  nodes.push({ id: "in0", path: "in0", type: "input", kind: "input", parent: null, lazy: false, params: [], input_shapes: [], output_shapes: [shape(features)], calls: 1, error: null });
  const root = node({ path: "", type: "Sequential", kind: "module", parent: null, params: [], input_shapes: [shape(features)], output_shapes: [] });
  events.push({ kind: "enter", node: root.id, shapes: [shape(features)] });
  let prev = "in0";
  let width = features;
  blocks.forEach((b, i) => {
    const inp = b.input ?? width;
    const out = b.residual ? inp : b.width;
    const blk = node({ path: `${i}`, type: b.type ?? "Block", kind: "module", parent: "", params: [], input_shapes: [shape(inp)], output_shapes: [shape(out)] });
    const fc = node({ path: `${i}.fc`, type: "LazyLinear", kind: "module", parent: `${i}`, lazy: true, params: linear(b.residual ? inp : b.width, inp), input_shapes: [shape(inp)], output_shapes: [shape(out)] });
    const act = node({ path: `${i}.act`, type: "ReLU", kind: "module", parent: `${i}`, params: [], input_shapes: [shape(out)], output_shapes: [shape(out)] });
    events.push({ kind: "enter", node: blk.id, shapes: [shape(inp)] });
    events.push({ kind: "enter", node: fc.id, shapes: [shape(inp)] });
    events.push({ kind: "materialize", node: fc.id, param: "weight", shape: [out, inp] });
    events.push({ kind: "exit", node: fc.id, shapes: [shape(out)] });
    events.push({ kind: "enter", node: act.id, shapes: [shape(out)] });
    events.push({ kind: "exit", node: act.id, shapes: [shape(out)] });
    edges.push({ src: prev, dst: fc.id }, { src: fc.id, dst: act.id });
    let last = act.id;
    if (b.residual) {
      const add = node({ path: `${i}/add#0`, type: "add", kind: "op", parent: `${i}`, params: [], input_shapes: [shape(out), shape(out)], output_shapes: [shape(out)] });
      events.push({ kind: "enter", node: add.id, shapes: [shape(out), shape(out)] });
      events.push({ kind: "exit", node: add.id, shapes: [shape(out)] });
      edges.push({ src: act.id, dst: add.id }, { src: prev, dst: add.id });
      last = add.id;
    }
    events.push({ kind: "exit", node: blk.id, shapes: [shape(out)] });
    prev = last;
    width = out;
  });
  root.output_shapes = [shape(width)];
  events.push({ kind: "exit", node: root.id, shapes: [shape(width)] });
  nodes.push({ id: "out0", path: "out0", type: "output", kind: "output", parent: null, lazy: false, params: [], input_shapes: [shape(width)], output_shapes: [], calls: 1, error: null });
  edges.push({ src: prev, dst: "out0" });
  events.forEach((e, seq) => (e.seq = seq));
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
