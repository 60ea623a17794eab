// Text metrics in an element's computed font, from a canvas: where a line's
// baseline sits in its box, and how wide a string is (to wrap it).

let probe: CanvasRenderingContext2D | null = null;

function context(): CanvasRenderingContext2D {
  probe ??= document.createElement("canvas").getContext("2d");
  if (!probe) throw new Error("lazyviz pictures need a canvas 2D context");
  return probe;
}

/** The CSS `font` shorthand of a computed style. */
export function fontOf(cs: CSSStyleDeclaration): string {
  return `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
}

/** The font's ascent and descent: a baseline is `asc` below the top of its content box. */
export function ascent(cs: CSSStyleDeclaration): { asc: number; desc: number } {
  const ctx = context();
  ctx.font = fontOf(cs);
  const m = ctx.measureText("Hg");
  return {
    asc: m.fontBoundingBoxAscent ?? parseFloat(cs.fontSize) * 0.8,
    desc: m.fontBoundingBoxDescent ?? parseFloat(cs.fontSize) * 0.2,
  };
}

/** The baseline of a line of text centred in a box `height` tall whose top is `top`. */
export function baseline(cs: CSSStyleDeclaration, top: number, height: number): number {
  const { asc, desc } = ascent(cs);
  return top + (height - asc - desc) / 2 + asc;
}

export function textWidth(text: string, cs: CSSStyleDeclaration): number {
  const ctx = context();
  ctx.font = fontOf(cs);
  return ctx.measureText(text).width;
}
