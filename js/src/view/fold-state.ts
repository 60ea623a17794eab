// The state a folded run's box shows: a summary of its members (the DOM contract
// asks every drawn node for a state; a box standing for 24 layers is
// `error` if one failed, `unresolved` while one still is, else `resolved`).
// Counts are kept per run, so a step costs O(1) whatever the run's length.

import type { NodeFrame, NodeState, Visit } from "../frames";

interface Tally {
  n: number;
  unresolved: number;
  error: number;
  open: number;
  done: number;
}

export class FoldStates {
  private readonly runOf = new Map<string, string>();
  private readonly tally = new Map<string, Tally>();
  private readonly counted = new Map<string, NodeFrame>();

  /** `folds`: run id (its first member, whose element is the run's box) -> member ids. */
  constructor(folds: ReadonlyMap<string, string[]>) {
    for (const [head, members] of folds) {
      this.tally.set(head, { n: members.length, unresolved: 0, error: 0, open: 0, done: 0 });
      for (const m of members) this.runOf.set(m, head);
    }
  }

  isHead(id: string): boolean {
    return this.tally.has(id);
  }

  /** Counts a member's new frame; returns its run's id (whose summary may have changed), or null. */
  update(id: string, f: NodeFrame): string | null {
    const head = this.runOf.get(id);
    if (head === undefined) return null;
    const t = this.tally.get(head)!;
    const old = this.counted.get(id);
    if (old) add(t, old, -1);
    add(t, f, 1);
    this.counted.set(id, f);
    return head;
  }

  state(head: string): NodeState {
    const t = this.tally.get(head);
    if (!t) return "resolved";
    return t.error ? "error" : t.unresolved ? "unresolved" : "resolved";
  }

  /** `open` from the first member's entry until the last one is done. */
  visit(head: string): Visit {
    const t = this.tally.get(head);
    if (!t) return "idle";
    if (t.done === t.n) return "done";
    return t.open || t.done ? "open" : "idle";
  }
}

function add(t: Tally, f: NodeFrame, sign: 1 | -1): void {
  if (f.state === "unresolved") t.unresolved += sign;
  if (f.state === "error") t.error += sign;
  if (f.visit === "open") t.open += sign;
  if (f.visit === "done") t.done += sign;
}
