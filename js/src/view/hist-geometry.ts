// The geometry of one details-panel histogram, apart from the DOM so it can
// be tested: bars, the theoretical density, axis ticks with values, and for
// a point mass (an all-zero bias, a norm's all-one weight) a single spike at
// its value labelled "all = 0". Drawn as bars, a point mass would be one bin
// Python widened by ±0.001 around the value, stretched over the whole axis:
// a full-width block that reads as "uniform", the opposite of the truth.
//
// The y axis counts values (bars are equal-width bins from Python, so a bar's
// height is its count); the density curve is scaled to counts the same way.

import type { Rect } from "../geometry";
import type { InitHistogram } from "../model";

export const HIST_W = 240;
export const HIST_H = 92;
/** Plot area inside the figure: room left for count labels, below for x values, above for the spike's label. */
export const PLOT = { x0: 34, x1: HIST_W - 16, y0: 14, y1: HIST_H - 18 };

export interface Tick {
  /** Pixel position along the axis. */
  at: number;
  label: string;
}

export interface HistGeometry {
  bars: Rect[];
  /** The theoretical density as an SVG path, or null. */
  pdf: string | null;
  xTicks: Tick[];
  yTicks: Tick[];
  /** A point mass: every value equals `value`. */
  spike: { x: number; top: number; value: number; label: string } | null;
  /** The theory's point where the values are not all equal (a dashed mark). */
  theoryPoint: { x: number; label: string } | null;
}

/** `v`, rounded: a compact number for a tick or a label (no "-0", no float noise). */
export function fmtNumber(v: number, step = 0): string {
  if (v === 0 || Object.is(v, -0)) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-4) return v.toExponential(1).replace("e+", "e");
  if (step > 0) {
    const decimals = Math.min(6, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
    // Number() drops trailing zeros ("1.0" -> "1") and turns "-0.00" into 0.
    const r = Number(v.toFixed(decimals));
    return r === 0 ? "0" : String(r);
  }
  return String(Number(v.toPrecision(4)));
}

/** Counts as people read them: 950, 1.2k, 65k, 1.1M. */
export function fmtCount(c: number): string {
  if (c < 1000) return String(Math.round(c));
  if (c < 1e6) return `${Number((c / 1000).toPrecision(c < 1e4 ? 2 : 3))}k`;
  return `${Number((c / 1e6).toPrecision(2))}M`;
}

/** 1, 2 or 5 times a power of ten, about (hi - lo) / target apart; the multiples of it in [lo, hi]. */
export function niceTicks(lo: number, hi: number, target = 4): { step: number; values: number[] } {
  const span = hi - lo;
  if (!(span > 0) || !Number.isFinite(span)) return { step: 0, values: Number.isFinite(lo) ? [lo] : [] };
  const raw = span / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw * 0.999) ?? 10 * mag;
  const values: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) values.push(k * step);
  return { step, values };
}

/** Where all values sit when they are all equal (one non-empty bin of zero spread), else null. */
export function pointMass(h: InitHistogram): number | null {
  const full = h.counts.filter((c) => c > 0).length;
  if (full !== 1 || !(h.std === 0 || h.counts.length === 1)) return null;
  const i = h.counts.findIndex((c) => c > 0);
  const centre = (h.edges[i]! + h.edges[i + 1]!) / 2;
  const half = Math.abs(h.edges[i + 1]! - h.edges[i]!) / 2;
  // Python's bin is centred on the value; the theory's point is exact (0, not 1e-9) when it agrees.
  const p = lawPoint(h);
  if (typeof p === "number" && Math.abs(p - centre) <= half) return p;
  return typeof h.mean === "number" && Number.isFinite(h.mean) ? h.mean : centre;
}

/** The value of a point-mass law (`{"point": v}`), if the theory is one. */
function lawPoint(h: InitHistogram): number | undefined {
  return h.theory && "point" in h.theory ? h.theory.point : undefined;
}

function scaleX(lo: number, hi: number): (x: number) => number {
  const span = hi - lo || 1;
  return (x) => PLOT.x0 + ((x - lo) / span) * (PLOT.x1 - PLOT.x0);
}

function xTicks(lo: number, hi: number, sx: (x: number) => number): Tick[] {
  const { step, values } = niceTicks(lo, hi, 4);
  return values.map((v) => ({ at: sx(v), label: fmtNumber(v, step) }));
}

/** 0 and the top of the plot, in counts: the tallest bar's count reads off directly. */
function yTicks(max: number, sy: (c: number) => number): Tick[] {
  return max > 0 ? [{ at: sy(0), label: "0" }, { at: sy(max), label: fmtCount(max) }] : [{ at: sy(0), label: "0" }];
}

export function histogramGeometry(h: InitHistogram): HistGeometry {
  const total = h.counts.reduce((a, b) => a + b, 0);
  const point = pointMass(h);
  if (point !== null) {
    // A spike in the middle of an axis wide enough to read around it: [-1, 1] for 0, [0, 2] for 1.
    const half = Math.abs(point) > 0 ? Math.abs(point) : 1;
    const sx = scaleX(point - half, point + half);
    const sy = (c: number): number => PLOT.y1 - (total > 0 ? (c / total) * (PLOT.y1 - PLOT.y0) : 0);
    return {
      bars: [],
      pdf: null,
      xTicks: xTicks(point - half, point + half, sx),
      yTicks: yTicks(total, sy),
      spike: { x: sx(point), top: sy(total), value: point, label: `all = ${fmtNumber(point)}` },
      theoryPoint: null,
    };
  }
  const lo = h.edges[0]!;
  const hi = h.edges[h.edges.length - 1]!;
  const sx = scaleX(lo, hi);
  const meanW = (hi - lo) / Math.max(1, h.counts.length) || 1;
  // Heights in counts per mean-width bin: the count itself for Python's equal bins.
  const heights = h.counts.map((c, i) => (c * meanW) / ((h.edges[i + 1]! - h.edges[i]!) || meanW));
  const law = h.theory && "x" in h.theory ? h.theory : null;
  const tx = law?.x;
  const tp = law?.pdf;
  const curve = tx && tp && tx.length === tp.length && tx.length > 1 ? tp.map((d) => d * total * meanW) : null;
  const yMax = Math.max(1, ...heights, ...(curve ?? [0]));
  const sy = (c: number): number => PLOT.y1 - (c / yMax) * (PLOT.y1 - PLOT.y0);
  const bars = heights.map((c, i) => {
    const x0 = sx(h.edges[i]!);
    const x1 = sx(h.edges[i + 1]!);
    return { x: x0, y: sy(c), width: Math.max(0.5, x1 - x0), height: PLOT.y1 - sy(c) };
  });
  const pdf = curve && tx ? tx.map((x, i) => `${i ? "L" : "M"}${sx(x).toFixed(1)},${sy(curve[i]!).toFixed(1)}`).join("") : null;
  const p = lawPoint(h);
  const theoryPoint = typeof p === "number" && p >= lo && p <= hi ? { x: sx(p), label: `theory: all = ${fmtNumber(p)}` } : null;
  return { bars, pdf, xTicks: xTicks(lo, hi, sx), yTicks: yTicks(yMax, sy), spike: null, theoryPoint };
}
