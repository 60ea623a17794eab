// The layouts the view asks for (layout/plan.ts): a quick one to place at
// once, and ELK's refinement when it arrives, unless a newer layout was asked
// for in between (a fold, a new run) or the view went away. A layout that
// fails says so in the status line instead of drawing.

import type { Layout } from "../layout/placed";
import { planLayout, refineLayout } from "../layout/plan";
import { canvasMeasurer, type Measurer } from "../layout/measure";
import type { Shown } from "./shown";

export interface LayoutJob {
  /** What to draw now. */
  quick: Layout;
  /** Asks ELK for a better layout; `then` gets it if it is still the latest asked for. */
  refine(then: (fine: Layout) => void): void;
}

export class LayoutJobs {
  private measurer: Measurer | null = null;
  private latest = 0;

  constructor(
    private readonly doc: Document,
    private readonly status: HTMLElement,
  ) {}

  /** Lays out what `shown` shows; null when that failed (the status line says why). */
  plan(shown: Shown): LayoutJob | null {
    const my = ++this.latest;
    this.status.textContent = "";
    this.measurer ??= canvasMeasurer(this.doc);
    try {
      const plan = planLayout(shown.s, shown.collapsed, this.measurer, shown.folded);
      return {
        quick: plan.quick,
        refine: (then) => {
          void refineLayout(plan)
            .catch(() => null)
            .then((fine) => {
              if (fine && my === this.latest) then(fine);
            });
        },
      };
    } catch (err) {
      this.status.textContent = `Layout failed: ${String(err)}`;
      return null;
    }
  }

  /** No layout asked for so far is wanted any more (the view went away). */
  cancel(): void {
    this.latest += 1;
  }
}
