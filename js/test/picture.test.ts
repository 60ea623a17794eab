// The pure parts of the picture serializer (js/src/picture/): colours as SVG
// 1.1 writes them, numbers, text safety, whitespace, id renaming, and how
// HTML text laid out by the browser becomes lines. The DOM-walking parts are
// checked in a real browser (tests/browser/test_picture_panel.py).
import { describe, expect, it } from "vitest";
import { alphaOf, colourOf, srgbColour } from "../src/picture/colours";
import { clipLine, groupLines, mergeAdjacent, transformText, withEllipsis, words, type Piece } from "../src/picture/lines";
import { pictureSize } from "../src/picture/png";
import { base64Utf8, clean, collapseSpaces, num, px, renameRefs, wrapText } from "../src/picture/xml";

describe("colours", () => {
  it("writes computed rgb() and rgba() as #rrggbb plus an opacity", () => {
    expect(colourOf("rgb(59, 130, 246)")).toEqual({ hex: "#3b82f6", a: 1 });
    expect(colourOf("rgba(0, 0, 0, 0.87)")).toEqual({ hex: "#000000", a: 0.87 });
    expect(colourOf("rgba(0, 0, 0, 0)")).toEqual({ hex: "#000000", a: 0 });
    expect(colourOf("rgb(10 20 30 / 50%)")).toEqual({ hex: "#0a141e", a: 0.5 });
  });

  it("reads color-mix()'s computed color(srgb …), clamped, which SVG 1.1 does not know", () => {
    expect(srgbColour("color(srgb 0.2 0.4 1)")).toEqual({ hex: "#3366ff", a: 1 });
    expect(srgbColour("color(srgb 1.2 -0.1 0.5 / 0.25)")).toEqual({ hex: "#ff0080", a: 0.25 });
    expect(colourOf("color(srgb 0 0 0 / 40%)")).toEqual({ hex: "#000000", a: 0.4 });
    expect(srgbColour("rgb(1, 2, 3)")).toBeUndefined();
  });

  it("has no colour for no paint or a paint server", () => {
    expect(colourOf("none")).toBeNull();
    expect(colourOf("")).toBeNull();
    expect(colourOf(undefined)).toBeNull();
    expect(colourOf('url("#grad")')).toBeNull();
  });

  it("reads alphas as numbers or percentages", () => {
    expect(alphaOf(undefined)).toBe(1);
    expect(alphaOf("0.3")).toBe(0.3);
    expect(alphaOf("30%")).toBe(0.3);
  });
});

describe("numbers and text", () => {
  it("keeps three decimals and drops px", () => {
    expect(num(1.23456)).toBe("1.235");
    expect(num("12.0")).toBe("12");
    expect(px("11.5px")).toBe("11.5");
    expect(px("1em")).toBe("1em");
    expect(px("normal")).toBe("normal");
  });

  it("replaces characters XML 1.0 cannot carry", () => {
    expect(clean("a\u0000b\u001fc\ufffed")).toBe("a\ufffdb\ufffdc\ufffdd");
    expect(clean("tab\tand\nnewline")).toBe("tab\tand\nnewline");
    expect(clean("<b>&amp;</b>")).toBe("<b>&amp;</b>"); // escaping is the serializer's job
  });

  it("wraps greedily at a width, never splitting a word", () => {
    const measure = (s: string): number => s.length;
    expect(wrapText("one two three four", 9, measure)).toEqual(["one two", "three", "four"]);
    expect(wrapText("  averyveryverylongword x ", 5, measure)).toEqual(["averyveryverylongword", "x"]);
    expect(wrapText("", 10, measure)).toEqual([]);
  });

  it("collapses whitespace across the pieces of one <text> as a page shows it", () => {
    expect(collapseSpaces(["  0 ", " ", "LazyLinear  "])).toEqual(["0 ", "", "LazyLinear"]);
    expect(collapseSpaces(["weight", " (256,\n  20)"])).toEqual(["weight", " (256, 20)"]);
    expect(collapseSpaces(["a ", "", "  "])).toEqual(["a", "", ""]);
    expect(collapseSpaces([" ", " "])).toEqual(["", ""]);
  });

  it("renames references to renamed ids, and nothing else", () => {
    const ids = new Map([["arrow", "arrow-x1"], ["clip", "clip-x1"]]);
    expect(renameRefs("marker-end", "url(#arrow)", ids)).toBe("url(#arrow-x1)");
    expect(renameRefs("filter", "url(#other)", ids)).toBe("url(#other)");
    expect(renameRefs("href", "#clip", ids)).toBe("#clip-x1");
    expect(renameRefs("href", "#nope", ids)).toBe("#nope");
    expect(renameRefs("class", "#clip", ids)).toBe("#clip");
  });

  it("encodes UTF-8 text as base64 for a data: URL", () => {
    expect(base64Utf8("<svg/>")).toBe(btoa("<svg/>"));
    expect(Buffer.from(base64Utf8("σ · 0.01 ×"), "base64").toString("utf8")).toBe("σ · 0.01 ×");
    const long = "x".repeat(100_000) + "é";
    expect(Buffer.from(base64Utf8(long), "base64").toString("utf8")).toBe(long);
  });
});

describe("PNG size", () => {
  it("reads a picture's own size from its root element", () => {
    const svg = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="1166" height="572.5" stroke-width="3"><rect width="9" height="9"/></svg>';
    expect(pictureSize(svg)).toEqual({ width: 1166, height: 572.5 });
    expect(() => pictureSize("<svg/>")).toThrow(/width and height/);
  });
});

/** A piece of text at (left, top), 7 px a character, 14 px tall. */
function piece(text: string, start: number, left: number, top: number): Piece {
  return { text, start, end: start + text.length, left, right: left + 7 * text.length, top, bottom: top + 14 };
}

describe("HTML text as lines", () => {
  it("finds the words of a text node with their offsets", () => {
    expect(words("  mean 0.01  std ")).toEqual([
      { start: 2, end: 6 },
      { start: 7, end: 11 },
      { start: 13, end: 16 },
    ]);
    expect(words(" \n ")).toEqual([]);
  });

  it("groups pieces into the lines the browser laid out", () => {
    const a = piece("mean", 0, 10, 100);
    const b = piece("-0.0025", 5, 45, 101);
    const c = piece("(expected", 13, 10, 116); // wrapped: back to the left, one line down
    const d = piece("0.1291)", 23, 80, 116);
    expect(groupLines([a, b, c, d])).toEqual([[a, b], [c, d]]);
    expect(groupLines([])).toEqual([]);
  });

  it("joins the characters of a word the browser broke back into one piece", () => {
    const chars = [..."ab"].map((ch, i) => piece(ch, 4 + i, 10 + 7 * i, 0));
    const merged = mergeAdjacent([piece("x.", 0, 0, 0), ...chars]);
    expect(merged.map((p) => p.text)).toEqual(["x.", "ab"]);
    expect(merged[1]).toMatchObject({ start: 4, end: 6, left: 10, right: 24 });
  });

  it("keeps what an overflow: hidden box lets through, and ends a cut line with an ellipsis", () => {
    const line = [..."kaiming"].map((ch, i) => piece(ch, i, 7 * i, 0)); // 0..49 px
    const clip = { left: 0, right: 30, top: 0, bottom: 20, ellipsis: true };
    const { kept, cut } = clipLine(line, clip);
    expect(cut).toBe(true);
    expect(kept.map((p) => p.text).join("")).toBe("kaim");
    const ended = mergeAdjacent(withEllipsis(kept, clip.right, 7));
    expect(ended.map((p) => p.text)).toEqual(["kai…"]);
    expect(clipLine(line, null)).toEqual({ kept: line, cut: false });
  });

  it("applies text-transform", () => {
    expect(transformText("parameters", "uppercase")).toBe("PARAMETERS");
    expect(transformText("Mixed", "lowercase")).toBe("mixed");
    expect(transformText("values with", "capitalize")).toBe("Values With");
    expect(transformText("as is", "none")).toBe("as is");
  });
});
