// What Python sends to the comparison widget: the record `lazyviz.inits/1`
// (docs/inits-schema.md) and the synced traits of `InitsWidget` (lazyviz/widgets/inits.py),
// typed once in lazyviz/schema.json (generated/schema.ts). Nothing here computes.

export type {
  ActivationRow,
  GradientRow,
  InitHistogram,
  InitsRecord,
  ParamEntry,
  Theory,
} from "../generated/schema";
import type { InitsWidgetState } from "../generated/schema";

/** The synced traits of `InitsWidget`. */
export type InitsTraits = InitsWidgetState;

/** The part of anywidget's model the view uses (the offline page offers the same). */
export interface TraitModel {
  get<K extends keyof InitsTraits>(name: K): InitsTraits[K];
  set<K extends keyof InitsTraits>(name: K, value: InitsTraits[K]): void;
  save_changes(): void;
  on(event: string, callback: () => void): void;
  off(event: string, callback: () => void): void;
}
