// HTML text laid out by the browser, as lines for SVG <text>: the page's own
// line breaks are kept (a word's on-screen box says which line it is on), so
// the picture wraps exactly where the widget does. Pure: the boxes come from
// text-lines.ts.

/** A word (or, where the browser broke a word, one character) of a text node and its box on screen. */
export interface Piece {
  text: string;
  /** offsets in the text node, to tell a space between pieces from a broken word */
  start: number;
  end: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The words of a text: each run of non-space characters with its offsets. */
export function words(text: string): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  for (const m of text.matchAll(/\S+/g)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

/** Pieces in reading order, grouped by the line they sit on (boxes overlapping by half a line). */
export function groupLines(pieces: Piece[]): Piece[][] {
  const lines: Piece[][] = [];
  let line: Piece[] = [];
  for (const p of pieces) {
    const first = line[0];
    const overlap = first ? Math.min(first.bottom, p.bottom) - Math.max(first.top, p.top) : 0;
    const half = first ? Math.min(first.bottom - first.top, p.bottom - p.top) / 2 : 0;
    if (first && !(overlap > half && p.left >= line[line.length - 1]!.left - 0.5)) {
      lines.push(line);
      line = [];
    }
    line.push(p);
  }
  if (line.length) lines.push(line);
  return lines;
}

/** Adjacent pieces (the characters of a broken word) joined back into one. */
export function mergeAdjacent(line: Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const p of line) {
    const last = out[out.length - 1];
    if (last && last.end === p.start) {
      out[out.length - 1] = { ...last, text: last.text + p.text, end: p.end, right: p.right, top: Math.min(last.top, p.top), bottom: Math.max(last.bottom, p.bottom) };
    } else out.push(p);
  }
  return out;
}

export interface Clip {
  left: number;
  right: number;
  top: number;
  bottom: number;
  /** `text-overflow: ellipsis` on the clipping element: a cut line ends with "…" */
  ellipsis: boolean;
}

/** What of a line an `overflow: hidden` box lets through, and whether it cut anything. */
export function clipLine(line: Piece[], clip: Clip | null): { kept: Piece[]; cut: boolean } {
  if (!clip) return { kept: line, cut: false };
  const inside = (p: Piece): boolean =>
    p.left >= clip.left - 0.5 && p.right <= clip.right + 0.5 && p.bottom > clip.top && p.top < clip.bottom;
  const kept = line.filter(inside);
  return { kept, cut: kept.length < line.length };
}

/** A cut line ending in "…": pieces dropped from the end until the ellipsis fits before `right`. */
export function withEllipsis(line: Piece[], right: number, ellipsisWidth: number): Piece[] {
  const out = [...line];
  while (out.length && out[out.length - 1]!.right + ellipsisWidth > right + 0.5) out.pop();
  const last = out[out.length - 1];
  if (!last) return out;
  return [...out, { ...last, text: "…", start: last.end, end: last.end, left: last.right, right: last.right + ellipsisWidth }];
}

/** `uppercase`, `lowercase` and `capitalize` as the page shows them. */
export function transformText(text: string, transform: string): string {
  if (transform === "uppercase") return text.toUpperCase();
  if (transform === "lowercase") return text.toLowerCase();
  if (transform === "capitalize") return text.replace(/(^|\s)(\S)/g, (_, s: string, c: string) => s + c.toUpperCase());
  return text;
}
