// Text widths, measured before layout so boxes fit their labels (as ipyelk does).

export type Font = "title" | "body" | "mono" | "small";

export interface Measurer {
  width(text: string, font: Font): number;
}

export const FONT_SIZE: Record<Font, number> = { title: 12, body: 11.5, mono: 11, small: 10 };

const SANS = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const MONO = 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace';

export const CSS_FONT: Record<Font, string> = {
  title: `600 ${FONT_SIZE.title}px ${SANS}`,
  body: `${FONT_SIZE.body}px ${SANS}`,
  mono: `${FONT_SIZE.mono}px ${MONO}`,
  small: `${FONT_SIZE.small}px ${MONO}`,
};

/** Average glyph widths in em: good enough where there is no canvas (tests, Node). */
const EM: Record<Font, number> = { title: 0.6, body: 0.55, mono: 0.62, small: 0.62 };

export const estimateMeasurer: Measurer = {
  width: (text, font) => Math.ceil(text.length * EM[font] * FONT_SIZE[font]),
};

/** Texts measured whole before switching to summed glyph widths (see below). */
const EXACT_TEXTS = 1000;

/**
 * Measures with a canvas 2D context in the page's fonts; caches per (font, text).
 * Past EXACT_TEXTS distinct texts (a model with thousands of boxes, each
 * named differently) a text's width is the sum of its characters' widths,
 * each measured once: ~20x cheaper, and a little wider than the exact width
 * (kerning only tightens), so a box still fits its text.
 */
export function canvasMeasurer(doc: Document = document): Measurer {
  const ctx = doc.createElement("canvas").getContext("2d");
  if (!ctx) return estimateMeasurer;
  const cache = new Map<string, number>();
  const glyphs = new Map<string, number>();
  const ascii: Partial<Record<Font, Float64Array>> = {};
  let font: Font | null = null;
  const measure = (text: string, f: Font): number => {
    if (font !== f) {
      ctx.font = CSS_FONT[f];
      font = f;
    }
    return ctx.measureText(text).width;
  };
  return {
    width(text, f) {
      const key = `${f}\u0000${text}`;
      let w = cache.get(key);
      if (w !== undefined) return w;
      if (cache.size < EXACT_TEXTS) {
        w = Math.ceil(measure(text, f));
        cache.set(key, w);
        return w;
      }
      let sum = 0;
      const table = (ascii[f] ??= new Float64Array(128).fill(-1));
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code < 128) {
          let g = table[code]!;
          if (g < 0) g = table[code] = measure(text[i]!, f);
          sum += g;
          continue;
        }
        // Outside ASCII: whole code points (a surrogate pair is one glyph), cached by text.
        const ch = String.fromCodePoint(text.codePointAt(i)!);
        if (ch.length > 1) i++;
        const gk = `${f}\u0000${ch}`;
        let g = glyphs.get(gk);
        if (g === undefined) {
          g = measure(ch, f);
          glyphs.set(gk, g);
        }
        sum += g;
      }
      return Math.ceil(sum);
    },
  };
}
