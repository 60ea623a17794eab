// A picture as PNG, for where its SVG text would be too big to store (the
// caller decides): the browser draws the SVG into a canvas.

/** The largest canvas side browsers agree on. */
const MAX_SIDE = 16384;

function load(src: string): Promise<HTMLImageElement> {
  const img = new Image();
  img.src = src;
  return img.decode().then(() => img);
}

/**
 * A picture's own size in CSS pixels, from its root element: what to pass to
 * pictureAsPng (a widget's picture is not its box on screen: it leaves the
 * controls out and shows the whole details panel).
 */
export function pictureSize(svg: string): { width: number; height: number } {
  const tag = /<svg\b[^>]*>/.exec(svg)?.[0] ?? "";
  const read = (name: string): number => Number(new RegExp(`\\s${name}="([\\d.]+)"`).exec(tag)?.[1] ?? NaN);
  const size = { width: read("width"), height: read("height") };
  if (!(size.width > 0 && size.height > 0)) throw new Error("lazyviz: not a picture with a width and height");
  return size;
}

/** `svg` (a standalone SVG document) drawn at `scale` times `width` x `height`, as base64 PNG (no `data:` prefix). */
export async function pictureAsPng(svg: string, width: number, height: number, scale = 1): Promise<string> {
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  if (w > MAX_SIDE || h > MAX_SIDE) throw new Error(`lazyviz: a ${w} x ${h} PNG is larger than a canvas can be; use a smaller scale`);
  const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  let img: HTMLImageElement;
  try {
    img = await load(url);
  } catch {
    // A page whose policy allows data: images but not blob: ones.
    img = await load(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
  } finally {
    URL.revokeObjectURL(url);
  }
  const canvas = document.createElement("canvas");
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("lazyviz: no canvas 2D context for a PNG");
  ctx.drawImage(img, 0, 0, w, h);
  return canvas.toDataURL("image/png").slice("data:image/png;base64,".length);
}
