// The pure parts of the initializer comparison: point masses, the shared
// ("same scale") x range, the log-axis rule, which gradient rows are drawn and
// the loss line.
import { describe, expect, it } from "vitest";
import type { InitHistogram, InitsRecord } from "../src/inits/model";
import { gradLabel, gradLog, gradRows, lossText, undrawn } from "../src/inits/rows";
import { dataSpan, padRange, pointMass, sharedRange, wantsLog } from "../src/inits/stats";

function hist(edges: number[], counts: number[], std: number | null, mean = 0, theory: InitHistogram["theory"] = null): InitHistogram {
  return { edges, counts, mean, std, expected_std: null, theory };
}

const narrow = hist([-0.03, 0, 0.03], [5, 5], 0.01, 0, { x: [-0.04, 0, 0.04], pdf: [0, 40, 0] });
const wide = hist([-0.6, 0, 0.6], [5, 5], 0.2, 0, { x: [-0.8, 0, 0.8], pdf: [0.1, 2, 0.1] });
const zeros = hist([-0.001, 0.001], [256], 0, 0, { point: 0 });

describe("point masses", () => {
  it("recognises a constant tensor, with or without a point law", () => {
    expect(pointMass(zeros)).toBe(0);
    expect(pointMass(hist([1.999, 2.001], [4], 0, 2))).toBe(2); // a custom init's constant
    expect(pointMass(hist([0.0999, 0.1001], [4], 0, 0.10000000149, { point: 0.1 }))).toBe(0.1);
    expect(pointMass(narrow)).toBeNull();
    expect(pointMass(hist([0, 1], [0], null, 0))).toBeNull(); // empty
  });

  it("spans only its value, and a lone point gets a unit-wide window", () => {
    expect(dataSpan(zeros)).toEqual([0, 0]);
    expect(padRange([0, 0])).toEqual([-0.5, 0.5]);
    expect(padRange([4, 4])).toEqual([2, 6]);
  });
});

describe("same scale", () => {
  it("gives every panel one range that holds all of them", () => {
    const r = sharedRange([narrow, wide, zeros])!;
    expect(r[0]).toBeLessThan(-0.8);
    expect(r[1]).toBeGreaterThan(0.8);
    expect(r[1] - r[0]).toBeLessThan(1.8); // 4% padding, not the point's unit window
    const own = padRange(dataSpan(narrow));
    expect(own[1] - own[0]).toBeLessThan(0.1);
  });

  it("falls back to the point's window when every panel is a point", () => {
    expect(sharedRange([zeros, zeros])).toEqual([-0.5, 0.5]);
    expect(sharedRange([])).toBeNull();
  });
});

describe("log axis", () => {
  it("is chosen when positive values span a decade", () => {
    expect(wantsLog([1e-6, 1e-2, null])).toBe(true);
    expect(wantsLog([0.5, 0.9, 1.2])).toBe(false);
    expect(wantsLog([0, 0, 0])).toBe(false);
    expect(wantsLog([0.3])).toBe(false);
  });
});

const record: InitsRecord = {
  schema: "lazyviz.inits/1",
  inits: ["small", "zeros"],
  params: [
    { node: "n1", path: "0", param: "weight", shape: [4, 3], fan_in: 3, fan_out: 4, per_init: {} },
    { node: "n1", path: "0", param: "bias", shape: [4], fan_in: null, fan_out: null, per_init: {} },
    { node: "n3", path: "2", param: "weight", shape: [2, 4], fan_in: 4, fan_out: 2, per_init: {} },
  ],
  activations: {},
  loss: "sum of outputs",
  losses: { small: 1.5e-7, zeros: 0 },
  gradients: {
    small: [
      { path: "0", param: "weight", mean: 0, std: 1e-7, norm: 1e-6 },
      { path: "0", param: "bias", mean: 0, std: 1e-5, norm: 1e-5 },
      { path: "2", param: "weight", mean: 0, std: 1e-4, norm: 1e-3 },
    ],
    zeros: [
      { path: "0", param: "weight", mean: 0, std: 0, norm: 0 },
      { path: "0", param: "bias", mean: 0, std: 0, norm: 0 },
      { path: "2", param: "weight", mean: 0, std: 0, norm: 0 },
    ],
  },
};

describe("gradient rows", () => {
  it("draws weights by default, every parameter on request", () => {
    expect(gradRows(record, "small", false).map((r) => r.param)).toEqual(["weight", "weight"]);
    expect(gradRows(record, "small", true)).toHaveLength(3);
    expect(gradRows(record, "missing", false)).toEqual([]);
  });

  it("labels a layer by its type and names parameters other than weight", () => {
    const types = { "0": "Linear" };
    const [weight, bias] = record.gradients?.small ?? [];
    expect(weight && gradLabel(weight, types)).toBe("0 · Linear");
    expect(bias && gradLabel(bias, types)).toBe("0 · Linear · bias");
  });

  it("says which initializers have nothing on a log axis", () => {
    expect(gradLog(record, false)).toBe(true);
    expect(undrawn(record, false, true)).toEqual([["zeros", "every gradient is 0"]]);
    expect(undrawn(record, false, false)).toEqual([]);
  });

  it("states the loss, its values and failures", () => {
    expect(lossText(record)).toBe("loss = sum of outputs; by init: small 1.50e-7 · zeros 0");
    const failed = { ...record, grad_errors: { zeros: "RuntimeError: inplace" } };
    expect(lossText(failed)).toContain("backward failed for zeros: RuntimeError: inplace");
  });
});
