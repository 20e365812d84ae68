/**
 * `npm run schema`: writes calpage.schema.json (the JSON Schema of calpage.yaml, for editors) from
 * src/config/config-shape.ts. src/config/config-schema.test.ts fails when the committed file differs.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { renderConfigSchema, SCHEMA_FILE } from "../src/config/config-schema.js";

const target = path.join(import.meta.dirname, "..", SCHEMA_FILE);
writeFileSync(target, renderConfigSchema());
console.log(`wrote ${path.relative(process.cwd(), target) || SCHEMA_FILE}`);
