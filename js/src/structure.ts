// The trace as a tree: who contains whom, how deep, which family a node
// belongs to. Renderer-agnostic; layout, timeline and view all read it.

import type { NodeFamily, Trace, TraceNode } from "./model";

/** A layer's family as the record names it, or what the tree says of the node. */
export type Family = NodeFamily | "op" | "container" | "io" | "other";

export interface Structure {
  trace: Trace;
  nodes: TraceNode[];
  byId: Map<string, TraceNode>;
  /** node id -> id of the enclosing container node, or null at the top. */
  parentOf: Map<string, string | null>;
  /** container id -> ids of its direct children, in trace order. */
  children: Map<string, string[]>;
  /** node id -> number of containers above it. */
  depth: Map<string, number>;
  /** ids of the nodes with no container above them (the root module, inputs, outputs). */
  top: string[];
}

export function buildStructure(trace: Trace): Structure {
  const byId = new Map<string, TraceNode>();
  const modulePath = new Map<string, string>();
  for (const n of trace.nodes) {
    byId.set(n.id, n);
    if (n.kind === "module" && !modulePath.has(n.path)) modulePath.set(n.path, n.id);
  }
  const parentOf = new Map<string, string | null>();
  const children = new Map<string, string[]>();
  const top: string[] = [];
  for (const n of trace.nodes) {
    let pid: string | null = null;
    if (n.parent != null) {
      const cand = modulePath.get(n.parent);
      if (cand !== undefined && cand !== n.id) pid = cand;
    }
    parentOf.set(n.id, pid);
    if (pid === null) top.push(n.id);
    else {
      const list = children.get(pid);
      if (list) list.push(n.id);
      else children.set(pid, [n.id]);
    }
  }
  // Guard against a malformed parent cycle: anything not reachable from the top becomes top-level.
  const depth = new Map<string, number>();
  const stack: Array<[string, number]> = top.map((id) => [id, 0]);
  while (stack.length) {
    const [id, d] = stack.pop()!;
    if (depth.has(id)) continue;
    depth.set(id, d);
    for (const c of children.get(id) ?? []) stack.push([c, d + 1]);
  }
  for (const n of trace.nodes) {
    if (!depth.has(n.id)) {
      depth.set(n.id, 0);
      parentOf.set(n.id, null);
      top.push(n.id);
    }
  }
  return { trace, nodes: trace.nodes, byId, parentOf, children, depth, top };
}

/** The nodes, deepest first (children before their containers), in trace order within a depth. One pass, no sort. */
export function deepestFirst(s: Structure): TraceNode[] {
  const buckets: TraceNode[][] = [];
  for (const n of s.nodes) (buckets[s.depth.get(n.id) ?? 0] ??= []).push(n);
  const out: TraceNode[] = [];
  for (let d = buckets.length - 1; d >= 0; d--) for (const n of buckets[d] ?? []) out.push(n);
  return out;
}

export function isContainer(s: Structure, id: string): boolean {
  return (s.children.get(id)?.length ?? 0) > 0;
}

/** Ancestors of a node, nearest first. */
export function ancestors(s: Structure, id: string): string[] {
  const out: string[] = [];
  let p = s.parentOf.get(id) ?? null;
  while (p !== null && out.length < 1000) {
    out.push(p);
    p = s.parentOf.get(p) ?? null;
  }
  return out;
}

/** All nodes below a container (not the container itself). */
export function descendants(s: Structure, id: string): string[] {
  const out: string[] = [];
  const stack = [...(s.children.get(id) ?? [])];
  while (stack.length) {
    const c = stack.pop()!;
    out.push(c);
    for (const g of s.children.get(c) ?? []) stack.push(g);
  }
  return out;
}

/**
 * The colour family of a node (linear, conv, norm, activation, op, ...):
 * a layer's comes from the record (the framework adapter decides it in Python);
 * a record without one, or a layer of no known kind, is "other".
 */
export function familyOf(s: Structure, node: TraceNode): Family {
  if (node.kind === "input" || node.kind === "output") return "io";
  if (node.kind === "op") return "op";
  if (isContainer(s, node.id)) return "container";
  return node.family ?? "other";
}
