// Pure numbers for the panels: densities from counts, expected moments from a
// theory, and short number formats. No DOM, so it is unit-testable.

import type { InitHistogram, Theory } from "./model";

/** Bar geometry in density units (count / (total * width)), so a theory pdf overlays it. */
export function densityBars(h: InitHistogram): { x: number[]; width: number[]; y: number[] } {
  const total = h.counts.reduce((a, b) => a + b, 0) || 1;
  const x: number[] = [];
  const width: number[] = [];
  const y: number[] = [];
  h.counts.forEach((count, i) => {
    const lo = h.edges[i];
    const hi = h.edges[i + 1];
    if (lo === undefined || hi === undefined) return; // fewer edges than bins + 1: this bin has no place
    const w = hi - lo;
    x.push((lo + hi) / 2);
    width.push(w);
    y.push(w > 0 ? count / (total * w) : 0);
  });
  return { x, width, y };
}

/** The mean of a theory: the point, or the integral of x * pdf (trapezoids). */
export function theoryMean(t: Theory | null): number | null {
  if (t === null) return null;
  if ("point" in t) return t.point;
  const m = trapezoid(t.x, t.x.map((x, i) => x * (t.pdf[i] ?? 0)));
  return Math.abs(m) < 1e-12 ? 0 : m;
}

/** The integral of ys over xs by the trapezoid rule (a missing y counts as 0). */
function trapezoid(xs: readonly number[], ys: readonly number[]): number {
  let sum = 0;
  xs.forEach((x, i) => {
    const prev = xs[i - 1];
    if (prev !== undefined) sum += ((x - prev) * ((ys[i - 1] ?? 0) + (ys[i] ?? 0))) / 2;
  });
  return sum;
}

/** The x range where the theory has visible mass (pdf above 0.1% of its peak). */
export function theorySpan(t: Theory | null): [number, number] | null {
  if (t === null) return null;
  if ("point" in t) return [t.point, t.point];
  const peak = Math.max(...t.pdf);
  const xs = t.x.filter((_, i) => (t.pdf[i] ?? 0) > peak * 1e-3);
  return xs.length ? [Math.min(...xs), Math.max(...xs)] : null;
}

/** A short number: 3 significant digits, exponent form for very small or large values. */
export function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e5) return v.toExponential(2);
  return Number(v.toPrecision(3)).toString();
}

/** `+1.2%` relative difference of a measured value against the expected one. */
export function relDiff(v: number | null, expected: number | null): string {
  if (v === null || expected === null || expected === 0) return "";
  const d = (100 * (v - expected)) / expected;
  return `${d >= 0 ? "+" : "−"}${Math.abs(d).toFixed(1)}%`;
}

/**
 * The value every entry has, when the histogram is a point mass (zeros, ones,
 * constant, or any constant tensor): one non-empty bin and a zero std.
 * The theory's point when it agrees, so "0.1" is not shown as 0.100000001.
 */
export function pointMass(h: InitHistogram): number | null {
  if (h.std !== 0 || h.mean === null) return null;
  if (h.counts.filter((c) => c > 0).length !== 1) return null;
  const t = h.theory;
  if (t !== null && "point" in t && Math.abs(t.point - h.mean) <= 1e-6 * Math.max(1, Math.abs(t.point))) {
    return t.point;
  }
  return h.mean;
}

/** The x extent of one histogram's data: its bins and the theory's visible mass (a point: itself). */
export function dataSpan(h: InitHistogram): [number, number] {
  const p = pointMass(h);
  if (p !== null) return [p, p];
  const span = theorySpan(h.theory);
  const lo = Math.min(h.edges[0] ?? Infinity, span ? span[0] : Infinity);
  const hi = Math.max(h.edges.at(-1) ?? -Infinity, span ? span[1] : -Infinity);
  return [lo, hi];
}

/** An axis range around a span: 4% padding, or a unit-wide window around a lone point. */
export function padRange([lo, hi]: [number, number]): [number, number] {
  if (hi > lo) {
    const pad = (hi - lo) * 0.04;
    return [lo - pad, hi + pad];
  }
  const half = Math.max(Math.abs(lo) * 0.5, 0.5);
  return [lo - half, lo + half];
}

/** One x range holding every histogram: the "same scale" of the panels. */
export function sharedRange(hs: InitHistogram[]): [number, number] | null {
  if (hs.length === 0) return null;
  let lo = Infinity;
  let hi = -Infinity;
  for (const h of hs) {
    const [a, b] = dataSpan(h);
    lo = Math.min(lo, a);
    hi = Math.max(hi, b);
  }
  return Number.isFinite(lo) && Number.isFinite(hi) ? padRange([lo, hi]) : null;
}

/** A log axis helps when the positive values span a decade or more. */
export function wantsLog(values: Array<number | null>): boolean {
  const pos = values.filter((v): v is number => v !== null && Number.isFinite(v) && v > 0);
  if (pos.length < 2) return false;
  return Math.max(...pos) / Math.min(...pos) >= 10;
}
