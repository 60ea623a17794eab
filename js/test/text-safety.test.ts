// Model text (module names, class names, error messages) must reach the page
// as text, never parsed as HTML (SPEC §3). Two checks that need no DOM: the
// source never uses an HTML-parsing sink, and hostile names come out of the
// text builders byte for byte (nothing escapes or interprets them, because the
// view only ever assigns them to textContent / text nodes).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildStructure } from "../src/structure";
import { Timeline } from "../src/timeline";
import { makeBox } from "../src/layout/boxes";
import { estimateMeasurer } from "../src/layout/measure";
import { nodeLabel } from "../src/narrate";
import { fixture } from "./load";

const SRC = fileURLToPath(new URL("../src", import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

describe("no HTML parsing of model text", () => {
  it("uses no HTML-parsing sink anywhere in the front end", () => {
    const sinks = /\b(innerHTML|outerHTML|insertAdjacentHTML|createContextualFragment|DOMParser|document\.write|srcdoc)\b/;
    const ours = files(SRC).filter((f) => !f.includes(`${join("src", "inits")}`));
    expect(ours.length).toBeGreaterThan(10);
    for (const f of ours) {
      const code = readFileSync(f, "utf8").replace(/\/\/.*$/gm, "");
      expect(sinks.test(code), f).toBe(false);
    }
  });

  it("passes hostile module names through the text builders unchanged", () => {
    const t = fixture("hostile");
    const s = buildStructure(t);
    const tl = new Timeline(s);
    const names = ["<img src=x onerror=alert(1)>", "</script><script>alert(2)</script>", "&amp;<b>bold</b>"];
    for (const name of names) {
      const n = t.nodes.find((x) => x.path === name)!;
      expect(n).toBeDefined();
      const box = makeBox(s, n, new Set(), estimateMeasurer);
      expect(box.lines[0]!.segments.map((x) => x.text).join("")).toContain(name.length > 28 ? name.slice(0, 27) : name);
      expect(nodeLabel(n)).toBe(`${name} · ${n.type}`);
    }
    const captions = Array.from({ length: tl.steps + 1 }, (_, k) => tl.caption(k)).join("\n");
    expect(captions).toContain("<img src=x onerror=alert(1)> · LazyLinear saw input");
    expect(captions).not.toContain("&lt;");
  });
});
