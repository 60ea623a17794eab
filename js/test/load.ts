// Loads a committed trace fixture (see fixtures/make_fixtures.py).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { normalizeTrace, type Trace } from "../src/model";

export function fixture(name: string): Trace {
  const text = readFileSync(fileURLToPath(new URL(`./fixtures/${name}.json`, import.meta.url)), "utf8");
  return normalizeTrace(JSON.parse(text) as Partial<Trace>);
}
