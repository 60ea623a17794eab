// A uniform grid over the drawing, so culling asks "what lies in this
// rectangle?" in time proportional to the answer, not to the graph (a
// 20,000-box chain is panned and followed every frame while it plays).

import { CellGrid } from "../cell-grid";
import { rectsMeet, type Rect } from "../geometry";

/** Items spanning more cells than this (a root frame, a long skip edge) are checked one by one instead. */
const MAX_CELLS = 64;

export class Grid<T> {
  private readonly cells: CellGrid<T>;
  private readonly big: Array<{ item: T; r: Rect }> = [];

  constructor(size = 400) {
    this.cells = new CellGrid<T>(size);
  }

  add(item: T, r: Rect): void {
    if (this.cells.span(r) > MAX_CELLS) this.big.push({ item, r });
    else this.cells.add(item, r);
  }

  /** Every item whose rectangle may meet `r` (cell-exact for small items, exact for big ones). */
  query(r: Rect): Set<T> {
    const out = new Set<T>();
    this.cells.some(r, (item) => {
      out.add(item);
      return false;
    });
    for (const { item, r: b } of this.big) if (rectsMeet(b, r)) out.add(item);
    return out;
  }
}
