// Writes src/generated/schema.ts from ../lazyviz/schema.json, the one typed
// definition of the records and widget state Python sends (json-schema-to-typescript).
// `--check` writes nothing and fails when the committed file is not what the
// schema generates now (scripts/test.sh runs it).
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { compile } from "json-schema-to-typescript";

const schemaPath = fileURLToPath(new URL("../../lazyviz/schema.json", import.meta.url));
const outPath = fileURLToPath(new URL("../src/generated/schema.ts", import.meta.url));

const BANNER = `// Generated from lazyviz/schema.json by js/scripts/gen-types.mjs (json-schema-to-typescript).
// Do not edit: change the schema and run \`cd js && npm run types\`.
/* eslint-disable */`;

const schema = JSON.parse(readFileSync(schemaPath, "utf8"));
const text = await compile(schema, "LazyvizRecords", {
  bannerComment: BANNER,
  additionalProperties: false,
  unreachableDefinitions: true,
  style: { printWidth: 120, singleQuote: false, trailingComma: "all" },
});

if (process.argv.includes("--check")) {
  let now = "";
  try {
    now = readFileSync(outPath, "utf8");
  } catch {
    // missing: stale
  }
  if (now !== text) {
    console.error("js/src/generated/schema.ts is stale: lazyviz/schema.json changed. Run `cd js && npm run types`.");
    process.exit(1);
  }
} else {
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, text);
  console.log(`wrote ${outPath}`);
}
