// Loads a committed trace fixture (see fixtures/make_fixtures.py).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { normalizeTrace, type Trace } from "../src/model";

export function fixture(name: string): Trace {
  const text = readFileSync(join(__dirname, "fixtures", `${name}.json`), "utf8");
  return normalizeTrace(JSON.parse(text) as Partial<Trace>);
}
