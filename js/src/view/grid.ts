// A uniform grid over the drawing, so culling asks "what lies in this
// rectangle?" in time proportional to the answer, not to the graph (a
// 20,000-box chain is panned and followed every frame while it plays).

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Items spanning more cells than this (a root frame, a long skip edge) are checked one by one instead. */
const MAX_CELLS = 64;

export class Grid<T> {
  private readonly cells = new Map<number, T[]>();
  private readonly big: Array<{ item: T; r: Rect }> = [];

  constructor(private readonly size = 400) {}

  private key(cx: number, cy: number): number {
    // Cells are addressed by (column, row); rows and columns stay far below 2^20 here.
    return cy * 1048576 + cx;
  }

  add(item: T, r: Rect): void {
    const c0 = Math.floor(r.x / this.size);
    const c1 = Math.floor((r.x + r.width) / this.size);
    const r0 = Math.floor(r.y / this.size);
    const r1 = Math.floor((r.y + r.height) / this.size);
    if ((c1 - c0 + 1) * (r1 - r0 + 1) > MAX_CELLS) {
      this.big.push({ item, r });
      return;
    }
    for (let cy = r0; cy <= r1; cy++) {
      for (let cx = c0; cx <= c1; cx++) {
        const k = this.key(cx, cy);
        const list = this.cells.get(k);
        if (list) list.push(item);
        else this.cells.set(k, [item]);
      }
    }
  }

  /** Every item whose rectangle may meet `r` (cell-exact for small items, exact for big ones). */
  query(r: Rect): Set<T> {
    const out = new Set<T>();
    const c0 = Math.floor(r.x / this.size);
    const c1 = Math.floor((r.x + r.width) / this.size);
    const r0 = Math.floor(r.y / this.size);
    const r1 = Math.floor((r.y + r.height) / this.size);
    for (let cy = r0; cy <= r1; cy++) {
      for (let cx = c0; cx <= c1; cx++) {
        const list = this.cells.get(this.key(cx, cy));
        if (list) for (const it of list) out.add(it);
      }
    }
    for (const { item, r: b } of this.big) {
      if (b.x <= r.x + r.width && b.x + b.width >= r.x && b.y <= r.y + r.height && b.y + b.height >= r.y) out.add(item);
    }
    return out;
  }
}
