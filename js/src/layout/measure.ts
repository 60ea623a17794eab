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

/** Measures with a canvas 2D context in the page's fonts; caches per (font, text). */
export function canvasMeasurer(doc: Document = document): Measurer {
  const ctx = doc.createElement("canvas").getContext("2d");
  if (!ctx) return estimateMeasurer;
  const cache = new Map<string, number>();
  return {
    width(text, font) {
      const key = `${font}\u0000${text}`;
      let w = cache.get(key);
      if (w === undefined) {
        ctx.font = CSS_FONT[font];
        w = Math.ceil(ctx.measureText(text).width);
        cache.set(key, w);
      }
      return w;
    },
  };
}
