// How the view gets a layout: a quick one now, a better one later.
//
// A chain (an MLP, a long Sequential, a network with its blocks folded) is
// placed exactly by stacking boxes. Anything that branches is first placed
// by the quick layered layout (layered.ts, milliseconds), painted, and then
// refined by ELK off the main thread; the view swaps ELK's result in when it
// arrives. So ELK never sits between a page load and its first paint.

import type { Structure } from "../structure";
import { chainLayout, chainOrder } from "./chain";
import { elkLayout } from "./elk";
import { buildElkGraph, type ElkInput } from "./elkgraph";
import { layeredLayout } from "./layered";
import type { Measurer } from "./measure";
import type { Layout } from "./placed";

/** Past this many drawn boxes ELK is not asked: it would take many seconds and improve little. */
export const REFINE_LIMIT = 800;

export interface Plan {
  input: ElkInput;
  /** What to draw at once. */
  quick: Layout;
  /** Whether ELK can do better than `quick` (a branching graph of a reasonable size). */
  refinable: boolean;
}

export function planLayout(s: Structure, collapsed: ReadonlySet<string>, m: Measurer, folded?: ReadonlySet<string>): Plan {
  const input = buildElkGraph(s, collapsed, m, folded);
  const chain = chainOrder(input);
  if (chain) return { input, quick: chainLayout(input, chain), refinable: false };
  const refinable = input.vis.visible.length <= REFINE_LIMIT;
  return { input, quick: { ...layeredLayout(input), final: !refinable }, refinable };
}

/** ELK's layout for a plan (null when the plan's quick layout is already final). */
export async function refineLayout(plan: Plan): Promise<Layout | null> {
  return plan.refinable ? elkLayout(plan.input) : null;
}
