// How big an edge's shape label is and how far it keeps from its edge: the
// room a layout leaves for labels (elkgraph.ts) and the rects labels.ts
// places. Apart from labels.ts so the layouts read sizes without importing
// the placement.

/** The label's background: text plus this much on each side. */
export const LABEL_PAD_X = 3;
/** A label's background width for text this wide. */
export function labelBoxWidth(textWidth: number): number {
  return Math.ceil(textWidth + 2 * LABEL_PAD_X);
}

/** Background height (10 px monospace: ascent and descent with a pixel to spare). */
export const LABEL_H = 14;
/** Gap between a label's background and the segment it annotates (clears an arrowhead's half width plus CLEAR). */
export const LABEL_GAP = 5.5;
/** Clearance every label keeps from every other line, box and label. */
export const CLEAR = 1.5;
