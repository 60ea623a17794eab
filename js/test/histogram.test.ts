import { describe, expect, it } from "vitest";
import { PLOT, fmtNumber, histogramGeometry, niceTicks, pointMass } from "../src/view/hist-geometry";
import { statsText, type HistogramData } from "../src/view/histogram";

/** What Python's `histogram()` sends for a constant tensor: one bin of ±0.001 around the value. */
function constant(v: number, n: number, theory: HistogramData["theory"] = null): HistogramData {
  const half = Math.max(Math.abs(v) * 1e-3, 1e-3);
  return { edges: [v - half, v + half], counts: [n], mean: v, std: 0, expected_std: null, theory };
}

function uniform(lo: number, hi: number, bins: number, per: number): HistogramData {
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  const xs = [lo, hi];
  const theory = { x: xs, pdf: [1 / (hi - lo), 1 / (hi - lo)] };
  return { edges, counts: Array(bins).fill(per), mean: (lo + hi) / 2, std: 0.1, expected_std: null, theory };
}

describe("histogram geometry", () => {
  it("draws an all-zero bias as one spike at 0 labelled with its value, not a full-width block", () => {
    const g = histogramGeometry(constant(0, 256, { point: 0 }));
    expect(g.bars).toEqual([]);
    expect(g.spike).not.toBeNull();
    expect(g.spike!.value).toBe(0);
    expect(g.spike!.label).toBe("all = 0");
    // At the middle of the axis, where the tick "0" is, and reaching the top.
    const zero = g.xTicks.find((t) => t.label === "0");
    expect(zero).toBeDefined();
    expect(g.spike!.x).toBeCloseTo(zero!.at, 5);
    expect(g.spike!.x).toBeCloseTo((PLOT.x0 + PLOT.x1) / 2, 5);
    expect(g.spike!.top).toBeCloseTo(PLOT.y0, 5);
    // The axis is wide enough to read: ticks either side of the spike.
    expect(g.xTicks.some((t) => t.at < g.spike!.x - 20)).toBe(true);
    expect(g.xTicks.some((t) => t.at > g.spike!.x + 20)).toBe(true);
    expect(g.yTicks.map((t) => t.label)).toContain("0");
  });

  it("labels a point mass at 1 (a norm's weight) with its value, exact where the theory agrees", () => {
    const g = histogramGeometry(constant(1, 16, { point: 1 }));
    expect(g.spike!.label).toBe("all = 1");
    expect(g.xTicks.map((t) => t.label)).toContain("1");
    expect(pointMass({ edges: [-0.001, 0.001], counts: [10], mean: 1e-9, std: 0, expected_std: 0, theory: { point: 0 } })).toBe(0);
  });

  it("spikes on the data even without a theory, and not for spread data", () => {
    expect(pointMass(constant(-0.5, 4))).toBe(-0.5);
    expect(pointMass(uniform(-1, 1, 10, 5))).toBeNull();
    expect(histogramGeometry(uniform(-1, 1, 10, 5)).spike).toBeNull();
  });

  it("puts x ticks with values under the bars, within the plot, in order", () => {
    const g = histogramGeometry(uniform(-0.25, 0.25, 20, 30));
    expect(g.bars).toHaveLength(20);
    expect(g.xTicks.length).toBeGreaterThanOrEqual(3);
    expect(g.xTicks.map((t) => t.label)).toEqual(["-0.2", "0", "0.2"]);
    for (const t of g.xTicks) {
      expect(t.at).toBeGreaterThanOrEqual(PLOT.x0 - 0.01);
      expect(t.at).toBeLessThanOrEqual(PLOT.x1 + 0.01);
    }
    const ats = g.xTicks.map((t) => t.at);
    expect([...ats].sort((a, b) => a - b)).toEqual(ats);
    // The bars span the plot; the y axis counts values up to the tallest bar.
    expect(g.bars[0]!.x).toBeCloseTo(PLOT.x0, 5);
    expect(g.bars.at(-1)!.x + g.bars.at(-1)!.width).toBeCloseTo(PLOT.x1, 5);
    expect(g.yTicks[0]!.label).toBe("0");
    expect(g.yTicks[0]!.at).toBeCloseTo(PLOT.y1, 5);
    expect(g.yTicks.at(-1)!.label).toBe("30");
    expect(g.pdf).toMatch(/^M/);
  });

  it("formats ticks and values without float noise or -0", () => {
    expect(niceTicks(-0.3, 0.3, 4).values.map((v) => fmtNumber(v, 0.2))).toEqual(["-0.2", "0", "0.2"]);
    expect(fmtNumber(-0)).toBe("0");
    expect(fmtNumber(0.1 + 0.2)).toBe("0.3");
    expect(fmtNumber(1e-7)).toBe("1.0e-7");
  });

  it("keeps null mean/std as n/a", () => {
    expect(statsText({ mean: null, std: null, expected_std: null })).toBe(" mean n/a std n/a (expected n/a)");
    const g = histogramGeometry({ edges: [0, 1], counts: [0], mean: null, std: null, expected_std: null, theory: null });
    expect(g.spike).toBeNull();
    expect(g.bars).toHaveLength(1);
  });
});
