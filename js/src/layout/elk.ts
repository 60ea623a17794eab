// Runs ELK and flattens its answer into absolute boxes and polylines the view
// can draw without knowing ELK. In a page ELK runs in a Web Worker made from
// a Blob (the offline page's policy allows blob: workers), so its ~0.5 s of
// loading and its seconds of layout on big graphs never block painting or the
// animation; where there is no Worker (tests, Node) it runs inline.

import type { ELK, ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api";
import type { Structure } from "../structure";
import { chainLayout, chainOrder } from "./chain";
import { buildElkGraph, type ElkInput } from "./elkgraph";
import type { Measurer } from "./measure";
import { ELK_GZIP_BASE64 } from "./elk-source.generated";
import type { Point } from "../geometry";
import { finishLabels } from "./labels";
import type { Layout, PlacedEdge, PlacedNode } from "./placed";

interface Engine {
  layout(graph: ElkNode): Promise<ElkNode>;
}

let engine: Promise<Engine> | null = null;

/** ELK, evaluated on first use only (see js/scripts/embed-elk.mjs for why it travels as text). */
function elkEngine(): Promise<Engine> {
  engine ??= elkCode().then((code) => workerEngine(code) ?? inlineEngine(code));
  return engine;
}

async function elkCode(): Promise<string> {
  const bin = atob(ELK_GZIP_BASE64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const unzipped = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(unzipped).text();
}

type ElkConstructor = new () => ELK;

async function inlineEngine(code: string): Promise<Engine> {
  const Ctor = await importCommonJs(code);
  const elk = new Ctor();
  return { layout: (g) => elk.layout(g) };
}

/** Runs ELK's CommonJS build as a module: from a Blob URL in a page, from a data: URL where there is no page (tests). */
async function importCommonJs(code: string): Promise<ElkConstructor> {
  const wrapped = `var module = { exports: {} }; var exports = module.exports;\n${code}\nexport default module.exports;`;
  const inPage = typeof document !== "undefined" && typeof URL.createObjectURL === "function";
  const url = inPage
    ? URL.createObjectURL(new Blob([wrapped], { type: "text/javascript" }))
    : `data:text/javascript,${encodeURIComponent(wrapped)}`;
  try {
    const mod = (await import(/* @vite-ignore */ url)) as { default: ElkConstructor };
    return mod.default;
  } finally {
    if (inPage) URL.revokeObjectURL(url);
  }
}

// In a worker ELK's UMD wrapper defines `self.ELK`; constructing it installs
// ELK's own message handler (it thinks it is its worker script), replaced here
// by one that lays out whole graphs.
const WORKER_MAIN = `
;(function () {
  var elk = new self.ELK();
  self.onmessage = function (e) {
    var id = e.data.id;
    elk.layout(e.data.graph).then(
      function (g) { self.postMessage({ id: id, graph: g }); },
      function (err) { self.postMessage({ id: id, error: String((err && err.message) || err) }); });
  };
  self.postMessage({ ready: true });
})();`;

interface Reply {
  id?: number;
  ready?: boolean;
  graph?: ElkNode;
  error?: string;
}

function workerEngine(code: string): Engine | null {
  if (typeof Worker === "undefined" || typeof URL.createObjectURL !== "function") return null;
  const url = URL.createObjectURL(new Blob([code, WORKER_MAIN], { type: "text/javascript" }));
  let worker: Worker;
  try {
    worker = new Worker(url);
  } catch {
    URL.revokeObjectURL(url);
    return null;
  }
  const pending = new Map<number, { ok: (g: ElkNode) => void; fail: (e: Error) => void }>();
  let next = 0;
  let broken: Error | null = null;
  worker.onmessage = (e: MessageEvent<Reply>) => {
    const r = e.data;
    if (r.ready) URL.revokeObjectURL(url);
    const p = r.id === undefined ? undefined : pending.get(r.id);
    if (!p || r.id === undefined) return;
    pending.delete(r.id);
    if (r.graph) p.ok(r.graph);
    else p.fail(new Error(r.error ?? "ELK failed"));
  };
  worker.onerror = (e: ErrorEvent) => {
    e.preventDefault?.();
    broken = new Error(`ELK worker: ${e.message || "failed to start"}`);
    for (const p of pending.values()) p.fail(broken);
    pending.clear();
  };
  return {
    layout(graph) {
      if (broken) return Promise.reject(broken);
      const id = next++;
      return new Promise<ElkNode>((ok, fail) => {
        pending.set(id, { ok, fail });
        worker.postMessage({ id, graph });
      });
    },
  };
}

/** ELK's layered layout of a prepared graph (asynchronous; in a worker where there is one). */
export async function elkLayout(input: ElkInput): Promise<Layout> {
  const out = await (await elkEngine()).layout(input.graph);
  const nodes: PlacedNode[] = [];
  const walk = (n: ElkNode): void => {
    for (const c of n.children ?? []) {
      const box = input.boxes.get(c.id);
      if (box) nodes.push({ id: c.id, box, x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? box.width, height: c.height ?? box.height });
      walk(c);
    }
  };
  walk(out);
  const placed = new Map<string, ElkExtendedEdge>();
  const collect = (n: ElkNode): void => {
    for (const e of n.edges ?? []) placed.set(e.id, e);
    for (const c of n.children ?? []) collect(c);
  };
  collect(out);
  const edges: PlacedEdge[] = input.edges.map((ve) => {
    const e = placed.get(ve.id);
    const points: Point[] = [];
    for (const sec of e?.sections ?? []) {
      points.push(sec.startPoint, ...(sec.bendPoints ?? []), sec.endPoint);
    }
    // Where ELK made room for the label: tried first, and kept only if it passes the same checks as any spot.
    const l = e?.labels?.[0];
    const labelHint = l && l.x !== undefined && l.y !== undefined ? { x: l.x, y: l.y, width: l.width ?? 0, height: l.height ?? 0 } : null;
    return { ...ve, points, labelAt: null, labelHint };
  });
  return finishLabels({ nodes, edges, edgeOf: input.edgeOf, vis: input.vis, width: out.width ?? 0, height: out.height ?? 0 });
}

/** The finished layout: the exact chain when the graph is one, else ELK's (tests; the view uses plan.ts). */
export async function layoutGraph(s: Structure, collapsed: ReadonlySet<string>, m: Measurer, folded?: ReadonlySet<string>): Promise<Layout> {
  const input = buildElkGraph(s, collapsed, m, folded);
  const chain = chainOrder(input);
  return chain ? chainLayout(input, chain) : elkLayout(input);
}
