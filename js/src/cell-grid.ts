// A uniform grid of square cells: an item is filed under every cell its
// rectangle touches, so "what lies near this rectangle?" costs what is near,
// not everything. Label placement (layout/labels.ts) and culling
// (view/grid.ts) both ask it.

import type { Rect } from "./geometry";

export class CellGrid<T> {
  private readonly cells = new Map<number, T[]>();

  constructor(private readonly size: number) {}

  /** How many cells `r` touches. */
  span(r: Rect): number {
    const { c0, c1, r0, r1 } = this.range(r);
    return (c1 - c0 + 1) * (r1 - r0 + 1);
  }

  add(item: T, r: Rect): void {
    this.forCells(r, (key) => {
      const list = this.cells.get(key);
      if (list) list.push(item);
      else this.cells.set(key, [item]);
    });
  }

  /**
   * Whether `test` holds for an item filed in a cell that `r` touches; stops
   * at the first. An item filed in several of those cells is tested again.
   */
  some(r: Rect, test: (item: T) => boolean): boolean {
    return this.forCells(r, (key) => {
      for (const item of this.cells.get(key) ?? []) if (test(item)) return true;
      return false;
    });
  }

  private range(r: Rect): { c0: number; c1: number; r0: number; r1: number } {
    const s = this.size;
    return {
      c0: Math.floor(r.x / s),
      c1: Math.floor((r.x + r.width) / s),
      r0: Math.floor(r.y / s),
      r1: Math.floor((r.y + r.height) / s),
    };
  }

  /** Visits the cells `r` touches until `visit` returns true; says whether it did. */
  private forCells(r: Rect, visit: (key: number) => boolean | void): boolean {
    const { c0, c1, r0, r1 } = this.range(r);
    for (let cy = r0; cy <= r1; cy++) {
      for (let cx = c0; cx <= c1; cx++) {
        // Offset so that slightly negative coordinates (a margin) still get distinct keys.
        if (visit((cy + 4096) * 1048576 + (cx + 4096))) return true;
      }
    }
    return false;
  }
}
