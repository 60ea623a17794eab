// The typed mirror of what Python sends to the comparison widget: the record
// `lazyviz.inits/1` (SPEC §2b) and the synced traits of `InitsWidget`
// (lazyviz/inits_widget.py). Nothing here computes.

/** The theoretical law of one parameter under one init: a density, or a point mass. */
export type Theory = { x: number[]; pdf: number[] } | { point: number };

/** One parameter under one initializer: histogram (exact counts) and moments. */
export interface InitHistogram {
  edges: number[];
  counts: number[];
  mean: number | null;
  std: number | null;
  /** The init's exact standard deviation for this shape; `null` with no closed form. */
  expected_std: number | null;
  theory: Theory | null;
  /** Present when the counts come from a sample of this size, not the whole parameter. */
  sampled?: number;
}

export interface ParamEntry {
  node: string;
  path: string;
  param: string;
  shape: number[];
  fan_in: number | null;
  fan_out: number | null;
  per_init: Record<string, InitHistogram>;
}

export interface ActivationRow {
  path: string;
  mean: number | null;
  std: number | null;
  zero_frac: number | null;
}

/** One parameter's gradient after one backward of the stated loss; nulls when it has none. */
export interface GradientRow {
  path: string;
  param: string;
  mean: number | null;
  std: number | null;
  norm: number | null;
  /** Why the stats are null: "frozen", "not reached", "failed" or "meta". */
  no_grad?: string;
}

export interface InitsRecord {
  schema: "lazyviz.inits/1";
  inits: string[];
  params: ParamEntry[];
  activations: Record<string, ActivationRow[]>;
  /** Present with gradients: "sum of outputs" or the loss function's name. */
  loss?: string;
  /** The loss value by initializer (null when not finite or nothing to differentiate). */
  losses?: Record<string, number | null>;
  /** One row per compared parameter, in forward order, by initializer. */
  gradients?: Record<string, GradientRow[]>;
  /** The backward's error message by initializer, where it failed. */
  grad_errors?: Record<string, string>;
}

/** The synced traits of `InitsWidget`. */
export interface InitsTraits {
  data: InitsRecord;
  /** `{path: module or op type}` for labels. */
  types: Record<string, string>;
  title: string;
  /** Qualified name of the parameter on screen (`"0.weight"`). */
  selected: string;
  /** All panels of the selected parameter share one x-axis range. */
  same_scale: boolean;
}

/** The part of anywidget's model the view uses (the offline page offers the same). */
export interface TraitModel {
  get<K extends keyof InitsTraits>(name: K): InitsTraits[K];
  set<K extends keyof InitsTraits>(name: K, value: InitsTraits[K]): void;
  save_changes(): void;
  on(event: string, callback: () => void): void;
  off(event: string, callback: () => void): void;
}

export function qualname(p: ParamEntry): string {
  return p.path ? `${p.path}.${p.param}` : p.param;
}
