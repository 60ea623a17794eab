// Fails when two modules of src/ import each other, directly or around a
// longer loop. A cycle makes the load order matter (a module may see the
// other half undefined) and blurs which of the two is the lower layer
// (STYLE.md: a folder imports only those below it). Type-only imports count
// too: they tie the design together even though they vanish at runtime.
//
// TypeScript's own scanner lists each file's imports (static, `import type`,
// `export ... from`, dynamic); only relative ones are followed: packages
// cannot import us back.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

// `node scripts/cycles.mjs [dir]`: js/src unless another folder is named.
const root = resolve(process.argv[2] ?? resolve(dirname(fileURLToPath(import.meta.url)), "../src"));

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.tsx?$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

function resolveImport(from, spec) {
  if (!spec.startsWith(".")) return null;
  const base = resolve(dirname(from), spec);
  for (const path of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts")]) {
    try {
      if (statSync(path).isFile()) return path;
    } catch {
      // not this candidate
    }
  }
  return null;
}

const graph = new Map();
for (const file of files(root)) {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  const deps = new Set();
  for (const { fileName } of importedFiles) {
    const dep = resolveImport(file, fileName);
    if (dep && /\.tsx?$/.test(dep)) deps.add(dep);
  }
  graph.set(file, [...deps]);
}

// Depth-first search; a back edge to a module still on the stack closes a cycle.
const cycles = [];
const state = new Map(); // file -> "open" | "done"
const stack = [];
function visit(file) {
  state.set(file, "open");
  stack.push(file);
  for (const dep of graph.get(file) ?? []) {
    if (state.get(dep) === "open") cycles.push([...stack.slice(stack.indexOf(dep)), dep]);
    else if (!state.has(dep)) visit(dep);
  }
  stack.pop();
  state.set(file, "done");
}
for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);

if (cycles.length > 0) {
  console.error(`Import cycles in ${relative(process.cwd(), root) || "."} (${cycles.length}):`);
  for (const c of cycles) console.error(`  ${c.map((f) => relative(root, f)).join(" -> ")}`);
  process.exit(1);
}
console.log(`No import cycles (${graph.size} modules).`);
