import { readFileSync } from "node:fs";
import { Parser } from "@asyncapi/parser";

const parser = new Parser();
let failed = false;
for (const path of process.argv.slice(2)) {
  const { document, diagnostics } = await parser.parse(readFileSync(path, "utf8"));
  const errors = diagnostics.filter((d) => d.severity === 0);
  const warnings = diagnostics.filter((d) => d.severity === 1);
  for (const d of [...errors, ...warnings]) console.log(`${path}: ${d.severity === 0 ? "error" : "warning"} ${d.code} ${d.message} at ${d.path.join(".")}`);
  if (!document || errors.length) failed = true;
  else console.log(`${path}: valid, ${document.operations().length} operations, ${document.allMessages().length} messages`);
}
process.exit(failed ? 1 : 0);
