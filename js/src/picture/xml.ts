// What makes a serialized picture a valid, standalone XML document that every
// SVG reader draws the same: no control characters, short numbers, spaces
// that survive readers which collapse whitespace, ids that do not clash when
// two pictures are inlined in one page.

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/** XML 1.0 cannot carry control characters; a model name could. */
export function clean(s: string): string {
  return s.replace(CONTROL, "\ufffd");
}

/** A number with at most 3 decimals, as an attribute value. */
export function num(v: string | number): string {
  return String(Math.round(parseFloat(String(v)) * 1000) / 1000);
}

/** `12px` -> `12`; anything else (`1em`, `normal`) as it is. */
export function px(v: string): string {
  return /^-?[\d.]+px$/.test(v) ? num(v) : v;
}

/** Greedy word wrap at `width`, with `measure` giving a string's width. */
export function wrapText(text: string, width: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  let cur = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = cur ? `${cur} ${word}` : word;
    if (cur && measure(next) > width) {
      lines.push(cur);
      cur = word;
    } else cur = next;
  }
  if (cur) lines.push(cur);
  return lines;
}

/**
 * The text pieces of one <text> (its text nodes in order) with whitespace as
 * a page shows it: runs collapsed to one space across pieces, the ends trimmed.
 */
export function collapseSpaces(pieces: string[]): string[] {
  const out: string[] = [];
  let spaceBefore = true; // at the start, leading space is dropped
  for (const piece of pieces) {
    let t = piece.replace(/[\t\n\r ]+/g, " ");
    if (spaceBefore && t.startsWith(" ")) t = t.slice(1);
    if (t) spaceBefore = t.endsWith(" ");
    out.push(t);
  }
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] === "") continue;
    if (out[i]!.endsWith(" ")) out[i] = out[i]!.slice(0, -1);
    break;
  }
  return out;
}

const XML_NS = "http://www.w3.org/XML/1998/namespace";

/**
 * Whitespace as the page shows it, in a form every SVG reader keeps (see
 * collapseSpaces), and `xml:space="preserve"`: readers that collapse on
 * their own drop a space that ends a tspan, gluing a node's index to its type.
 */
export function fixSpaces(doc: Element): void {
  const walkerDoc = doc.ownerDocument;
  for (const text of doc.querySelectorAll("text")) {
    const nodes: Text[] = [];
    const walker = walkerDoc.createTreeWalker(text, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) nodes.push(walker.currentNode as Text);
    collapseSpaces(nodes.map((n) => n.data)).forEach((t, i) => (nodes[i]!.data = t));
    text.setAttributeNS(XML_NS, "xml:space", "preserve");
  }
}

/** An attribute value with its `url(#id)` and `#id` references renamed. */
export function renameRefs(name: string, value: string, ids: Map<string, string>): string {
  if (value.includes("url(#")) {
    return value.replace(/url\(#([^)]+)\)/g, (m, id: string) => (ids.has(id) ? `url(#${ids.get(id)})` : m));
  }
  if (name === "href" && value.startsWith("#") && ids.has(value.slice(1))) return `#${ids.get(value.slice(1))}`;
  return value;
}

/** A short hash of the text (FNV-1a, 32 bits) in base 36. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

/**
 * Suffixes every id (and what refers to it), so two pictures inlined in one page
 * do not clash. The suffix is a hash of the picture: the same view gives the same
 * text, which is how a notebook output knows its picture has not changed.
 */
export function uniqueIds(doc: Element, tag = shortHash(new XMLSerializer().serializeToString(doc))): void {
  const ids = new Map<string, string>();
  for (const e of doc.querySelectorAll("[id]")) {
    const id = e.getAttribute("id")!;
    ids.set(id, `${id}-${tag}`);
    e.setAttribute("id", `${id}-${tag}`);
  }
  if (!ids.size) return;
  for (const e of doc.querySelectorAll("*")) {
    for (const a of [...e.attributes]) {
      const v = renameRefs(a.localName, a.value, ids);
      if (v !== a.value) e.setAttribute(a.name, v);
    }
  }
}

/** Text as base64 of its UTF-8 bytes, for a `data:` URL (btoa alone takes only Latin-1). */
export function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The document as text: an XML declaration, the <svg>, a final newline. */
export function serialize(svg: Element): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(svg) + "\n";
}
