// Generated from lazyviz/schema.json by js/scripts/gen-types.mjs (json-schema-to-typescript).
// Do not edit: change the schema and run `cd js && npm run types`.
/* eslint-disable */

/**
 * The contract between lazyviz's Python side and its front end, typed once: the trace record `lazyviz.trace/1` (docs/trace-schema.md), the initializer comparison record `lazyviz.inits/1` (docs/inits-schema.md) and the synced state of the two widgets (docs/widget-state.md). js/src/generated/schema.ts is generated from this file (`cd js && npm run types`); the Python tests validate real records against it. A field added after a record's first version is optional, so a record saved by an older version stays valid.
 */
export type LazyvizRecords = Trace | InitsRecord | LazyVizState | InitsWidgetState;
/**
 * The shape of a tensor that exists.
 */
export type KnownShape = number[];
export type NodeKind = "module" | "op" | "input" | "output";
/**
 * A tensor shape as far as it is known; `null` is a dimension not known yet.
 */
export type Shape = (number | null)[];
/**
 * Added, on module nodes: what kind of layer the module is, for its colour and words, as the framework adapter sees it. A module of none of these kinds has no `family`.
 */
export type NodeFamily =
  "linear" | "conv" | "norm" | "activation" | "pool" | "attention" | "embedding" | "recurrent" | "dropout";
export type TraceEvent = EnterEvent | ExitEvent | MaterializeEvent | InitEvent | ErrorEvent;
/**
 * The law of a parameter under an initializer: its density in the histogram's units, or a point mass.
 */
export type Theory =
  | {
      x: number[];
      pdf: number[];
    }
  | {
      point: number;
    };

/**
 * The trace record `lazyviz.trace/1` (docs/trace-schema.md).
 */
export interface Trace {
  schema: "lazyviz.trace/1";
  /**
   * The model's class name.
   */
  model: string;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  nodes: TraceNode[];
  edges: TraceEdge[];
  events: TraceEvent[];
  error: TraceError | null;
  /**
   * Added: the user's model was `torch.compile`d.
   */
  compiled?: boolean;
  /**
   * Added: the framework's name as a learner reads it (`PyTorch`, `Keras`): whose sizes, defaults and messages the record shows.
   */
  framework?: string;
}
export interface TensorInfo {
  shape: KnownShape;
  /**
   * `float32`, `int64`, ...
   */
  dtype: string;
}
/**
 * A module, a functional operation, an input or an output.
 */
export interface TraceNode {
  /**
   * `in<i>` / `out<i>` for inputs and outputs, `n<k>` for modules and operations.
   */
  id: string;
  /**
   * The module's qualified name (`""` is the root); an operation's is `<module path>/<type>#<k>`; inputs and outputs use their id.
   */
  path: string;
  /**
   * The module's class name, or the operation's plain name (`add`, `cat`, ...).
   */
  type: string;
  kind: NodeKind;
  /**
   * Path of the enclosing module; `null` for the root, inputs and outputs.
   */
  parent: string | null;
  /**
   * The module itself had a parameter whose shape was unknown before the run.
   */
  lazy: boolean;
  params: ParamRecord[];
  /**
   * Tensor shapes of the first call.
   */
  input_shapes: KnownShape[];
  output_shapes: KnownShape[];
  /**
   * How many times the module was entered (a call that raised counts).
   */
  calls: number;
  error: NodeError | null;
  /**
   * Added, inputs only: the keyword (`mask`) or where the tensor sat (`args[0]['image']`) when it did not come as a plain positional argument.
   */
  label?: string;
  family?: NodeFamily;
  infers?: Inference;
  /**
   * Added, on a module whose parameters materialized during the run: by parameter name, how the framework itself filled it then, in words (`PyTorch default: U(-1/sqrt(20), 1/sqrt(20))`, `Keras kernel_initializer: GlorotUniform`).
   */
  default_init?: {
    [k: string]: string;
  };
}
/**
 * One of a module's own parameters, before and after the run.
 */
export interface ParamRecord {
  name: string;
  /**
   * What the module knew before the run; `null` when not even the rank was known (the parameter did not exist yet).
   */
  shape_before: Shape | null;
  /**
   * The shape after the run; `null` while unknown.
   */
  shape: KnownShape | null;
  /**
   * `null` while unknown.
   */
  numel: number | null;
  /**
   * For a parameter tied across modules: the first other qualified name of the same tensor.
   */
  shared_with: string | null;
}
export interface NodeError {
  /**
   * The exception's type name.
   */
  type: string;
  /**
   * The framework's own message.
   */
  message: string;
  /**
   * Added: one sentence naming the likely fix in code (computed in Python), or `null`.
   */
  hint?: string | null;
}
/**
 * Added, on lazy module nodes: the size the module reads off its first input tensor, by the framework's own name for that size, and the dimension it comes from (negative: counted from the end).
 */
export interface Inference {
  name: string;
  dim: number;
}
export interface TraceEdge {
  src: string;
  dst: string;
}
export interface EnterEvent {
  seq: number;
  kind: "enter";
  node: string;
  /**
   * Input tensor shapes.
   */
  shapes: KnownShape[];
}
export interface ExitEvent {
  seq: number;
  kind: "exit";
  node: string;
  /**
   * Output tensor shapes.
   */
  shapes: KnownShape[];
}
export interface MaterializeEvent {
  seq: number;
  kind: "materialize";
  node: string;
  param: string;
  shape: KnownShape;
}
export interface InitEvent {
  seq: number;
  kind: "init";
  node: string;
  param: string;
  /**
   * Label of the initializer `lazyviz.defer_init` applied.
   */
  init: string;
  /**
   * What the parameter really got, where not the init itself (`zeros` for a bias, `ones` for a norm scale, `default`).
   */
  fill?: string;
}
export interface ErrorEvent {
  seq: number;
  kind: "error";
  node: string;
  path: string;
  type: string;
  message: string;
  /**
   * Added: as `TraceError.hint`.
   */
  hint?: string | null;
}
/**
 * The innermost module whose call raised.
 */
export interface TraceError {
  node: string;
  path: string;
  type: string;
  message: string;
  /**
   * Added: one sentence naming the likely fix in code (lazyviz/torch/doctor.py), or `null`.
   */
  hint?: string | null;
}
/**
 * The initializer comparison record `lazyviz.inits/1` (docs/inits-schema.md).
 */
export interface InitsRecord {
  schema: "lazyviz.inits/1";
  inits: string[];
  params: ParamEntry[];
  /**
   * By initializer label.
   */
  activations: {
    [k: string]: ActivationRow[];
  };
  /**
   * Added, with gradients: `sum of outputs` or the loss function's name.
   */
  loss?: string;
  /**
   * Added, with gradients: the loss value by initializer (`null` when not finite or nothing to differentiate).
   */
  losses?: {
    [k: string]: number | null;
  };
  /**
   * Added: one row per compared parameter, in forward order, by initializer.
   */
  gradients?: {
    [k: string]: GradientRow[];
  };
  /**
   * Added: the backward's error by initializer, where it failed.
   */
  grad_errors?: {
    [k: string]: string;
  };
}
export interface ParamEntry {
  node: string;
  path: string;
  param: string;
  shape: KnownShape;
  /**
   * `null` below two dimensions.
   */
  fan_in: number | null;
  fan_out: number | null;
  /**
   * By initializer label.
   */
  per_init: {
    [k: string]: InitHistogram;
  };
}
/**
 * One parameter under one initializer: exact bin counts and moments.
 */
export interface InitHistogram {
  /**
   * One more than `counts`.
   */
  edges: number[];
  counts: number[];
  /**
   * `null` for an empty or non-finite tensor.
   */
  mean: number | null;
  /**
   * `null` for an empty or non-finite tensor.
   */
  std: number | null;
  /**
   * The initializer's exact standard deviation for this shape; `null` with no closed form.
   */
  expected_std: number | null;
  theory: Theory | null;
  /**
   * Present when the counts come from a sample of this size, not the whole parameter.
   */
  sampled?: number;
  /**
   * Present when some values were not finite: how many were left out of the bins.
   */
  nonfinite?: number;
}
export interface ActivationRow {
  path: string;
  mean: number | null;
  std: number | null;
  zero_frac: number | null;
}
/**
 * One parameter's gradient after one backward of the stated loss; nulls when it has none.
 */
export interface GradientRow {
  path: string;
  param: string;
  mean: number | null;
  std: number | null;
  norm: number | null;
  /**
   * Why the statistics are null.
   */
  no_grad?: "frozen" | "not reached" | "failed" | "meta";
}
/**
 * The synced traits of `lazyviz.LazyViz` (docs/widget-state.md).
 */
export interface LazyVizState {
  /**
   * The history, oldest first.
   */
  runs: Trace[];
  /**
   * `forwards[i]`: forwards of the user's model that produced exactly `runs[i]`; a missing count reads as 1.
   */
  forwards: number[];
  /**
   * Index into `runs` of the run on screen.
   */
  run: number;
  /**
   * Animation position: 0 = nothing played, `len(events)` = the end.
   */
  step: number;
  playing: boolean;
  /**
   * Multiplier of the base rate (1.0 = 4 events per second).
   */
  speed: number;
  /**
   * Node id shown in the details panel, `""` for none.
   */
  selected: string;
  /**
   * `{node_id: {param_name: {init_label: histogram}}}`, filled on demand.
   */
  histograms: {
    [k: string]: {
      [k: string]: {
        [k: string]: InitHistogram;
      };
    };
  };
  /**
   * `{node_id: sentence}`: why that node has no histograms (`"*"`: every node without them).
   */
  histogram_notes: {
    [k: string]: string;
  };
  /**
   * One sentence about what the widget cannot show (a compiled model), or `""`.
   */
  note: string;
  /**
   * Pixel height in a notebook cell.
   */
  height: number;
  /**
   * Fold depth: containers nested deeper than this below the root start collapsed; `null`: the automatic rule.
   */
  depth: number | null;
}
/**
 * The synced traits of `InitsWidget` (docs/inits-schema.md).
 */
export interface InitsWidgetState {
  data: InitsRecord;
  /**
   * `{path: module or op type}`, for labels.
   */
  types: {
    [k: string]: string;
  };
  /**
   * The model's class name.
   */
  title: string;
  /**
   * Qualified name of the parameter on screen (`0.weight`).
   */
  selected: string;
  /**
   * Every panel of the selected parameter shares one x range.
   */
  same_scale: boolean;
  /**
   * Pixel height in a notebook cell.
   */
  height: number;
}
