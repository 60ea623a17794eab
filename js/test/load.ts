// Loads a golden trace record (tests/golden/<name>.json): what the trace engine
// really records for a fixture model, kept current by tests/test_golden.py.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { normalizeTrace, type Trace } from "../src/model";

export function fixture(name: string): Trace {
  const text = readFileSync(fileURLToPath(new URL(`../../tests/golden/${name}.json`, import.meta.url)), "utf8");
  return normalizeTrace(JSON.parse(text) as Partial<Trace>);
}
